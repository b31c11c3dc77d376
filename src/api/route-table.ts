import type { FastifyInstance } from "fastify";

/** A registered route: one method and its URL pattern (`/v2/bots/:id`). */
export interface RouteEntry {
  method: string;
  url: string;
}

declare module "fastify" {
  interface FastifyInstance {
    /** Every route registered after `recordRoutes`, for tests that must cover them all. */
    routeTable: RouteEntry[];
  }
}

/** Records every route registered from now on (HEAD twins left out). */
export function recordRoutes(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  app.decorate("routeTable", table);
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) if (method !== "HEAD") table.push({ method, url: route.url });
  });
}
