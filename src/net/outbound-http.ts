import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent, request, errors } from "undici";
import { AllowList, refusal } from "./address-guard.js";
import { utf8Text } from "../text-flaws.js";

/** The methods BJS's `HTTP.*` has (spec/bjs.md §2.6). */
export const OUTBOUND_METHODS = ["GET", "POST", "PUT", "DELETE", "OPTIONS"] as const;
export type OutboundMethod = (typeof OUTBOUND_METHODS)[number];

/** One `HTTP.*` call as BJS asks for it. */
export interface OutboundRequest {
  method: OutboundMethod;
  url: string;
  headers?: Record<string, string>;
  /** An object is sent as JSON, or form-encoded when the content type says so; a string as it is. */
  body?: unknown;
  /** A `Cookie` header value ("a=1; b=2"). */
  cookies?: string;
  /** BJS's `folow_redirects`: follow 3xx answers (each hop checked like the first). */
  followRedirects?: boolean;
}

/**
 * What came of a request, as plain data for the callback run. `ok` means an answer arrived
 * with a status below 400; `error` says why none arrived (refused address, timeout, too
 * large, network), and is null when one did.
 */
export interface OutboundOutcome {
  ok: boolean;
  status: number | null;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The cookies the answers set (every hop's), by name. */
  cookies: Record<string, string>;
  /** The body: text as it came, anything else (images, archives) in base64. */
  content: string;
  contentEncoding: "utf8" | "base64";
  error: string | null;
}

export interface OutboundHttpOptions {
  /** BJS_HTTP_ALLOW: what may be reached even though private. */
  allow: AllowList;
  /** Each hop's deadline, connection to last byte (spec: 5 s). */
  timeoutMs: number;
  /** The largest body read; a larger answer is an error. */
  maxBytes: number;
  maxRedirects: number;
  /** DNS, as node:dns `lookup` (tests may answer names themselves). */
  lookup?: typeof dnsLookup;
}

export const defaultOutboundHttpOptions: Omit<OutboundHttpOptions, "allow"> = {
  timeoutMs: 5000,
  maxBytes: 1024 * 1024,
  maxRedirects: 10,
};

/** A connection the guard refused; undici wraps it, so it is found in the cause chain. */
class RefusedAddressError extends Error {}

const TEXT_TYPE = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded)\b)/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\b/i;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * Outbound HTTP for BJS on one pooled undici agent. Every connection is checked after DNS:
 * the agent's own lookup resolves the name, refuses it when any address is private (unless
 * BJS_HTTP_ALLOW permits it) and hands the socket the very addresses it checked, so a second
 * resolution cannot swap them. Redirects are followed by hand, so each hop goes through the
 * same check; like Bots.Business they repeat the method, body and headers, but credentials
 * (Authorization, Cookie) stay with the origin that was asked.
 */
export class OutboundHttp {
  private readonly agent: Agent;
  private readonly options: OutboundHttpOptions;

  constructor(options: Partial<OutboundHttpOptions> & Pick<OutboundHttpOptions, "allow">) {
    this.options = { ...defaultOutboundHttpOptions, ...options };
    this.agent = new Agent({ connect: { lookup: this.guardedLookup() }, keepAliveTimeout: 10_000, connections: 64 });
  }

