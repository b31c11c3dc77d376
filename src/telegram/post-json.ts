import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

export interface PostOptions {
  headers?: Record<string, string>;
  /** The whole call, from sending to the last byte of the answer. */
  timeoutMs: number;
  /** Cuts the call short (a stopping polling loop, a stopping webhook). */
  signal?: AbortSignal;
}

export interface PostAnswer {
  status: number;
  statusText: string;
  body: string;
}

/** The call took longer than `timeoutMs`. */
export class PostTimeoutError extends Error {
  override readonly name = "TimeoutError";
  constructor() {
    super("timed out");
  }
}

// Kept-alive connections: Telegram calls go to one host again and again.
const agents = {
  "http:": new HttpAgent({ keepAlive: true, maxSockets: 256 }),
  "https:": new HttpsAgent({ keepAlive: true, maxSockets: 256 }),
};

/**
 * POSTs a JSON body and answers the status and the text of the answer; network failures
 * reject (with the socket's `code`, or a PostTimeoutError). node:http rather than fetch: per
 * call, fetch with a timeout signal costs about three times the CPU (bench/runtime.ts spends
 * a third of an update in it), and the runtime makes a call for every message it sends.
 */
export function postJson(url: URL, json: string, options: PostOptions): Promise<PostAnswer> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  const agent = agents[url.protocol as keyof typeof agents];
  if (!agent) return Promise.reject(new Error(`unsupported protocol ${url.protocol}`));
  return new Promise((resolve, reject) => {
    const request = send(url, {
      method: "POST",
      agent,
      headers: { ...options.headers, "content-type": "application/json", "content-length": Buffer.byteLength(json) },
    });
    const timer = setTimeout(() => request.destroy(new PostTimeoutError()), options.timeoutMs);
    const onAbort = () => request.destroy(signal!.reason as Error);
    signal?.addEventListener("abort", onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    request.on("error", (error) => {
      settle();
      reject(error);
    });
    request.on("response", (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        settle();
        resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? "", body: Buffer.concat(chunks).toString("utf8") });
      });
      response.on("error", (error) => {
        settle();
        reject(error);
      });
    });
    request.end(json);
  });
}
