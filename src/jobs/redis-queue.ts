import { DelayedError, Queue, UnrecoverableError, Worker, type Job as BullJob } from "bullmq";
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
  /** Whose a bot is, for fairness, as the embedded queue's option of that name. */
  ownerOf?(botId: number): Promise<number | undefined>;
}

export const defaultRedisQueueOptions: RedisQueueOptions = {
  concurrency: 16,
  leaseMs: 30_000, // BullMQ's own lock duration
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
  /** The bot's owner when it was enqueued (fairness reads it in Redis, beside the job). */
  ownerId: number | null;
  /** Times it was moved back for other owners: BullMQ counted each as an attempt started. */
  deferred?: number;
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

/**
 * Makes a dedupe key point at a job (ARGV[1], id ARGV[2]) unless it points at a newer one.
 * Answers {1, the pointer it replaced} or {0} when the job lost. Ids come from one counter,
 * so "newest id wins" is the enqueue order whenever enqueues do not overlap, and one order
 * for those that do. With ARGV[3] = 'waiting', only for a job BullMQ has not started (its
 * hash KEYS[2] has no processedOn): a started one claimed the key itself.
 */
const CLAIM_DEDUPE_KEY = `
if ARGV[3] == 'waiting' and (redis.call('EXISTS', KEYS[2]) == 0 or redis.call('HEXISTS', KEYS[2], 'processedOn') == 1) then return {1} end
local current = redis.call('GET', KEYS[1])
if current and tonumber(string.match(current, '%d+$')) > tonumber(ARGV[2]) then return {0} end
redis.call('SET', KEYS[1], ARGV[1])
if current == ARGV[1] then return {1} end
return {1, current}`;

/** Deletes a dedupe key's pointer if it points at the job that ended (ARGV[1]) or an older one. */
const DROP_DEDUPE_KEY = `
local current = redis.call('GET', KEYS[1])
if current and tonumber(string.match(current, '%d+$')) <= tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Whether a job of an owner not busy is among the next ARGV[2] of a BullMQ wait list (KEYS[1]);
 * ARGV[1] is the prefix of the jobs' hashes, ARGV[3..] the busy owners.
 */
const OTHERS_WAITING = `
local busy = {}
for i = 3, #ARGV do busy[ARGV[i]] = true end
for _, id in ipairs(redis.call('LRANGE', KEYS[1], -tonumber(ARGV[2]), -1)) do
  local data = redis.call('HGET', ARGV[1] .. id, 'data')
  if data then
    local owner = cjson.decode(data).ownerId
    if type(owner) ~= 'number' or not busy[tostring(owner)] then return 1 end
  end
end
return 0`;

/** How far down the wait list fairness looks for other owners' jobs. */
const LOOK_AHEAD = 100;
/** How long "no other owner's job waits" is believed (other processes' enqueues and due delays are not seen). */
const OTHERS_IDLE_MS = 100;

/**
 * The job layer for scale-out, on BullMQ: one BullMQ queue per kind (a worker takes only the
 * kinds it has handlers for), due times as BullMQ delays, leases as BullMQ locks with its
 * stalled-job check, attempts and back-off as BullMQ's. What BullMQ OSS lacks is kept beside
 * it under the same prefix:
 * - per bot, a sorted set of its live jobs by due time (listing and cancelling by bot, label,
 *   kind or dedupe key), and the set of jobs running;
 * - per dedupe key, a pointer at its newest job. BullMQ's own deduplication does not fit (per
 *   queue, not per bot across kinds; it replaces only delayed jobs, not due ones), so the
 *   pointer is ours, moved by one script (CLAIM_DEDUPE_KEY) after the job is in BullMQ: that
 *   swap is the one atomic step that decides which job is the key's across processes. The
 *   enqueuer then removes the job it replaced (or its own, when it lost); should it die
 *   first, the stale job is left out of listings and skipped when it falls due;
 * - per ordering key, a chain (list) of its jobs in enqueue order: only the head is due, the
 *   others are parked as delayed jobs and woken when the one before ends (BullMQ OSS has no
 *   groups). A key costs a list while it has jobs, nothing after.
 *
 * Per-owner fairness (with `ownerOf`), as the embedded queue's: an owner holding half of a
 * kind's slots here is busy, and a job of a busy owner is moved back behind the others
 * (a BullMQ delay of 0, which ends at the back of the wait list) when an owner not busy
 * has a job among the next LOOK_AHEAD due; otherwise it runs (an owner alone keeps every slot).
 *
 * Ids: one Redis counter (`job-index:next-id`) numbers jobs at enqueue, and the BullMQ job
 * id is `j<id>`: the same across retries and redeliveries after a crash.
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
  /** Slots each owner holds, by `kind owner`. */
  private readonly held = new Map<string, number>();
  /** Per kind, with its busy owners as they were: no other owner's job waited, believed until `until`. */
  private readonly othersIdle = new Map<string, { busy: string; until: number }>();

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
    const owners = await this.ownersOf(unique.map((spec) => spec.botId));
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
    // Indexed first, so a job that runs at once finds all that to undo when it ends.
    const index = this.redis.multi();
    for (const job of jobs) index.zadd(this.botKey(job.botId), job.runAt, job.id).hset(this.key("kinds"), job.id, job.kind);
    await index.exec();
    this.noteOthers(jobs.map((job) => [job.kind, owners.get(job.botId)]));
    const byKind = new Map<string, Job<P>[]>();
    for (const job of [...jobs].sort((a, b) => a.runAt - b.runAt)) {
      if (!byKind.has(job.kind)) byKind.set(job.kind, []);
      byKind.get(job.kind)!.push(job);
    }
    for (const [kind, ofKind] of byKind) {
      await this.queue(kind).addBulk(
        ofKind.map((job) => ({
          name: kind,
          data: storedOf(job, owners.get(job.botId) ?? null),
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
    for (const job of jobs) if (job.dedupeKey !== null && !(await this.claimDedupeKey(job, "waiting"))) await this.discard(job.id, job.kind);
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
        new Worker(kind, (job, token) => this.run(job, token), {
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
      // Jobs moved back for other owners sit among the delayed ones, due at once (BullMQ's score is ms * 0x1000).
      const movedBack = await Promise.all([...this.handlers.keys()].map((kind) => this.redis.zcount(`${this.options.prefix}:${kind}:delayed`, 0, (Date.now() + 1) * 0x1000)));
      if (this.running === 0 && movedBack.every((n) => n === 0) && counts.every((count) => count.wait + count.active + count.prioritized === 0)) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private async run(bull: BullJob<Stored>, token: string | undefined): Promise<void> {
    const job: Job = { ...this.jobOf(bull, bull.name), runAt: this.clock.now() + this.options.leaseMs };
    if (job.dedupeKey !== null && !(await this.claimDedupeKey(job, "started"))) {
      await this.ended(job);
      return;
    }
    const slot = heldKey(job.kind, bull.data.ownerId);
    if (slot !== undefined && (await this.othersFirst(job.kind, slot))) {
      await bull.updateData({ ...bull.data, deferred: (bull.data.deferred ?? 0) + 1 });
      await bull.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    this.hold(slot, +1);
    this.running++;
    const id = job.id;
    await this.redis.sadd(this.key("running"), id);
    try {
      // A job whose worker died after taking its last attempt is not run again.
      if (job.attempts > job.maxAttempts) throw new Error("its worker stopped during the last attempt");
      await this.handlers.get(job.kind)!(job as Job<never>);
      await this.ended(job);
    } catch (error) {
      const cancelled = (await this.redis.sismember(this.key("cancelled"), id)) === 1;
      const context = { err: error, bot_id: job.botId, job_id: id, kind: job.kind, attempts: job.attempts };
      // A job whose dedupe key a newer job took meanwhile is not retried: that one replaces it.
      if (cancelled || job.attempts >= job.maxAttempts || (await this.superseded(job))) {
        this.log.error(context, cancelled ? "cancelled job failed; not retried" : "job given up after its last attempt");
        await this.ended(job);
        throw new UnrecoverableError(error instanceof Error ? error.message : String(error));
      }
      this.log.warn(context, "job failed; retrying");
      await this.redis.multi().zadd(this.botKey(job.botId), this.clock.now() + this.options.retryDelayMs(bull.attemptsMade + 1), id).srem(this.key("running"), id).exec();
      throw error;
    } finally {
      this.hold(slot, -1);
      this.running--;
    }
  }

  /**
   * Whether a job of a busy owner should let others pass: its owner holds its share of the
   * kind's slots here and another owner's job is due. A scan that finds none is believed
   * for OTHERS_IDLE_MS, or until this process enqueues for an owner not busy.
   */
  private async othersFirst(kind: string, slot: string): Promise<boolean> {
    const share = Math.max(1, Math.floor(this.options.concurrency / 2));
    if ((this.held.get(slot) ?? 0) < share) return false;
    const busy = [...this.held].filter(([key, slots]) => key.startsWith(`${kind} `) && slots >= share).map(([key]) => key.slice(kind.length + 1));
    const note = busy.sort().join(",");
    const idle = this.othersIdle.get(kind);
    if (idle?.busy === note && idle.until > Date.now()) return false;
    const prefix = `${this.options.prefix}:${kind}:`;
    if ((await this.redis.eval(OTHERS_WAITING, 1, `${prefix}wait`, prefix, LOOK_AHEAD, ...busy)) === 1) return true;
    this.othersIdle.set(kind, { busy: note, until: Date.now() + OTHERS_IDLE_MS });
    return false;
  }

  /** New jobs of an owner not busy end the "no other owner's job waits" note of their kind. */
  private noteOthers(jobs: readonly [kind: string, owner: number | undefined][]): void {
    const share = Math.max(1, Math.floor(this.options.concurrency / 2));
    for (const [kind, owner] of jobs) {
      const slot = heldKey(kind, owner ?? null);
      if (slot === undefined || (this.held.get(slot) ?? 0) < share) this.othersIdle.delete(kind);
    }
  }

  private hold(slot: string | undefined, change: 1 | -1): void {
    if (slot === undefined) return;
    const slots = (this.held.get(slot) ?? 0) + change;
    if (slots > 0) this.held.set(slot, slots);
    else this.held.delete(slot);
  }

  /** The owners of these bots (none known without `ownerOf`, or when it fails: fairness then leaves their jobs alone). */
  private async ownersOf(botIds: readonly number[]): Promise<Map<number, number | undefined>> {
    const owners = new Map<number, number | undefined>();
    if (!this.options.ownerOf) return owners;
    for (const botId of new Set(botIds)) {
      try {
        owners.set(botId, await this.options.ownerOf(botId));
      } catch (error) {
        this.log.warn({ err: error, bot_id: botId }, "could not tell whose bot a job is for");
      }
    }
    return owners;
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
    if (job.dedupeKey !== null) await this.redis.eval(DROP_DEDUPE_KEY, 1, this.dedupeKey(job.botId, job.dedupeKey), job.id);
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
   * Makes the job its dedupe key's, removing the job it replaced (if that still waits);
   * answers false when a newer job has the key. Its enqueue claims it once BullMQ has it
   * ("waiting"), and so does its run, which may start first.
   */
  private async claimDedupeKey(job: Job, when: "waiting" | "started"): Promise<boolean> {
    const key = this.dedupeKey(job.botId, job.dedupeKey!);
    const [won, previous] = (await this.redis.eval(CLAIM_DEDUPE_KEY, 2, key, this.bullKey(job.kind, job.id), pointerOf(job.id, job.kind), job.id, when)) as [number, string?];
    if (previous) await this.discard(...idAndKindOf(previous));
    return won === 1;
  }

  /** Whether a newer job took the job's dedupe key (it is left out, and not run or retried). */
  private async superseded(job: Pick<Job, "id" | "botId" | "dedupeKey">): Promise<boolean> {
    if (job.dedupeKey === null) return false;
    const pointer = await this.redis.get(this.dedupeKey(job.botId, job.dedupeKey));
    return pointer !== null && idAndKindOf(pointer)[0] > job.id;
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
        const job = bull && this.jobOf(bull, ofKind);
        return job && !(await this.superseded(job)) ? job : undefined;
      }),
    );
    return found
      .map((job, i) => job && { ...job, runAt: Number(scored[i * 2 + 1]) })
      .filter((job): job is Job => job !== undefined && (label === undefined || job.label === label) && (dedupeKey === undefined || job.dedupeKey === dedupeKey));
  }

  private jobOf(bull: BullJob<Stored>, kind: string): Job {
    const { ownerId: _owner, deferred = 0, ...stored } = bull.data;
    return { ...stored, id: idOf(bull), kind, attempts: bull.attemptsStarted - deferred, lastError: bull.failedReason || null };
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

  /** BullMQ's hash of a job. */
  private bullKey(kind: string, id: number): string {
    return `${this.options.prefix}:${kind}:${bullId(id)}`;
  }

  private dedupeKey(botId: number, dedupeKey: string): string {
    return this.key(`dedupe:${botId}:${dedupeKey}`);
  }

  private chainKey(botId: number, orderingKey: string): string {
    return this.key(`chain:${botId}:${orderingKey}`);
  }
}

function storedOf(job: Job, ownerId: number | null): Stored {
  const { botId, payload, runAt, orderingKey, label, dedupeKey, maxAttempts, createdAt } = job;
  return { botId, payload, runAt, orderingKey, label, dedupeKey, maxAttempts, createdAt, ownerId };
}

/** BullMQ refuses integer ids of its own choosing. */
function bullId(id: number): string {
  return `j${id}`;
}

function idOf(bull: BullJob): number {
  return Number(bull.id!.slice(1));
}

/** A job's key in `held`: its kind and owner (none for a bot of no known owner, never busy). */
function heldKey(kind: string, owner: number | null | undefined): string | undefined {
  return owner === null || owner === undefined ? undefined : `${kind} ${owner}`;
}

function idAndKindOf(pointer: string): [number, string] {
  const [kind, id] = pointer.split("\n");
  return [Number(id), kind];
}

/** What a dedupe key's pointer holds: the kind (to find the BullMQ queue) and the id. */
function pointerOf(id: number, kind: string): string {
  return `${kind}\n${id}`;
}
