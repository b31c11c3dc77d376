/**
 * A job worker in a process of its own, for the kill tests: the embedded queue on a SQLite
 * file (DATA_DIR) or a PostgreSQL schema (DATABASE_URL, DB_SCHEMA), on a fake clock the parent moves over IPC;
 * or, with REDIS_URL, the Redis queue (keys under REDIS_PREFIX, a 1 s lease) on real time. Handlers append what they do to RUNS_FILE
 * (synchronously, so a kill cannot lose the line). `hang` jobs never finish while HANG=1.
 */
import { appendFileSync } from "node:fs";
import { Redis } from "ioredis";
import pino from "pino";
import { systemClock } from "../../src/clock.js";
import { openDatabase } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { EmbeddedJobQueue } from "../../src/jobs/embedded-queue.js";
import type { JobQueue, JobSpec } from "../../src/jobs/job-queue.js";
import { RedisJobQueue } from "../../src/jobs/redis-queue.js";
import { botIn } from "../../bench/databases.js";
import { FakeClock } from "../support/fake-clock.js";

type Command = { seed: true } | { enqueue: JobSpec[] } | { advance: number } | { idle: true };

const { DATA_DIR, DATABASE_URL, DB_SCHEMA, RUNS_FILE, START_MS, HANG, REDIS_URL, REDIS_PREFIX } = process.env;
const database = openDatabase({ dataDir: DATA_DIR!, url: DATABASE_URL || undefined, schema: DB_SCHEMA || undefined });
await migrateToLatest(database);
const clock = new FakeClock(Number(START_MS));
const queue: JobQueue & { idle(): Promise<void> } = REDIS_URL
  ? new RedisJobQueue(new Redis(REDIS_URL, { maxRetriesPerRequest: null }), systemClock, pino({ level: "silent" }), { prefix: REDIS_PREFIX, leaseMs: 1000 })
  : new EmbeddedJobQueue(database, clock, pino({ level: "silent" }), { leaseMs: 30_000 });
const record = (line: string) => appendFileSync(RUNS_FILE!, `${line}\n`);
queue.register<{ name: string }>("note", async (job) => record(`note ${job.payload.name} at +${(clock.now() - Number(START_MS)) / 1000}s`));
queue.register<{ name: string }>("hang", async (job) => {
  record(`hang ${job.payload.name} started`);
  if (HANG === "1") await new Promise(() => {});
  record(`hang ${job.payload.name} finished`);
});
await queue.start();

process.on("message", async (command: Command) => {
  let answer: unknown = null;
  if ("seed" in command) answer = await botIn(database);
  if ("enqueue" in command) await queue.enqueue(command.enqueue);
  if ("idle" in command) await queue.idle();
  if ("advance" in command) {
    await clock.advanceAsync(command.advance);
    if (HANG !== "1") await queue.idle();
  }
  await database.committed();
  process.send!({ done: answer });
});
process.send!({ ready: true });
