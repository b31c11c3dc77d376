import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Platform } from "../../platform.js";
import type { ReadinessCheck } from "../readiness.js";

/** Liveness, readiness (every check of the process's role holds) and Prometheus metrics. */
export const healthRoutes: FastifyPluginAsyncZod<{ platform: Platform; readiness: ReadinessCheck[] }> = async (app, { platform, readiness }) => {
  const registry = platform.metrics;
  const hidden = { hide: true, tags: ["Operations"] };
  app.get("/healthz", { schema: { ...hidden, response: { 200: z.object({ status: z.literal("ok") }) } } }, async () => ({ status: "ok" as const }));

  app.get("/readyz", { schema: hidden }, async (_request, reply) => {
    for (const { failure, holds } of readiness) {
      const error = await holds().then((held) => (held ? undefined : null), (error: unknown) => error);
      if (error === undefined) continue;
      platform.log.warn({ err: error ?? undefined }, `readiness check: ${failure}`);
      return reply.code(503).send({ error: failure });
    }
    return { status: "ready" };
  });

  app.get("/metrics", { schema: hidden }, async (_request, reply) => {
    reply.type(registry.contentType);
    return registry.metrics();
  });
};
