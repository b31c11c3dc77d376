import type { FastifyInstance } from "fastify";

/** A registered route: one method and its URL pattern (`/v2/bots/:id`). */
export interface RouteEntry {
  method: string;
  url: string;
}

declare module "fastify" {
  interface FastifyInstance {
    /**
     * Every route registered after `recordRoutes`, HEAD twins included: what a 405 says a path
     * takes, and what tests that must cover every route walk.
     */
    routeTable: RouteEntry[];
  }
}

/** Records every route registered from now on. */
export function recordRoutes(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  app.decorate("routeTable", table);
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) table.push({ method, url: route.url });
  });
}

/**
 * The methods that have a route at a concrete path (`/v2/bots/7`, as sent), for a 405's
 * `Allow`. The path is read decoded, as the router reads it, but for `%2F`, which stays within
 * one segment.
 */
export function methodsAt(table: readonly RouteEntry[], sentPath: string): string[] {
  let path = sentPath;
  try {
    path = decodeURI(sentPath);
  } catch {
    // A broken escape: matched as sent.
  }
  const methods = new Set<string>();
  for (const { method, url } of table) if (patternOf(url).test(path)) methods.add(method);
  return [...methods].sort((a, b) => METHOD_ORDER.indexOf(a) - METHOD_ORDER.indexOf(b));
}

const METHOD_ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const patterns = new Map<string, RegExp>();

/** A route URL as a regular expression: a `:param` is one path segment, `*` anything. */
function patternOf(url: string): RegExp {
  let pattern = patterns.get(url);
  if (!pattern) {
    const source = url
      .split(/(:[A-Za-z0-9_]+|\*)/)
      .map((part) => (part === "*" ? ".*" : part.startsWith(":") ? "[^/]+" : part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("");
    pattern = new RegExp(`^${source}/?$`);
    patterns.set(url, pattern);
  }
  return pattern;
}
