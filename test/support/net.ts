import { once } from "node:events";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server as HttpServer } from "node:http";
import { createServer, type AddressInfo, type Server } from "node:net";

// Plain node only (no vitest): the benches import this file too.

/** A TCP port free on loopback right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  const { port } = new URL(await listenOnLoopback(server));
  await new Promise((closed) => server.close(closed));
  return Number(port);
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
