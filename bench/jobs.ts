/**
 * The job layer under a burst: 10,000 runs due in the same second, enqueued, taken, run by a
 * no-op handler and completed by the embedded queue (default options with per-owner fairness, as the platform runs it; system clock). The
 * baseline beside it, in the same run, is a bare insert and select of the same rows. Also
 * how late the last job starts after its due time. SQLite (a temp file) and PostgreSQL when
 * it answers (TEST_POSTGRES_URL or the local server); then the Redis queue (TEST_REDIS_URL or
 * the local server), without and with per-owner fairness (no bare baseline of its own).
 *
 *   npx tsx bench/jobs.ts
 */
import { Redis } from "ioredis";
import pino from "pino";
import { systemClock } from "../src/clock.js";
import type { Database } from "../src/db/database.js";
import { EmbeddedJobQueue } from "../src/jobs/embedded-queue.js";
import type { JobQueue, JobSpec } from "../src/jobs/job-queue.js";
import { RedisJobQueue, type RedisQueueOptions } from "../src/jobs/redis-queue.js";
import { RUN_JOB_KIND, type RunRequest } from "../src/runtime/run-request.js";
import { botIn, openPostgresBench, openSqliteBench, reachablePostgres, type BenchDatabase } from "./databases.js";

const JOBS = 10_000;
/** The due time is this far after the burst starts, so enqueueing fits before it. */
const LEAD_MS = 5000;
const CHUNK = 500;

function specs(botId: number, dueAt: number): JobSpec<RunRequest>[] {
  return Array.from({ length: JOBS }, (_, i) => ({
    kind: RUN_JOB_KIND,
    botId,
    runAt: dueAt + (i % 1000), // all within one second
    label: "bench",
    payload: { botId, command: { name: "/tick" }, trigger: "scheduled", chatId: 1 + (i % 500), options: { i }, attempt: 1 },
  }));
}

/** Seconds for the bare work: insert the rows (in the queue's chunks), then select them all back. */
async function insertAndSelect(database: Database, botId: number): Promise<number> {
  const now = new Date().toISOString();
  const rows = specs(botId, Date.now()).map((spec) => ({
    bot_id: botId,
    kind: spec.kind,
    payload: JSON.stringify(spec.payload),
    run_at: new Date(spec.runAt!).toISOString(),
    label: spec.label!,
    attempts: 0,
    max_attempts: 5,
    created_at: now,
  }));
  const started = performance.now();
  for (let i = 0; i < rows.length; i += CHUNK) await database.db.insertInto("jobs").values(rows.slice(i, i + CHUNK)).execute();
  await database.committed();
  const read = await database.db.selectFrom("jobs").selectAll().where("bot_id", "=", botId).orderBy("run_at").orderBy("id").execute();
  if (read.length !== JOBS) throw new Error(`read ${read.length} rows`);
  const seconds = (performance.now() - started) / 1000;
  await database.db.deleteFrom("jobs").execute();
  return seconds;
}

/** The embedded queue as the platform wires it: per-owner fairness on, owners read through a cache (BotStore's). */
function embeddedQueue(database: Database): EmbeddedJobQueue {
  const owners = new Map<number, number | undefined>();
  const ownerOf = async (id: number) => {
    if (!owners.has(id)) owners.set(id, (await database.db.selectFrom("bots").select("owner_id").where("id", "=", id).executeTakeFirst())?.owner_id);
    return owners.get(id);
  };
  return new EmbeddedJobQueue(database, systemClock, pino({ level: "silent" }), { ownerOf });
}

/** The burst through a queue: enqueue seconds, seconds until all ran, the last start's delay, and the jobs left. */
async function throughQueue(queue: JobQueue, botId: number, left: () => Promise<number>) {
  let ran = 0;
  let lastStart = 0;
  let allRan!: () => void;
  const done = new Promise<void>((resolve) => (allRan = resolve));
  queue.register(RUN_JOB_KIND, async () => {
    lastStart = Date.now();
    if (++ran === JOBS) allRan();
  });
  await queue.start();
  const started = performance.now();
  const dueAt = Date.now() + LEAD_MS;
  const all = specs(botId, dueAt);
  for (let i = 0; i < all.length; i += CHUNK) await queue.enqueue(all.slice(i, i + CHUNK));
  const enqueueS = (performance.now() - started) / 1000;
  const dueIn = dueAt - Date.now();
  // The queue's timers never hold the process open (a server does that): this wait must.
  const keepAlive = setInterval(() => {}, 1000);
  await done;
  clearInterval(keepAlive);
  await queue.stop();
  const lastDue = dueAt + 999;
  return { enqueueS, enqueueFit: dueIn > 0, runS: (Date.now() - dueAt) / 1000, lateMs: lastStart - lastDue, left: await left() };
}

type Burst = Awaited<ReturnType<typeof throughQueue>>;

function report(name: string, burst: Burst, baseline?: number) {
  // The queue's work: the enqueue, then taking, running and completing every job from the first due time on.
  const layer = JOBS / (burst.enqueueS + burst.runS);
  console.log(
    `${name}: ${baseline === undefined ? "" : `bare insert + select ${Math.round(baseline)} rows/s; `}job layer ${Math.round(layer)} jobs/s ` +
      `(enqueue ${burst.enqueueS.toFixed(2)} s${burst.enqueueFit ? "" : ", past the due time"}, all run ${burst.runS.toFixed(2)} s after the first due time) ` +
      `${baseline === undefined ? "" : `ratio ${(layer / baseline).toFixed(2)}; `}last job started ${burst.lateMs} ms after its due time; ${burst.left} left`,
  );
}

async function bench(name: string, open: () => Promise<BenchDatabase>) {
  const a = await open();
  const baselineS = await insertAndSelect(a.database, await botIn(a.database));
  await a.close();
  const b = await open();
  const burst = await throughQueue(embeddedQueue(b.database), await botIn(b.database), async () =>
    Number((await b.database.db.selectFrom("jobs").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n),
  );
  await b.close();
  report(name, burst, JOBS / baselineS);
}

/** The same burst through the Redis queue (BullMQ), under a prefix of its own that is removed after. */
async function benchRedis(name: string, options: Partial<RedisQueueOptions>) {
  const redis = new Redis(process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  const prefix = `botyard-bench-${process.pid}`;
  const queue = new RedisJobQueue(redis, systemClock, pino({ level: "silent" }), { prefix, ...options });
  const burst = await throughQueue(queue, 1, async () => (await queue.pending(1, { limit: 1, offset: 0 })).total);
  await queue.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  report(name, burst);
}

await bench("SQLite", openSqliteBench);
const pgUrl = await reachablePostgres();
if (pgUrl) await bench("PostgreSQL", () => openPostgresBench(pgUrl));
else console.log("PostgreSQL: not reachable, skipped");
await benchRedis("Redis (BullMQ)", {});
// Per-owner fairness on, as the platform runs it (the bench's one bot is owner 1's, who is alone: nothing is moved back, the cost is the look for others).
await benchRedis("Redis (BullMQ), per-owner fairness on", { ownerOf: async () => 1 });