  /** Sends the request (and follows its redirects when asked); never throws. */
  async send(call: OutboundRequest): Promise<OutboundOutcome> {
    const cookies: Record<string, string> = {};
    const outcome = (fields: Partial<OutboundOutcome>): OutboundOutcome => ({ ok: false, status: null, headers: {}, content: "", contentEncoding: "utf8", error: null, ...fields, cookies });
    let url: URL;
    try {
      url = new URL(call.url);
    } catch {
      return outcome({ error: `'${call.url}' is not an absolute URL` });
    }
    const origin = url.origin;
    const { body, contentType } = encodeBody(call);
    for (let hop = 0; ; hop++) {
      if (url.protocol !== "http:" && url.protocol !== "https:") return outcome({ error: `${url.protocol} URLs are not supported` });
      const refused = this.refuseLiteral(url);
      if (refused) return outcome({ error: `refused: ${refused}` });
      const sameOrigin = url.origin === origin;
      const headers = requestHeaders(call, contentType, sameOrigin, cookies);
      let answer: Awaited<ReturnType<typeof this.exchange>>;
      try {
        answer = await this.exchange(url, call.method, headers, body);
      } catch (error) {
        return outcome({ error: describe(error, this.options) });
      }
      Object.assign(cookies, parseSetCookies(answer.headers["set-cookie"]));
      const location = answer.headers.location;
      if (call.followRedirects && REDIRECTS.has(answer.status) && location) {
        if (hop >= this.options.maxRedirects) return outcome({ status: answer.status, headers: flatHeaders(answer.headers), error: `more than ${this.options.maxRedirects} redirects` });
        try {
          url = new URL(String(location), url);
        } catch {
          return outcome({ status: answer.status, headers: flatHeaders(answer.headers), error: `redirect to a bad location '${String(location)}'` });
        }
        continue;
      }
      const type = String(answer.headers["content-type"] ?? "");
      const text = isText(type, answer.body);
      return outcome({
        ok: answer.status < 400,
        status: answer.status,
        headers: flatHeaders(answer.headers),
        content: text ? answer.body.toString("utf8") : answer.body.toString("base64"),
        contentEncoding: text ? "utf8" : "base64",
      });
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** One hop: the status, headers and body (up to the size cap) before the deadline. */
  private async exchange(url: URL, method: OutboundMethod, headers: Record<string, string>, body: string | undefined) {
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    const response = await request(url, { method, headers, body, dispatcher: this.agent, signal, maxRedirections: 0 });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > this.options.maxBytes) {
        response.body.destroy();
        throw new TooLargeError();
      }
      chunks.push(chunk);
    }
    return { status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) };
  }

  /** A URL naming an IP address is checked here: sockets skip the lookup for those. */
  private refuseLiteral(url: URL): string | undefined {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const reason = isIP(host) ? refusal(host, host, this.options.allow) : undefined;
    return reason && `${host} is a ${reason} address`;
  }

  /** node:net's lookup, with the guard's decision on every address it answers. */
  private guardedLookup(): LookupFunction {
    const resolve = this.options.lookup ?? dnsLookup;
    return (hostname, options, callback) => {
      resolve(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
        if (error) return callback(error, "", 0);
        const reason = addresses.map((entry) => refusal(hostname, entry.address, this.options.allow)).find(Boolean);
        // Not which address: BJS would map the platform's internal names to their addresses.
        if (reason) return callback(new RefusedAddressError(`${hostname} resolves to a ${reason} address`), "", 0);
        if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
        callback(null, addresses[0]!.address, addresses[0]!.family);
      });
    };
  }
}

class TooLargeError extends Error {}

function encodeBody(call: OutboundRequest): { body?: string; contentType?: string } {
  if (call.body === undefined || call.body === null || call.method === "GET") return {};
  const given = Object.entries(call.headers ?? {}).find(([name]) => name.toLowerCase() === "content-type")?.[1];
  if (typeof call.body === "string") return { body: call.body, contentType: given ?? "application/json" };
  if (given && FORM_TYPE.test(given) && typeof call.body === "object") {
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(call.body as Record<string, unknown>)) form.append(name, typeof value === "string" ? value : JSON.stringify(value));
    return { body: form.toString(), contentType: given };
  }
  return { body: JSON.stringify(call.body), contentType: given ?? "application/json" };
}

/** The caller's headers, with the body's type and the cookies; credentials only for the first origin. */
function requestHeaders(call: OutboundRequest, contentType: string | undefined, sameOrigin: boolean, received: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(call.headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === "content-type" || lower === "host" || lower === "content-length") continue;
    if (!sameOrigin && (lower === "authorization" || lower === "cookie")) continue;
    headers[lower] = String(value);
  }
  if (contentType) headers["content-type"] = contentType;
  if (sameOrigin) {
    const cookie = [call.cookies, ...Object.entries(received).map(([name, value]) => `${name}=${value}`)].filter(Boolean).join("; ");
    if (cookie) headers.cookie = headers.cookie ? `${headers.cookie}; ${cookie}` : cookie;
  }
  return headers;
}

/** `Set-Cookie` values to `{name: value}` (attributes such as Path dropped). */
function parseSetCookies(header: string | string[] | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const line of header === undefined ? [] : [header].flat()) {
    const pair = line.split(";")[0]!;
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    cookies[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return cookies;
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name.toLowerCase()] = [value].flat().join(", ");
  return flat;
}

/** Whether a body is text: by its type, or, without one, when it decodes as UTF-8. */
function isText(contentType: string, body: Buffer): boolean {
  if (contentType) return TEXT_TYPE.test(contentType);
  return utf8Text(body) !== undefined;
}

/** A failure as the error callback tells it. */
function describe(error: unknown, options: OutboundHttpOptions): string {
  for (let cause: unknown = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof RefusedAddressError) return `refused: ${cause.message}`;
    if (cause instanceof TooLargeError) return `the answer is larger than ${options.maxBytes} bytes`;
    if (cause.name === "TimeoutError" || cause instanceof errors.HeadersTimeoutError || cause instanceof errors.BodyTimeoutError || cause instanceof errors.ConnectTimeoutError) {
      return `no answer within ${options.timeoutMs / 1000} s`;
    }
  }
  const code = (error as { code?: string }).code;
  return `request failed: ${code ?? (error as Error).message}`;
}
