import { Queue, UnrecoverableError, Worker, type Job as BullJob } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { Page, Window } from "../db/paging.js";
import type { Job, JobFilter, JobHandler, JobQueue, JobSpec } from "./job-queue.js";
import { lastPerDedupeKey } from "./job-store.js";

export interface RedisQueueOptions {
  /** Jobs of one kind run at the same time in this process. */
  concurrency: number;
  /** BullMQ's lock: renewed while a job runs, so only a dead worker's lapses and the stalled check takes the job again. */
  leaseMs: number;
  /** Attempts of a job that does not say. */
  maxAttempts: number;
  /** The wait before the next attempt, after `attempts` failed ones. */
  retryDelayMs(attempts: number): number;
  /** Prefix of every Redis key (BullMQ's and this queue's indexes): several platforms or tests share one server. */
  prefix: string;
}

export const defaultRedisQueueOptions: RedisQueueOptions = {
  concurrency: 16,
  leaseMs: 60_000,
  maxAttempts: 5,
  retryDelayMs: (attempts) => Math.min(3_600_000, 5000 * 4 ** (attempts - 1)),
  prefix: "botyard",
};

/** What BullMQ stores of a job: the spec as the embedded queue's row holds it. */
interface Stored {
  botId: number;
  payload: unknown;
  runAt: number;
  orderingKey: string | null;
  label: string | null;
  dedupeKey: string | null;
  maxAttempts: number;
  createdAt: string;
}

/** The delay of a job waiting behind an earlier one of its ordering key: until that one ends and wakes it. */
const PARKED_MS = 10 * 365 * 24 * 3_600_000;

/** Drops a job from its chain; when it was the head, answers the new head (to be woken). */
const LEAVE_CHAIN = `
if redis.call('LINDEX', KEYS[1], 0) == ARGV[1] then
  redis.call('LPOP', KEYS[1])
  return redis.call('LINDEX', KEYS[1], 0)
end
redis.call('LREM', KEYS[1], 1, ARGV[1])
return false`;

/** Deletes a dedupe key's pointer if it still points at the job that ended. */
const DROP_IF_OURS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * The job layer for scale-out, on BullMQ: one BullMQ queue per kind (a worker takes only the
 * kinds it has handlers for), due times as BullMQ delays, leases as BullMQ locks with its
 * stalled-job check, attempts and back-off as BullMQ's. What BullMQ OSS lacks is kept beside
 * it under the same prefix:
 * - per bot, a sorted set of its live jobs by due time (listing and cancelling by bot, label,
 *   kind or dedupe key), and the set of jobs running;
 * - per dedupe key, the id of its waiting job (the last enqueue swaps itself in and removes
 *   the one it replaced; one that finds itself replaced meanwhile removes itself);
 * - per ordering key, a chain (list) of its jobs in enqueue order: only the head is due, the
 *   others are parked as delayed jobs and woken when the one before ends (BullMQ OSS has no
 *   groups). A key costs a list while it has jobs, nothing after.
 *
 * Time: BullMQ's delays and locks run on the machines' real clocks, not on the injected Clock;
 * the Clock only turns a due time into a delay at enqueue (so a fake clock does not make
 * jobs due). Jobs overdue together run in enqueue order (sorted by due time within one call).
 */
export class RedisJobQueue implements JobQueue {
  private readonly options: RedisQueueOptions;
  private readonly queues = new Map<string, Queue>();
  private readonly handlers = new Map<string, JobHandler<never>>();
  private workers: Worker[] = [];
  private running = 0;

  /** `redis` must be made with `maxRetriesPerRequest: null` (BullMQ's workers wait for a reconnect rather than fail); the caller closes it. */
  constructor(
    private readonly redis: Redis,
    private readonly clock: Clock,
    private readonly log: Logger,
    options: Partial<RedisQueueOptions> = {},
  ) {
    this.options = { ...defaultRedisQueueOptions, ...options };
  }

