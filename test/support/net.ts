import { randomInt } from "node:crypto";
import { once } from "node:events";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server as HttpServer } from "node:http";
import { createServer, type AddressInfo, type Server } from "node:net";

// Plain node only (no vitest): the benches import this file too.

/**
 * Ports handed out for another process to bind, below Linux's ephemeral range (32768 and up):
 * a port from that range, free when checked, can be taken by any outgoing connection before
 * the process binds it. Each vitest worker has a block of its own, so two never hand out the same.
 */
const BLOCK = 2000;
const FIRST = 20_000 + (Number(process.env.VITEST_POOL_ID ?? 0) % 6) * BLOCK;
let nextPort = FIRST + randomInt(BLOCK);

/** A TCP port free on loopback right now, for a process started next to bind. */
export async function freePort(): Promise<number> {
  for (let tried = 0; tried < BLOCK; tried++) {
    const port = nextPort;
    nextPort = port + 1 < FIRST + BLOCK ? port + 1 : FIRST;
    if (await isFree(port)) return port;
  }
  throw new Error(`No free port on 127.0.0.1 between ${FIRST} and ${FIRST + BLOCK - 1}`);
}

async function isFree(port: number): Promise<boolean> {
  const server = createServer();
  server.listen(port, "127.0.0.1");
  try {
    await once(server, "listening");
  } catch {
    return false;
  }
  await new Promise((closed) => server.close(closed));
  return true;
}

/** Listens on 127.0.0.1 on a port the system picks, so parallel tests never collide; answers `http://127.0.0.1:PORT`. */
export async function listenOnLoopback(server: Server): Promise<string> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening"); // rejects on an "error" instead
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A handler that gets each request's whole body at once. */
export type LoopbackHandler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void;

/** An HTTP server running on loopback. */
export interface LoopbackServer {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  url: string;
  server: HttpServer;
  /** Closes the server and its open connections, so that a keep-alive client or a held answer never keeps a test waiting. */
  close(): Promise<void>;
}

/** A stand-in web service on loopback whose handler sees each request with its body already read. */
export async function serveOnLoopback(handle: LoopbackHandler): Promise<LoopbackServer> {
  const server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => handle(request, Buffer.concat(chunks), response));
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    server,
    close() {
      server.closeAllConnections();
      return new Promise((closed) => server.close(() => closed()));
    },
  };
}
