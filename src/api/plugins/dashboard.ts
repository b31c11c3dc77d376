import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyBaseLogger, FastifyInstance } from "fastify";

/** Where `npm run build:web` puts the dashboard. */
export const DASHBOARD_DIR = resolve(import.meta.dirname, "../../../dist/web");

/** A year: hashed asset names change with their content, so a cached one is never stale. */
const IMMUTABLE = "public, max-age=31536000, immutable";

/**
 * Serves the dashboard (web/, built into dist/web) at `/`: hashed assets cached for a year,
 * pages revalidated on every visit, both sent pre-compressed (brotli or gzip, written at
 * build time). Any other browser address outside the API gets the app, whose router draws
 * the page; API clients keep the JSON 404.
 */
export async function registerDashboard(app: FastifyInstance, log: FastifyBaseLogger, root = DASHBOARD_DIR): Promise<void> {
  if (!existsSync(join(root, "index.html"))) {
    log.warn(`the dashboard is not built (${root}): run \`npm run build:web\``);
    return;
  }
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    preCompressed: true,
    cacheControl: false,
    setHeaders(res, path) {
      res.setHeader("cache-control", path.includes("/assets/") ? IMMUTABLE : "no-cache");
      // Caches between must keep the brotli, gzip and plain answers apart.
      res.setHeader("vary", "accept-encoding");
    },
  });
  app.get("/*", { schema: { hide: true } }, (request, reply) => {
    const path = request.url.split("?")[0]!;
    const apiPath = /^\/(v\d+|telegram|docs)(\/|$)/.test(path);
    if (apiPath || !request.headers.accept?.includes("text/html")) return reply.callNotFound();
    return reply.sendFile("index.html");
  });
}
