import type { FastifyInstance } from "fastify";
import { Histogram, type Registry } from "prom-client";

const NAME = "botyard_http_request_duration_seconds";

/**
 * Times every answer by method, route and status, on the app itself: a hook added inside a
 * registered plugin sees only that plugin's routes.
 */
export function registerRequestMetrics(app: FastifyInstance, registry: Registry): void {
  // One per platform, however many apps are built on it.
  const requestDuration =
    (registry.getSingleMetric(NAME) as Histogram<"method" | "route" | "status"> | undefined) ??
    new Histogram({ name: NAME, help: "HTTP request duration by route and status", labelNames: ["method", "route", "status"], registers: [registry] });
  app.addHook("onResponse", async (request, reply) => {
    requestDuration.observe({ method: request.method, route: request.routeOptions.url ?? "unmatched", status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
}
