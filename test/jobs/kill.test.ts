import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { engines } from "../support/platform.js";
import { ChildPlatform } from "../support/child-platform.js";
import { redisUrl } from "../support/redis.js";

const START_MS = Date.parse("2026-01-15T12:00:00.000Z");

describe.each(engines())("jobs across a killed process on %s", (engine) => {
  const dir = mkdtempSync(join(tmpdir(), "botyard-jobs-kill-"));
  const runsFile = join(dir, "runs.log");
  writeFileSync(runsFile, "");
  const workers: ChildPlatform[] = [];
  const database: Record<string, string> = { DATA_DIR: dir };
  beforeAll(async () => {
    if (engine !== "postgres") return;
    const url = inject("postgresUrl");
    const schema = `t_${Math.random().toString(36).slice(2, 12)}`;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
    Object.assign(database, { DATABASE_URL: url, DB_SCHEMA: schema });
  });
  const start = (hang: boolean) => {
    const worker = new ChildPlatform(resolve(import.meta.dirname, "worker-process.ts"), { START_MS: String(START_MS), ...database, RUNS_FILE: runsFile, HANG: hang ? "1" : "0" });
    workers.push(worker);
    return worker;
  };
  const runs = () => readFileSync(runsFile, "utf8").split("\n").filter(Boolean);
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill().catch(() => {})));
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs a job scheduled 60 s ahead exactly once, and a job in flight again once its lease ends", { timeout: 60_000 }, async () => {
    const first = start(true);
    const botId = await first.ask({ seed: true });
    await first.ask({
      enqueue: [
        { kind: "note", botId, payload: { name: "reminder" }, runAt: START_MS + 60_000 },
        { kind: "hang", botId, payload: { name: "callback" } },
      ],
    });
    await vi.waitFor(() => expect(runs()).toEqual(["hang callback started"]));
    await first.kill();

    const second = start(false);
    // The dead worker's lease on the job in flight lasts 30 s.
    await second.ask({ advance: 29_999 });
    expect(runs()).toEqual(["hang callback started"]);
    await second.ask({ advance: 1 });
    expect(runs()).toEqual(["hang callback started", "hang callback started", "hang callback finished"]);
    await second.ask({ advance: 29_999 });
    expect(runs()).toHaveLength(3);
    await second.ask({ advance: 1 });
    await second.ask({ advance: 600_000 });
    expect(runs()).toEqual(["hang callback started", "hang callback started", "hang callback finished", "note reminder at +60s"]);
    await second.kill();

    const third = start(false);
    await third.ask({ advance: 3_600_000 });
    expect(runs()).toHaveLength(4);
  });
});

describe("a Redis job across a killed process", () => {
  const dir = mkdtempSync(join(tmpdir(), "botyard-jobs-kill-redis-"));
  const runsFile = join(dir, "runs.log");
  writeFileSync(runsFile, "");
  const prefix = `botyard-test-${Math.random().toString(36).slice(2, 10)}`;
  const workers: ChildPlatform[] = [];
  const start = (hang: boolean) => {
    const worker = new ChildPlatform(resolve(import.meta.dirname, "worker-process.ts"), { START_MS: String(START_MS), DATA_DIR: dir, RUNS_FILE: runsFile, HANG: hang ? "1" : "0", REDIS_URL: redisUrl(), REDIS_PREFIX: prefix });
    workers.push(worker);
    return worker;
  };
  const runs = () => readFileSync(runsFile, "utf8").split("\n").filter(Boolean);
  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill().catch(() => {})));
    const redis = new Redis(redisUrl());
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  it("has another worker take the job of a worker killed mid-job once its lock lapses, and finish it once", { timeout: 30_000 }, async () => {
    const first = start(true);
    await first.ask({ enqueue: [{ kind: "hang", botId: 1, payload: { name: "callback" } }] });
    await vi.waitFor(() => expect(runs()).toEqual(["hang callback started"]));
    await first.kill();
    const killedAt = Date.now();

    const second = start(false);
    await vi.waitFor(() => expect(runs()).toEqual(["hang callback started", "hang callback started", "hang callback finished"]), { timeout: 10_000, interval: 20 });
    // BullMQ's lock (1 s) had to lapse first.
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(900);
    await second.ask({ idle: true });
    expect(runs()).toHaveLength(3);
    const redis = new Redis(redisUrl());
    // Done: BullMQ keeps nothing of it to run again.
    expect(await redis.keys(`${prefix}:hang:j*`)).toEqual([]);
    await redis.quit();
  });
});
