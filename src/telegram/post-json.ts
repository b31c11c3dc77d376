import { STATUS_CODES } from "node:http";
import { Agent, errors } from "undici";

export interface PostOptions {
  headers?: Record<string, string>;
  /** How long the answer may keep us waiting, for its headers and then for its body. */
  timeoutMs: number;
  /** Cuts the call short (a stopping polling loop, a stopping webhook); rejects with its reason. */
  signal?: AbortSignal;
  /**
   * The answer is held on purpose (getUpdates' long poll): such calls get connections of
   * their own, as many as there are polling bots, so that held polls never make other calls
   * (or other bots' polls) queue for a connection.
   */
  held?: boolean;
}

export interface PostAnswer {
  status: number;
  statusText: string;
  body: string;
}

/** The answer took longer than `timeoutMs`. */
export class PostTimeoutError extends Error {
  override readonly name = "TimeoutError";
  constructor() {
    super("timed out");
  }
}

// Kept-alive connections per origin: Telegram calls go to one host again and again. Held
// long polls have their own, uncapped: each waiting bot holds one.
const agent = new Agent({ connections: 256 });
const heldAgent = new Agent();

/**
 * POSTs a JSON body and answers the status and the text of the answer; network failures
 * reject (with the socket's `code`, or a PostTimeoutError), an aborted signal with its reason.
 * undici's request rather than fetch or node:http: per call, on loopback, fetch with a timeout
 * signal cost ~630 µs of CPU, node:http ~130-200 µs and undici ~90-120 µs (server included),
 * and the runtime makes a call for every message it sends. Dispatched with a handler that
 * gathers the answer's bytes, not through `request()`: that wraps each answer in a readable
 * stream and an async resource, which cost more CPU than the rest of the call.
 */
export function postJson(url: URL, json: string, options: PostOptions): Promise<PostAnswer> {
  if (url.protocol !== "http:" && url.protocol !== "https:") return Promise.reject(new Error(`unsupported protocol ${url.protocol}`));
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    let status = 0;
    const chunks: Buffer[] = [];
    let abortCall: ((reason?: Error) => void) | undefined;
    const onAbort = () => abortCall?.(signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    const settled = () => signal?.removeEventListener("abort", onAbort);
    (options.held ? heldAgent : agent).dispatch(
      {
        origin: url.origin,
        path: url.pathname + url.search,
        method: "POST",
        headers: { ...options.headers, "content-type": "application/json" },
        body: json,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      },
      {
        onConnect(abort) {
          abortCall = abort;
          if (signal?.aborted) abort(signal.reason);
        },
        onHeaders(statusCode) {
          status = statusCode;
          return true;
        },
        onData(chunk) {
          chunks.push(chunk);
          return true;
        },
        onComplete() {
          settled();
          resolve({ status, statusText: STATUS_CODES[status] ?? "", body: Buffer.concat(chunks).toString("utf8") });
        },
        onError(error) {
          settled();
          reject(error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError ? new PostTimeoutError() : error);
        },
      },
    );
  });
}
