import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock.js";
import { RedisJobQueue, type RedisQueueOptions } from "../../src/jobs/redis-queue.js";
import { createBot, signUpClient } from "../support/bots.js";
import { usePlatform } from "../support/platform.js";
import { redisUrl } from "../support/redis.js";
import { behavesAsAJobQueue, deferred, until } from "./job-queue-behaviour.js";

const silent = pino({ level: "silent" });

/**
 * BullMQ's delays, locks and back-off run on real time, so the shared suite's time passes
 * for real here (steps of 300 ms), and this file's lease tests use leases of a few hundred
 * milliseconds and check when things happened rather than moving a clock.
 */
describe("the Redis job queue", () => {
  const connect = () => new Redis(redisUrl(), { maxRetriesPerRequest: null });
  let redis: Redis;
  let prefix = "";
  let bots = 0;
  const queues: RedisJobQueue[] = [];
  const connections: Redis[] = [];

  beforeAll(() => void (redis = connect()));
  afterAll(() => redis.quit());
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.close()));
    for (const connection of connections.splice(0)) connection.disconnect();
    // Each test has its own prefix and leaves nothing under it.
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    prefix = "";
  });

  function queue(options: Partial<RedisQueueOptions> = {}, connection = redis) {
    prefix ||= newPrefix();
    const made = new RedisJobQueue(connection, systemClock, silent, { prefix, retryDelayMs: (attempts) => attempts * 1000, ...options });
    queues.push(made);
    return made;
  }
  const newPrefix = () => `botyard-test-${Math.random().toString(36).slice(2, 10)}`;

  /** A queue on a connection of its own, as another process's would be. */
  function ownConnectionQueue(options: Partial<RedisQueueOptions>) {
    const connection = connect();
    connections.push(connection);
    return queue(options, connection);
  }

  // Each bot is its own owner's.
  behavesAsAJobQueue({ queue: ownConnectionQueue, newBot: async () => ++bots, ownerOf: async (botId) => botId, now: () => Date.now(), passTime: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) });

  it("keeps nothing of its jobs beside BullMQ once they ended (lines, dedupe pointers, indexes)", async () => {
    const q = queue();
    let ran = 0;
    q.register("note", async () => void ran++);
    await q.start();
    await q.enqueue([
      { kind: "note", botId: 1, payload: {}, orderingKey: "chat:1", label: "a" },
      { kind: "note", botId: 1, payload: {}, orderingKey: "chat:1", dedupeKey: "d" },
      { kind: "note", botId: 2, payload: {}, dedupeKey: "d" },
    ]);
    await until(() => ran === 3);
    await q.idle();
    await until(async () => (await redis.keys(`${prefix}:job-index:*`)).length === 1);
    expect(await redis.keys(`${prefix}:job-index:*`)).toEqual([`${prefix}:job-index:next-id`]);
  });

  it("takes a job again when the worker that held it died, once its lease ends, and not after its last attempt", async () => {
    // The dead worker is cut off from Redis while it runs: it renews no lock. Its two slots are
    // full, so its blocking connection (which BullMQ opens apart) waits for no further job.
    const deadConnection = connect();
    connections.push(deadConnection);
    const dead = new RedisJobQueue(deadConnection, systemClock, silent, { prefix: (prefix ||= newPrefix()), leaseMs: 500, concurrency: 2 });
    const taken: number[] = [];
    dead.register<{ n: number }>("note", async (job) => {
      taken.push(job.payload.n);
      await new Promise(() => {}); // the process dies while it runs
    });
    await dead.start();
    await dead.enqueue([
      { kind: "note", botId: 1, payload: { n: 1 } },
      { kind: "note", botId: 1, payload: { n: 2 }, maxAttempts: 1 },
    ]);
    await until(() => taken.length === 2);
    const diedAt = Date.now();
    deadConnection.disconnect();

    const q = queue({ leaseMs: 500 });
    const ran: { n: number; attempts: number; at: number }[] = [];
    q.register<{ n: number }>("note", async (job) => void ran.push({ n: job.payload.n, attempts: job.attempts, at: Date.now() }));
    await q.start();
    await until(() => ran.length === 1);
    await until(async () => (await q.pending(1, { limit: 10, offset: 0 })).total === 0 && (await redis.keys(`${prefix}:note:j[0-9]*`)).length === 0);
    // Job 2 had one attempt, which died: given up, not run again.
    expect(ran).toMatchObject([{ n: 1, attempts: 2 }]);
    expect(ran[0].at).toBeGreaterThanOrEqual(diedAt + 400);
  });

  it("keeps a running job's lock while it runs past the lease length", async () => {
    const q = queue({ leaseMs: 300 });
    const gate = deferred();
    let runs = 0;
    q.register("long", async () => {
      runs++;
      await gate.promise;
    });
    await q.start();
    await q.enqueue([{ kind: "long", botId: 1, payload: {} }]);
    await until(() => runs === 1);
    const other = queue({ leaseMs: 300 });
    let stolen = 0;
    other.register("long", async () => void stolen++);
    await other.start();
    // Five lease lengths, and two workers' stalled checks each 150 ms, go by.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect([runs, stolen]).toEqual([1, 0]);
    gate.resolve();
    await q.idle();
    expect([runs, stolen]).toEqual([1, 0]);
  });
});

describe("a platform with JOB_QUEUE=redis", () => {
  const prefix = `botyard-test-${Math.random().toString(36).slice(2, 10)}`;
  const t = usePlatform("sqlite", { REDIS_URL: redisUrl(), REDIS_PREFIX: prefix, JOB_QUEUE: "redis" });
  afterAll(async () => {
    const redis = new Redis(redisUrl());
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it("keeps its jobs in Redis, and a deleted bot's go with it", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    await t.platform.jobs.enqueue([{ kind: "run", botId: bot.id, payload: { botId: bot.id, command: { name: "/later" }, trigger: "scheduled" }, runAt: t.clock.now() + 60_000, label: "later" }]);
    expect((await api.get(`/v2/bots/${bot.id}/scheduled_runs`)).json()).toMatchObject([{ label: "later", command: "/later", run_at: new Date(t.clock.now() + 60_000).toISOString() }]);
    // Listed, yet not in the database's jobs table: it waits in Redis (the platform wraps the Redis queue, so no instanceof).
    expect(await t.platform.database.db.selectFrom("jobs").select("id").execute()).toEqual([]);
    expect((await api.delete(`/v2/bots/${bot.id}`)).statusCode).toBe(200);
    expect((await t.platform.jobs.pending(bot.id, { limit: 10, offset: 0 })).total).toBe(0);
  });
});
