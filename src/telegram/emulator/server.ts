import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { ControlApi } from "./control.js";
import { controlMethods } from "./control.js";
import { controlCatalog } from "./control-catalog.js";
import type { TelegramEmulator } from "./emulator.js";
import { notFound, TelegramError, unauthorized } from "./errors.js";
import { parseParams } from "./params.js";

/** Telegram accepts uploads up to 50 MB. */
const BODY_LIMIT = 50 * 1024 * 1024;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) reject(new BodyTooLarge());
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}

/** Makes, once and on demand, an AbortSignal that fires if the client goes away unanswered. */
function hangUpSignal(res: ServerResponse): () => AbortSignal {
  let signal: AbortSignal | undefined;
  return () => {
    if (signal) return signal;
    const controller = new AbortController();
    res.once("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    return (signal = controller.signal);
  };
}

/**
 * The emulator over HTTP, on raw node:http for speed:
 * - `/bot<token>/<method>`: the Bot API (JSON, form, multipart or query parameters);
 * - `/file/bot<token>/<file_path>`: file downloads, as Telegram serves them;
 * - `POST /control/<method>`: the control API (JSON in, `{ok, result|description}` out), when
 *   one is given;
 * - `GET /control`: the control methods, with their parameters and what each does.
 */
export function createEmulatorServer(emulator: TelegramEmulator, control?: ControlApi): Server {
  async function botApi(req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
    const slash = path.indexOf("/", 4);
    if (slash < 0) throw notFound();
    const params = parseParams(req.headers["content-type"], await readBody(req), query);
    const answer = await emulator.call(path.slice(4, slash), path.slice(slash + 1), params, hangUpSignal(res));
    if (answer) sendJson(res, answer.status, answer.body);
  }

  function download(res: ServerResponse, path: string): void {
    const [, token, ...rest] = /^\/file\/bot([^/]+)\/(.+)$/.exec(path) ?? [];
    if (!token || !emulator.world.bots.has(token)) throw unauthorized();
    const file = emulator.world.files.atPath(decodeURIComponent(rest.join("/")));
    if (!file?.data) throw notFound();
    res.writeHead(200, { "content-type": file.mime_type ?? "application/octet-stream", "content-length": file.data.length });
    res.end(file.data);
  }

  async function controlApi(req: IncomingMessage, res: ServerResponse, control: ControlApi, name: string): Promise<void> {
    if (!controlMethods.has(name)) throw notFound();
    const body = await readBody(req);
    try {
      const params = body.length ? JSON.parse(body.toString("utf8")) : {};
      const result = await (control[name as keyof ControlApi] as (p: unknown) => unknown).call(control, params);
      sendJson(res, 200, { ok: true, result });
    } catch (error) {
      // A test tool's caller wants the reason: bad JSON or a wrongly shaped call is a 400 too.
      sendJson(res, 400, { ok: false, error_code: 400, description: (error as Error).message });
    }
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    if (path.startsWith("/bot")) return botApi(req, res, path, q < 0 ? "" : url.slice(q + 1));
    if (path.startsWith("/file/bot")) return download(res, path);
    if (control && path.startsWith("/control/") && req.method === "POST") return controlApi(req, res, control, path.slice(9));
    if (control && (path === "/control" || path === "/control/") && req.method === "GET") return sendJson(res, 200, { ok: true, result: controlCatalog });
    throw notFound();
  }

  return createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (error instanceof TelegramError) return sendJson(res, error.code, error);
      if (error instanceof BodyTooLarge) return sendJson(res, 413, { ok: false, error_code: 413, description: "Request Entity Too Large" });
      console.error("emulator: unexpected error", error);
      sendJson(res, 500, { ok: false, error_code: 500, description: "Internal Server Error" });
    });
  });
}