  async enqueue<P>(specs: readonly JobSpec<P>[]): Promise<Job<P>[]> {
    const now = this.clock.now();
    const createdAt = new Date(now).toISOString();
    const unique = lastPerDedupeKey(specs);
    const firstId = (await this.redis.incrby(this.key("next-id"), unique.length)) - unique.length + 1;
    const jobs = unique.map(
      (spec, i): Job<P> => ({
        id: firstId + i,
        kind: spec.kind,
        botId: spec.botId,
        payload: spec.payload,
        runAt: spec.runAt ?? now,
        orderingKey: spec.orderingKey ?? null,
        label: spec.label ?? null,
        dedupeKey: spec.dedupeKey ?? null,
        attempts: 0,
        maxAttempts: spec.maxAttempts ?? this.options.maxAttempts,
        lastError: null,
        createdAt,
      }),
    );
    // Indexed (and made its dedupe key's job) first, so a job that runs at once finds all that to undo when it ends.
    const index = this.redis.multi();
    for (const job of jobs) index.zadd(this.botKey(job.botId), job.runAt, job.id).hset(this.key("kinds"), job.id, job.kind);
    const deduped = jobs.filter((job) => job.dedupeKey !== null);
    for (const job of deduped) index.set(this.dedupeKey(job.botId, job.dedupeKey!), pointerOf(job.id, job.kind), "GET");
    const replaced = (await index.exec())!.slice(jobs.length * 2).map(([, previous]) => previous as string | null);
    const byKind = new Map<string, Job<P>[]>();
    for (const job of [...jobs].sort((a, b) => a.runAt - b.runAt)) {
      if (!byKind.has(job.kind)) byKind.set(job.kind, []);
      byKind.get(job.kind)!.push(job);
    }
    for (const [kind, ofKind] of byKind) {
      await this.queue(kind).addBulk(
        ofKind.map((job) => ({
          name: kind,
          data: storedOf(job),
          opts: {
            jobId: bullId(job.id),
            // A job with an ordering key waits in BullMQ before it joins its key's line, so whoever wakes it finds it there.
            delay: job.orderingKey !== null ? PARKED_MS : Math.max(0, job.runAt - now),
            attempts: job.maxAttempts,
            backoff: { type: "custom" },
            removeOnComplete: true,
            removeOnFail: true,
          },
        })),
      );
    }
    const chained = jobs.filter((job) => job.orderingKey !== null);
    if (chained.length > 0) {
      const lines = this.redis.multi();
      for (const job of chained) lines.rpush(this.chainKey(job.botId, job.orderingKey!), job.id);
      const lengths = (await lines.exec())!;
      // Alone in its line, a job is its head: due at its time. The others are woken by the one before.
      for (const [i, job] of chained.entries()) if (lengths[i][1] === 1) await this.wake(job.id, job.kind);
    }
    for (const [i, job] of deduped.entries()) await this.replaceDeduped(job, replaced[i]);
    return jobs;
  }

  async cancel(botId: number, filter: JobFilter = {}): Promise<number> {
    const matching = await this.live(botId, filter);
    for (const job of matching) {
      if (!(await this.discard(job.id, job.kind))) await this.redis.sadd(this.key("cancelled"), job.id);
    }
    return matching.length;
  }

  async pending<P>(botId: number, window: Window, filter: JobFilter = {}): Promise<Page<Job<P>>> {
    const running = new Set((await this.redis.smembers(this.key("running"))).map(Number));
    const waiting = (await this.live(botId, filter)).filter((job) => !running.has(job.id));
    return { items: waiting.slice(window.offset, window.offset + window.limit) as Job<P>[], total: waiting.length };
  }

  register<P>(kind: string, handler: JobHandler<P>): void {
    this.handlers.set(kind, handler as JobHandler<never>);
  }

