/**
 * The engine spike for updates in order per chat across worker processes (issue 17): two
 * worker processes on real Redis (TEST_REDIS_URL or the local server), each with 64 slots.
 *
 * 1. groupmq, 5,000 jobs over 200 groups: order per group, most groups active at once,
 *    jobs/s from the first enqueue to the last completion; with an empty handler and a 5 ms one.
 * 2. The same load on plain BullMQ (no groups, so no order: the ceiling the groups cost against).
 * 3. groupmq, a worker SIGKILLed while it handles a job: how long until the other worker
 *    takes it again, whether its group stayed blocked meanwhile, and order per group.
 *
 *   npx tsx bench/update-order.ts
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Queue as BullQueue, Worker as BullWorker } from "bullmq";
import { Queue, Worker } from "groupmq";
import { Redis } from "ioredis";

const url = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const CONCURRENCY = 64;
/** The visibility timeout of the kill scenario. */
const JOB_TIMEOUT_MS = 8000;

type Engine = "groupmq" | "bullmq";
/** What a worker tells the parent: a job began or ended; `hang` jobs never end. */
type Event = { at: "start" | "end"; group: string; n: number; pid: number; time: number };
interface Payload {
  group: string;
  n: number;
  workMs: number;
  hang?: boolean;
}

if (process.env.BENCH_WORKER) await runWorker(process.env.BENCH_WORKER as Engine, process.env.BENCH_PREFIX!);
else await main();

async function runWorker(engine: Engine, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  const handle = async (data: Payload) => {
    process.send!({ at: "start", group: data.group, n: data.n, pid: process.pid, time: Date.now() } satisfies Event);
    if (data.hang) await new Promise(() => {});
    await new Promise((resolve) => (data.workMs > 0 ? setTimeout(resolve, data.workMs) : setImmediate(resolve)));
    process.send!({ at: "end", group: data.group, n: data.n, pid: process.pid, time: Date.now() } satisfies Event);
  };
  if (engine === "groupmq") {
    const queue = new Queue<Payload>({ redis, namespace: prefix, jobTimeoutMs: JOB_TIMEOUT_MS });
    // maxStalledCount 0: a stalled job is always taken again (groupmq's default of 1 fails it).
    // WORKAROUND=1: the stalled check finds a dead job before groupmq's other recovery, which
    // leaves it in its group's active list (src/runtime/intake/grouped-queue.ts says why).
    const workaround = process.env.WORKAROUND === "1" ? { heartbeatMs: JOB_TIMEOUT_MS / 6, stalledInterval: JOB_TIMEOUT_MS / 8, stalledGracePeriod: -JOB_TIMEOUT_MS / 2, cleanupIntervalMs: 1e9 } : { stalledInterval: 1000 };
    const worker = new Worker<Payload>({ queue, concurrency: CONCURRENCY, handler: (job) => handle(job.data), maxStalledCount: 0, ...workaround });
    void worker.run();
  } else {
    new BullWorker<Payload>("bench", (job) => handle(job.data), { connection: redis, prefix, concurrency: CONCURRENCY });
  }
  process.send!({ ready: true });
}

function startWorker(engine: Engine, prefix: string, events: Event[]): Promise<ChildProcess> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, BENCH_WORKER: engine, BENCH_PREFIX: prefix },
  });
  process.setMaxListeners(0);
  process.on("exit", () => child.kill("SIGKILL"));
  return new Promise((ready) =>
    child.on("message", (message: Event | { ready: true }) => {
      if ("ready" in message) ready(child);
      else events.push(message);
    }),
  );
}

async function enqueue(engine: Engine, redis: Redis, prefix: string, jobs: Payload[]): Promise<void> {
  if (engine === "groupmq") {
    const queue = new Queue<Payload>({ redis, namespace: prefix, jobTimeoutMs: JOB_TIMEOUT_MS });
    // One at a time per group (the intake's order), groups side by side.
    const groups = byGroup(jobs);
    await Promise.all([...groups.values()].map(async (group) => {
      for (const job of group) await queue.add({ groupId: job.group, data: job, jobId: `${job.group}-${job.n}` });
    }));
  } else {
    const queue = new BullQueue<Payload>("bench", { connection: redis, prefix });
    await queue.addBulk(jobs.map((job) => ({ name: "job", data: job, opts: { jobId: `${job.group}-${job.n}`, removeOnComplete: true } })));
    await queue.close();
  }
}

/** Completions per group in n order, and the most groups begun and not ended at one time. */
function check(events: Event[], jobs: Payload[]) {
  const ends = new Map<string, number[]>();
  for (const event of events.filter((e) => e.at === "end")) ends.set(event.group, [...(ends.get(event.group) ?? []), event.n]);
  const expected = byGroup(jobs);
  const inOrder = [...expected].every(([group, list]) => JSON.stringify(ends.get(group)) === JSON.stringify(list.map((job) => job.n)));
  let active = 0;
  let maxActive = 0;
  let overlapInGroup = 0;
  const busy = new Set<string>();
  for (const event of [...events].sort((a, b) => a.time - b.time || (a.at === "end" ? -1 : 1))) {
    if (event.at === "start") {
      if (busy.has(event.group)) overlapInGroup++;
      busy.add(event.group);
      maxActive = Math.max(maxActive, ++active);
    } else {
      busy.delete(event.group);
      active--;
    }
  }
  return { inOrder, maxActive, overlapInGroup };
}

