import type { FastifyInstance } from "fastify";

/** The value of one series on /metrics (`name{label="value"}`), 0 when it is absent. */
export async function metricValue(app: FastifyInstance, series: string): Promise<number> {
  const body = (await app.inject({ method: "GET", url: "/metrics" })).body;
  const line = body.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
