import type { GitHttpRequest, HttpClient } from "isomorphic-git";
import http from "isomorphic-git/http/node";
import { UnprocessableError } from "../../errors.js";
import type { Outbound } from "../outbound.js";

/** Redirects one request may follow, as many as isomorphic-git's own client follows. */
const MAX_REDIRECTS = 10;
/**
 * How long one request may take, redirects and body included: isomorphic-git's client has no
 * timeout, and a remote sending a byte now and then would hold the import or export (and,
 * from BJS, its job slot) for ever.
 */
export const GIT_REQUEST_DEADLINE_MS = 60_000;

/**
 * The most one response may carry: a pack of a repository at the size limit (remote.ts), with
 * room for objects zlib could not shrink. isomorphic-git holds a whole pack in memory.
 */
export const GIT_RESPONSE_MAX_BYTES = 96 * 1024 * 1024;

/** `work`, or a rejection once `deadline` (ms since the epoch) has passed. */
function byDeadline<T>(work: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("the remote took too long to answer")), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** A response body that fails once the deadline has passed or past `maxBytes`; given up, it is closed (its socket with it). */
async function* boundedBody(body: AsyncIterableIterator<Uint8Array>, deadline: number, maxBytes: number): AsyncIterableIterator<Uint8Array> {
  let bytes = 0;
  try {
    for (;;) {
      const chunk = await byDeadline(body.next(), deadline);
      if (chunk.done) return;
      bytes += chunk.value.byteLength;
      if (bytes > maxBytes) throw new UnprocessableError(`The repository sent over ${maxBytes >> 20} MB: it is too large for a bot`);
      yield chunk.value;
    }
  } finally {
    // Not awaited: a read still pending holds the close until its next chunk comes.
    void body.return?.()?.catch(() => {});
  }
}

/** The headers without the credentials a first origin was given. */
function withoutCredentials(headers: GitHttpRequest["headers"]): GitHttpRequest["headers"] {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !["authorization", "cookie"].includes(name.toLowerCase())));
}

/**
 * isomorphic-git's HTTP client with each redirect checked like the first URL
 * (Outbound.checkResolved): its own client follows a redirect wherever it leads, so a public
 * repository answering 302 with a private address had the platform fetch from there.
 * Credentials stay with the first origin. A request with a body (a push) is not redirected:
 * its body cannot be sent twice. Each request ends within `deadlineMs`, its body read included,
 * and its body may carry `maxBodyBytes`.
 */
export function guardedGitHttp(outbound: Outbound, inner: HttpClient = http, deadlineMs = GIT_REQUEST_DEADLINE_MS, maxBodyBytes = GIT_RESPONSE_MAX_BYTES): HttpClient {
  return {
    async request(call) {
      const deadline = Date.now() + deadlineMs;
      const origin = new URL(call.url).origin;
      let next = call;
      for (let hop = 0; ; hop++) {
        const response = await byDeadline(inner.request({ ...next, fetchOptions: { ...next.fetchOptions, followRedirects: false } }), deadline);
        const location = response.headers?.location;
        if (response.statusCode < 300 || response.statusCode >= 400 || !location) return { ...response, url: next.url, body: response.body && boundedBody(response.body, deadline, maxBodyBytes) };
        await response.body?.return?.();
        if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
        if (next.body !== undefined) throw new Error(`cannot follow a ${response.statusCode} redirect with a request body`);
        const url = (await outbound.checkResolved(new URL(location, next.url).href, "Repository URL")).href;
        next = { ...next, url, headers: new URL(url).origin === origin ? call.headers : withoutCredentials(call.headers) };
      }
    },
  };
}
