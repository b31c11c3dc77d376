import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isApiPath } from "../../net/api-paths.js";

/** Where `npm run build:web` puts the dashboard. */
export const DASHBOARD_DIR = resolve(import.meta.dirname, "../../../dist/web");

/** A year: hashed asset names change with their content, so a cached one is never stale. */
const IMMUTABLE = "public, max-age=31536000, immutable";

/** For an address no route has: sends the app when a browser asks for a page, answering true. */
export type PageFallback = (request: FastifyRequest, reply: FastifyReply) => boolean;

/**
 * Serves the dashboard (web/, built into dist/web) at `/`: hashed assets cached for a year,
 * pages revalidated on every visit, both sent pre-compressed (brotli or gzip, written at
 * build time). Answers the fallback that gives any other browser address outside the API
 * the app, whose router draws the page (API clients keep the JSON 404).
 */
export async function registerDashboard(app: FastifyInstance, log: FastifyBaseLogger, root = DASHBOARD_DIR): Promise<PageFallback | undefined> {
  if (!existsSync(join(root, "index.html"))) {
    log.warn(`the dashboard is not built (${root}): run \`npm run build:web\``);
    return undefined;
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
  return (request, reply) => {
    if (request.method !== "GET" || isApiPath(request.url) || !request.headers.accept?.includes("text/html")) return false;
    void reply.sendFile("index.html");
    return true;
  };
}
