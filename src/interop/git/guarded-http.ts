import type { GitHttpRequest, HttpClient } from "isomorphic-git";
import http from "isomorphic-git/http/node";
import type { Outbound } from "../outbound.js";

/** Redirects one request may follow, as many as isomorphic-git's own client follows. */
const MAX_REDIRECTS = 10;

/** The headers without the credentials a first origin was given. */
function withoutCredentials(headers: GitHttpRequest["headers"]): GitHttpRequest["headers"] {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !["authorization", "cookie"].includes(name.toLowerCase())));
}

/**
 * isomorphic-git's HTTP client with each redirect checked like the first URL
 * (Outbound.checkResolved): its own client follows a redirect wherever it leads, so a public
 * repository answering 302 with a private address had the platform fetch from there.
 * Credentials stay with the first origin. A request with a body (a push) is not redirected:
 * its body cannot be sent twice.
 */
export function guardedGitHttp(outbound: Outbound, inner: HttpClient = http): HttpClient {
  return {
    async request(call) {
      const origin = new URL(call.url).origin;
      let next = call;
      for (let hop = 0; ; hop++) {
        const response = await inner.request({ ...next, fetchOptions: { ...next.fetchOptions, followRedirects: false } });
        const location = response.headers?.location;
        if (response.statusCode < 300 || response.statusCode >= 400 || !location) return { ...response, url: next.url };
        await response.body?.return?.();
        if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
        if (next.body !== undefined) throw new Error(`cannot follow a ${response.statusCode} redirect with a request body`);
        const url = (await outbound.checkResolved(new URL(location, next.url).href, "Repository URL")).href;
        next = { ...next, url, headers: new URL(url).origin === origin ? call.headers : withoutCredentials(call.headers) };
      }
    },
  };
}
