import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, expect, inject } from "vitest";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/api/app.js";
import { loadConfig, type Config } from "../../src/config.js";
import { createPlatform, type Platform } from "../../src/platform.js";
import { checkAnswers } from "./answer-check.js";
import { FakeClock } from "./fake-clock.js";

export type EngineName = "sqlite" | "postgres";

/** The engines this run tests on: SQLite always, PostgreSQL when the run has a server (always in CI). */
export function engines(): EngineName[] {
  return inject("postgresUrl") ? ["sqlite", "postgres"] : ["sqlite"];
}

export interface TestPlatform {
  platform: Platform;
  app: FastifyInstance;
  clock: FakeClock;
  config: Config;
}

/**
 * A whole platform on a fresh database of the given engine (a temporary SQLite folder, or a
 * schema of its own in the run's PostgreSQL database), with a fake clock and silent logs.
 * Call at the top of a describe block; the getters work inside its tests. `env` may be a
 * function, read when the platform starts (after earlier beforeAll hooks, e.g. a peer's port).
 * Every answer the suite's requests get is checked against the OpenAPI document; the suite
 * fails at its end if one does not match (answer-check.ts).
 */
export function usePlatform(engine: EngineName, env: Record<string, string> | (() => Record<string, string>) = {}): TestPlatform {
  const state = {} as TestPlatform;
  const violations: string[] = [];
  let dataDir = "";
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "botyard-test-"));
    let schema: string | undefined;
    let databaseUrl: string | undefined;
    if (engine === "postgres") {
      databaseUrl = inject("postgresUrl");
      schema = `t_${Math.random().toString(36).slice(2, 12)}`;
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.end();
    }
    // The sender's pacing is off (it waits on the fake clock); its tests switch it on.
    state.config = loadConfig({ DATA_DIR: dataDir, SECRET_KEY: "test-secret", TELEGRAM_LIMITS: "off", ...(databaseUrl && { DATABASE_URL: databaseUrl }), ...(typeof env === "function" ? env() : env) });
    state.clock = new FakeClock();
    state.platform = await createPlatform(state.config, { clock: state.clock, log: pino({ level: "silent" }), databaseSchema: schema });
    state.app = await buildApp(state.platform, { instrument: (app) => checkAnswers(app, violations) });
  });
  afterAll(async () => {
    await state.app?.close();
    await state.platform?.close();
    rmSync(dataDir, { recursive: true, force: true });
    expect([...new Set(violations)], "answers that differ from the OpenAPI document").toEqual([]);
  });
  return {
    get platform() { return state.platform; },
    get app() { return state.app; },
    get clock() { return state.clock; },
    get config() { return state.config; },
  };
}