function byGroup(jobs: Payload[]): Map<string, Payload[]> {
  const groups = new Map<string, Payload[]>();
  for (const job of jobs) groups.set(job.group, [...(groups.get(job.group) ?? []), job]);
  return groups;
}

async function until(condition: () => boolean, timeoutMs = 60_000, state?: () => unknown): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${JSON.stringify(state?.())}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function clear(redis: Redis, prefix: string): Promise<void> {
  const keys = [...(await redis.keys(`${prefix}*`)), ...(await redis.keys(`groupmq:${prefix}*`))];
  if (keys.length > 0) await redis.del(...keys);
}

async function load(engine: Engine, workMs: number, redis: Redis): Promise<void> {
  const prefix = `botyard-bench-${Math.random().toString(36).slice(2, 10)}`;
  const jobs = Array.from({ length: 5000 }, (_, i) => ({ group: `g${i % 200}`, n: Math.floor(i / 200), workMs }));
  const events: Event[] = [];
  const workers = await Promise.all([startWorker(engine, prefix, events), startWorker(engine, prefix, events)]);
  const started = performance.now();
  await enqueue(engine, redis, prefix, jobs);
  await until(() => events.filter((e) => e.at === "end").length >= jobs.length);
  const seconds = (performance.now() - started) / 1000;
  const { inOrder, maxActive, overlapInGroup } = check(events, jobs);
  const perWorker = workers.map((worker) => events.filter((e) => e.at === "end" && e.pid === worker.pid).length);
  console.log(
    `${engine.padEnd(8)} handler ${String(workMs).padStart(2)} ms: ${Math.round(jobs.length / seconds)} jobs/s (${seconds.toFixed(2)} s), ` +
      `order per group kept: ${inOrder}, same group twice at once: ${overlapInGroup}, most active at once: ${maxActive}, per worker: ${perWorker.join("/")}`,
  );
  for (const worker of workers) worker.kill("SIGKILL");
  await clear(redis, prefix);
}

async function kill(redis: Redis, workaround: boolean): Promise<void> {
  process.env.WORKAROUND = workaround ? "1" : "0";
  const prefix = `botyard-bench-${Math.random().toString(36).slice(2, 10)}`;
  const jobs: Payload[] = Array.from({ length: 400 }, (_, i) => ({ group: `g${i % 20}`, n: Math.floor(i / 20), workMs: 2 }));
  const victim = jobs.find((job) => job.group === "g0" && job.n === 5)!;
  victim.hang = true;
  const events: Event[] = [];
  const workers = await Promise.all([startWorker("groupmq", prefix, events), startWorker("groupmq", prefix, events)]);
  await enqueue("groupmq", redis, prefix, jobs);
  await until(() => events.some((e) => e.group === "g0" && e.n === 5));
  const hung = events.find((e) => e.group === "g0" && e.n === 5)!;
  const dead = workers.find((worker) => worker.pid === hung.pid)!;
  dead.kill("SIGKILL");
  const killedAt = Date.now();
  const survivor = workers.find((worker) => worker !== dead)!;
  // The redelivered copy must not hang: the survivor sees the flag too, so it is cleared in Redis.
  await redis.hset(`groupmq:${prefix}:job:g0-5`, "data", JSON.stringify({ ...victim, hang: false }));
  await until(() => events.filter((e) => e.at === "end").length >= jobs.length && events.some((e) => e.at === "end" && e.group === "g0" && e.n === 5), 60_000, () => ({
    ends: events.filter((e) => e.at === "end").length,
    g0: events.filter((e) => e.group === "g0").map((e) => `${e.at} ${e.n} ${e.pid}`),
  }));
  const retaken = events.find((e) => e.at === "start" && e.group === "g0" && e.n === 5 && e.pid === survivor.pid)!;
  const nextOfGroup = events.find((e) => e.at === "start" && e.group === "g0" && e.n === 6)!;
  // The killed worker's other jobs in flight were cut too; each is handled again, so look at completions.
  const { inOrder } = check(events.filter((e) => e.at === "end"), jobs);
  const cut = events.filter((e) => e.pid === dead.pid && e.at === "start" && !events.some((f) => f.at === "end" && f.pid === dead.pid && f.group === e.group && f.n === e.n)).length;
  const doubled = jobs.filter((job) => events.filter((e) => e.at === "end" && e.group === job.group && e.n === job.n).length > 1).length;
  console.log(
    `groupmq SIGKILL, workaround ${workaround} (visibility ${JOB_TIMEOUT_MS} ms): the killed job was taken again ${retaken.time - killedAt} ms after the kill, ` +
      `its group's next job began ${nextOfGroup.time - retaken.time} ms after that (blocked meanwhile: ${nextOfGroup.time > retaken.time}), ` +
      `order of completions per group kept: ${inOrder}, jobs cut by the kill: ${cut}, completed twice: ${doubled}`,
  );
  survivor.kill("SIGKILL");
  await clear(redis, prefix);
}

async function main(): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  process.env.WORKAROUND = "1"; // the loads run groupmq as the intake does
  for (const workMs of process.env.BENCH_ONLY_KILL ? [] : [0, 5]) {
    await load("groupmq", workMs, redis);
    await load("bullmq", workMs, redis);
  }
  for (const workaround of [false, true]) await kill(redis, workaround).catch((error: unknown) => console.log(`groupmq SIGKILL, workaround ${workaround}: ${String(error)}`));
  await redis.quit();
  process.exit(0); // kills the workers a timed-out scenario left (the exit listeners)
}
