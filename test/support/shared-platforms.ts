import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import pino from "pino";
import { afterAll, beforeAll, inject } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { Clock } from "../../src/clock.js";
import { createPlatform, type Platform, type PlatformOptions } from "../../src/platform.js";
import { FakeClock } from "./fake-clock.js";
import { redisUrl } from "./redis.js";

/**
 * Platforms in shared mode as separate processes would be: each its own objects, caches and
 * Redis connections, all over one PostgreSQL schema and one Redis key prefix (the suite's own;
 * its keys are deleted at the end). `add` makes one more; each gets its own fake clock unless
 * given one. `remove` closes one as a process going down would. Skips nothing: call it only where PostgreSQL runs (`engines()` includes it).
 */
export function useSharedPlatforms(env: () => Record<string, string> = () => ({})) {
  const made: Platform[] = [];
  const state = { schema: "", prefix: "", dataDir: "" };
  beforeAll(async () => {
    state.schema = `t_${Math.random().toString(36).slice(2, 12)}`;
    state.prefix = `botyard-test-${Math.random().toString(36).slice(2, 10)}`;
    state.dataDir = mkdtempSync(join(tmpdir(), "botyard-test-"));
    const client = new pg.Client({ connectionString: inject("postgresUrl") });
    await client.connect();
    await client.query(`CREATE SCHEMA ${state.schema}`);
    await client.end();
  });
  afterAll(async () => {
    await Promise.all(made.splice(0).map((platform) => platform.close()));
    const redis = new Redis(redisUrl());
    const keys = await redis.keys(`${state.prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    rmSync(state.dataDir, { recursive: true, force: true });
  });

  /** One more platform (a process) on the shared database and Redis. */
  async function add(options: { clock?: Clock; env?: Record<string, string> } & Pick<PlatformOptions, "polls" | "pollLeaseMs"> = {}): Promise<Platform> {
    const config = loadConfig({
      DATA_DIR: state.dataDir,
      SECRET_KEY: "test-secret",
      TELEGRAM_LIMITS: "off",
      DATABASE_URL: inject("postgresUrl"),
      REDIS_URL: redisUrl(),
      REDIS_PREFIX: state.prefix,
      ...env(),
      ...options.env,
    });
    const { clock = new FakeClock(), polls, pollLeaseMs } = options;
    const platform = await createPlatform(config, { clock, log: pino({ level: "silent" }), databaseSchema: state.schema, polls, pollLeaseMs });
    made.push(platform);
    return platform;
  }

  /** Closes a platform early (a process going down). */
  async function remove(platform: Platform): Promise<void> {
    made.splice(made.indexOf(platform), 1);
    await platform.close();
  }

  return {
    add,
    remove,
    get prefix() {
      return state.prefix;
    },
  };
}