  /** Starts a worker per kind registered so far. */
  async start(): Promise<void> {
    if (this.workers.length > 0) return;
    const { concurrency, leaseMs, retryDelayMs, prefix } = this.options;
    this.workers = [...this.handlers.keys()].map(
      (kind) =>
        new Worker(kind, (job) => this.run(job), {
          connection: this.redis,
          prefix,
          concurrency,
          lockDuration: leaseMs,
          stalledInterval: Math.max(1, Math.floor(leaseMs / 2)),
          // Attempts count every start, a crashed one included (see run): BullMQ's stall limit is not a second one.
          maxStalledCount: Number.MAX_SAFE_INTEGER,
          // BullMQ counts failed attempts here (a crashed one is not one): the back-off after the n-th failure.
          settings: { backoffStrategy: (failed: number) => retryDelayMs(failed) },
        }),
    );
    for (const worker of this.workers) worker.on("error", (error) => this.log.error({ err: error }, "the Redis job worker failed"));
    await Promise.all(this.workers.map((worker) => worker.waitUntilReady()));
  }

  async stop(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((worker) => worker.close()));
  }

  /** Stops and closes BullMQ's queues (not the connection). */
  async close(): Promise<void> {
    await this.stop();
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }

  /** Resolves once nothing runs here and no job of a handled kind is due (tests and benchmarks). */
  async idle(): Promise<void> {
    for (;;) {
      const counts = await Promise.all([...this.handlers.keys()].map((kind) => this.queue(kind).getJobCounts("wait", "active", "prioritized")));
      if (this.running === 0 && counts.every((count) => count.wait + count.active + count.prioritized === 0)) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private async run(bull: BullJob<Stored>): Promise<void> {
    const id = idOf(bull);
    const job: Job = { ...bull.data, id, kind: bull.name, attempts: bull.attemptsStarted, lastError: bull.failedReason || null, runAt: this.clock.now() + this.options.leaseMs };
    this.running++;
    await this.redis.sadd(this.key("running"), id);
    try {
      // A job whose worker died after taking its last attempt is not run again.
      if (job.attempts > job.maxAttempts) throw new Error("its worker stopped during the last attempt");
      await this.handlers.get(job.kind)!(job as Job<never>);
      await this.ended(job);
    } catch (error) {
      const cancelled = (await this.redis.sismember(this.key("cancelled"), id)) === 1;
      const context = { err: error, bot_id: job.botId, job_id: id, kind: job.kind, attempts: job.attempts };
      if (cancelled || job.attempts >= job.maxAttempts) {
        this.log.error(context, cancelled ? "cancelled job failed; not retried" : "job given up after its last attempt");
        await this.ended(job);
        throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
      }
      this.log.warn(context, "job failed; retrying");
      await this.redis.multi().zadd(this.botKey(job.botId), this.clock.now() + this.options.retryDelayMs(bull.attemptsMade + 1), id).srem(this.key("running"), id).exec();
      throw error;
    } finally {
      this.running--;
    }
  }

  /** Removes a job that waits (answers false when it is running, or gone). */
  private async discard(id: number, kind: string): Promise<boolean> {
    const bull = await this.queue(kind).getJob(bullId(id));
    if (!bull || (await this.queue(kind).remove(bullId(id))) !== 1) return false;
    await this.ended({ id, kind, ...bull.data });
    return true;
  }

  /** A job's end: out of the indexes, and the next of its ordering key woken. */
  private async ended(job: Pick<Job, "id" | "kind" | "botId" | "orderingKey" | "dedupeKey">): Promise<void> {
    if (job.dedupeKey !== null) await this.redis.eval(DROP_IF_OURS, 1, this.dedupeKey(job.botId, job.dedupeKey), pointerOf(job.id, job.kind));
    await this.redis.multi().zrem(this.botKey(job.botId), job.id).hdel(this.key("kinds"), String(job.id)).srem(this.key("running"), job.id).srem(this.key("cancelled"), job.id).exec();
    if (job.orderingKey === null) return;
    const next = (await this.redis.eval(LEAVE_CHAIN, 1, this.chainKey(job.botId, job.orderingKey), job.id)) as string | null;
    const kind = next === null ? null : await this.redis.hget(this.key("kinds"), next);
    if (kind !== null) await this.wake(Number(next), kind);
  }

  /** Makes a parked job due at its time. */
  private async wake(id: number, kind: string): Promise<void> {
    const parked = await this.queue(kind).getJob(bullId(id));
    if (!parked) return;
    const delay = (parked.data as Stored).runAt - this.clock.now();
    if (delay > 0) await parked.changeDelay(delay);
    else await parked.promote();
  }

  /**
   * Removes the job a dedupe key's new job replaced (if it still waits), and the new one
   * itself when a later enqueue replaced it meanwhile (and may have missed it, not yet added).
   */
  private async replaceDeduped(job: Job, previous: string | null): Promise<void> {
    if (previous !== null) {
      const [previousKind, previousId] = previous.split("\n");
      await this.discard(Number(previousId), previousKind);
    }
    if ((await this.redis.get(this.dedupeKey(job.botId, job.dedupeKey!))) !== pointerOf(job.id, job.kind)) await this.discard(job.id, job.kind);
  }

  /** The bot's live jobs (waiting or running) matching the filter, soonest first. */
  private async live(botId: number, { label, kind, dedupeKey }: JobFilter): Promise<Job[]> {
    const scored = await this.redis.zrange(this.botKey(botId), 0, -1, "WITHSCORES");
    const ids = scored.filter((_, i) => i % 2 === 0);
    if (ids.length === 0) return [];
    const kinds = await this.redis.hmget(this.key("kinds"), ...ids);
    const wanted = kind === undefined ? undefined : new Set(typeof kind === "string" ? [kind] : kind);
    const found = await Promise.all(
      ids.map(async (id, i) => {
        const ofKind = kinds[i];
        if (ofKind === null || (wanted && !wanted.has(ofKind))) return undefined;
        const bull = await this.queue(ofKind).getJob(bullId(Number(id)));
        return bull ? this.jobOf(bull, ofKind) : undefined;
      }),
    );
    return found
      .map((job, i) => job && { ...job, runAt: Number(scored[i * 2 + 1]) })
      .filter((job): job is Job => job !== undefined && (label === undefined || job.label === label) && (dedupeKey === undefined || job.dedupeKey === dedupeKey));
  }

  private jobOf(bull: BullJob<Stored>, kind: string): Job {
    return { ...bull.data, id: idOf(bull), kind, attempts: bull.attemptsStarted, lastError: bull.failedReason || null };
  }

  private queue(kind: string): Queue {
    let queue = this.queues.get(kind);
    if (!queue) {
      queue = new Queue(kind, { connection: this.redis, prefix: this.options.prefix });
      this.queues.set(kind, queue);
    }
    return queue;
  }

  private key(name: string): string {
    return `${this.options.prefix}:job-index:${name}`;
  }

  private botKey(botId: number): string {
    return this.key(`bot:${botId}`);
  }

  private dedupeKey(botId: number, dedupeKey: string): string {
    return this.key(`dedupe:${botId}:${dedupeKey}`);
  }

  private chainKey(botId: number, orderingKey: string): string {
    return this.key(`chain:${botId}:${orderingKey}`);
  }
}

function storedOf(job: Job): Stored {
  const { botId, payload, runAt, orderingKey, label, dedupeKey, maxAttempts, createdAt } = job;
  return { botId, payload, runAt, orderingKey, label, dedupeKey, maxAttempts, createdAt };
}

/** BullMQ refuses integer ids of its own choosing. */
function bullId(id: number): string {
  return `j${id}`;
}

function idOf(bull: BullJob): number {
  return Number(bull.id!.slice(1));
}

/** What a dedupe key's pointer holds: the kind (to find the BullMQ queue) and the id. */
function pointerOf(id: number, kind: string): string {
  return `${kind}\n${id}`;
}
