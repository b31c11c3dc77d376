import { sql } from "kysely";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { Histogram } from "prom-client";
import { z } from "zod";
import type { Platform } from "../../platform.js";

/** Liveness, readiness (the database answers) and Prometheus metrics. */
export const healthRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  const registry = platform.metrics;
  const name = "botyard_http_request_duration_seconds";
  // One per platform, however many apps are built on it.
  const requestDuration =
    (registry.getSingleMetric(name) as Histogram<"method" | "route" | "status"> | undefined) ??
    new Histogram({ name, help: "HTTP request duration by route and status", labelNames: ["method", "route", "status"], registers: [registry] });
  app.addHook("onResponse", async (request, reply) => {
    requestDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? "unmatched", status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  const hidden = { hide: true, tags: ["Operations"] };
  app.get("/healthz", { schema: { ...hidden, response: { 200: z.object({ status: z.literal("ok") }) } } }, async () => ({ status: "ok" as const }));

  app.get("/readyz", { schema: hidden }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(platform.database.db);
      return { status: "ready" };
    } catch (error) {
      platform.log.warn({ err: error }, "readiness check: database unreachable");
      return reply.code(503).send({ error: "Database unreachable" });
    }
  });

  app.get("/metrics", { schema: hidden }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
};
