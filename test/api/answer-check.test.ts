import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/api/app.js";
import { loadConfig } from "../../src/config.js";
import { createPlatform, type Platform } from "../../src/platform.js";
import { checkAnswers } from "../support/answer-check.js";

describe("the answer check every route test runs under", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "botyard-answer-check-"));
  const violations: string[] = [];
  let platform: Platform;
  let app: FastifyInstance;
  beforeAll(async () => {
    platform = await createPlatform(loadConfig({ DATA_DIR: dataDir, SECRET_KEY: "k" }), { log: pino({ level: "silent" }) });
    app = await buildApp(platform, { instrument: (app) => checkAnswers(app, violations) });
    // A route that strays from its own documentation in every way the check looks at.
    app.get("/v2/stray/:id", { schema: { summary: "Stray" } }, async (request, reply) => {
      const answer = (request.params as { id: string }).id;
      if (answer === "status") return reply.code(409).send({ error: "no" });
      if (answer === "header") return reply.code(404).header("x-total-count", "1").send({ error: "Stray not found" });
      if (answer === "body") return reply.code(404).send({ message: "Stray not found" });
      return reply.code(404).type("text/plain").send("Stray not found");
    });
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("reports an undocumented status, header or content type, and a body off its schema", async () => {
    for (const answer of ["status", "header", "body", "type"]) await app.inject({ method: "GET", url: `/v2/stray/${answer}` });
    await app.inject({ method: "POST", url: "/v2/auth/sign_in", payload: { email: 1 } });
    expect(violations).toEqual([
      'GET /v2/stray/{id} → 409: status not documented (answered {"error":"no"})',
      "GET /v2/stray/{id} → 404: header x-total-count not documented",
      "GET /v2/stray/{id} → 404: data must have required property 'error'",
      "GET /v2/stray/{id} → 404: content type 'text/plain' not documented",
    ]);
    // A documented answer passes: the 422 above matched the document.
    expect(violations.some((v) => v.includes("sign_in"))).toBe(false);
  });
});
