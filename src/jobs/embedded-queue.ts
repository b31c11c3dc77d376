import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { every, type Clock, type Timer } from "../clock.js";
import type { Database } from "../db/database.js";
import type { Page, Window } from "../db/paging.js";
import type { Job, JobFilter, JobHandler, JobQueue, JobSpec } from "./job-queue.js";
import { JobStore } from "./job-store.js";

export interface EmbeddedQueueOptions {
  /** Jobs run at the same time. */
  concurrency: number;
  /**
   * Slots past `concurrency`, taken once every slot is, each by an owner holding no slot: a job
   * holds its slot as long as it takes (an HTTP exchange through ten slow redirects, a long
   * broadcast), so without them another owner's due job waited that long. One each, or a third
   * owner's slow jobs took them all while two owners' held every other slot.
   */
  overflowSlots: number;
  /** How long a taken job is this worker's; renewed while it runs, so only a dead worker's lapses. */
  leaseMs: number;
  /** Attempts of a job that does not say. */
  maxAttempts: number;
  /** The wait before the next attempt, after `attempts` failed ones. */
  retryDelayMs(attempts: number): number;
  /**
   * Whose a bot is, for fairness: an owner holding half the slots or more is served only when
   * no other owner has a job due, so one owner's flood cannot starve the others' runs.
   * Without it, jobs run in due order whoever they belong to.
   */
  ownerOf?(botId: number): Promise<number | undefined>;
}

export const defaultEmbeddedQueueOptions: EmbeddedQueueOptions = {
  concurrency: 16,
  overflowSlots: 4,
  leaseMs: 60_000,
  maxAttempts: 5,
  retryDelayMs: (attempts) => Math.min(3_600_000, 5000 * 4 ** (attempts - 1)),
};

/** The wait before claiming again after the database failed. */
const CLAIM_RETRY_MS = 1000;

/**
 * The job layer of the embedded mode: jobs live in the database (JobStore) and run in this
 * process on the injected clock, `concurrency` at a time. Nothing polls: a timer is armed for
 * the next due time (or lease end) and moved when a sooner job is enqueued here; a finished
 * job makes room for the next. Only this process's enqueues wake it, so one process per
 * database runs the embedded queue.
 *
 * Per-owner fairness (with `ownerOf`): owners holding their share (half the slots) are "busy";
 * a claim takes the due jobs of the other owners first, and only fills what room is left with
 * the busy owners' jobs. An owner alone keeps every slot (no throughput lost when nobody
 * else waits); another owner's due job waits at most for one running job to end, or, while
 * every slot is held, takes one of the overflow slots if its owner holds none. Looking
 * past a busy owner's flood costs a scan, so once it finds nothing the queue remembers when
 * the others' next job is due and skips it until then (or until one of them enqueues).
 */
export class EmbeddedJobQueue implements JobQueue {
  private readonly store: JobStore;
  private readonly runScopes: Database["runScopes"];
  private readonly options: EmbeddedQueueOptions;
  private readonly handlers = new Map<string, JobHandler<never>>();
  /** This worker's name on its leases, new each process. */
  private readonly worker = randomUUID();
  private started = false;
  /** The jobs running here, by id. */
  private readonly runningIds = new Set<number>();
  private wakeAt?: number;
  private wakeTimer?: Timer;
  private heartbeat?: Timer;
  /** The heartbeat's renewal in flight, if any. */
  private renewing?: Promise<void>;
  private pumping?: Promise<void>;
  private pumpAgain = false;
  private idleWaiters: (() => void)[] = [];
  /** Finished jobs waiting to be deleted, and the delete under way: one statement for all that finish meanwhile. */
  private finished: number[] = [];
  private completing?: Promise<void>;
  /** Slots each owner holds. */
  private readonly held = new Map<number, number>();
  /** With the busy owners as they were: nothing of the others is due before `until`. */
  private othersIdle?: { busy: string; until: number };
  /** Enqueues of owners not busy so far: a claim's note is kept only if none came while it looked. */
  private othersNoted = 0;

  constructor(
    database: Pick<Database, "db" | "engine" | "committed" | "runScopes">,
    private readonly clock: Clock,
    private readonly log: Logger,
    options: Partial<EmbeddedQueueOptions> = {},
  ) {
    this.store = new JobStore(database);
    this.runScopes = database.runScopes;
    this.options = { ...defaultEmbeddedQueueOptions, ...options };
  }

  async enqueue<P>(specs: readonly JobSpec<P>[]): Promise<Job<P>[]> {
    const jobs = await this.store.add(specs, { now: this.clock.now(), maxAttempts: this.options.maxAttempts });
    if (jobs.length === 0) return jobs;
    // Enqueued within a run's transaction (PostgreSQL), the jobs can be claimed, and noted, once it commits.
    const wake = async () => {
      await this.noteOthers(jobs);
      this.wake(Math.min(...jobs.map((job) => job.runAt)));
    };
    if (this.runScopes?.open) this.runScopes.afterCommit(() => void wake());
    else await wake();
    return jobs;
  }

  cancel(botId: number, filter: JobFilter = {}): Promise<number> {
    return this.store.cancel(botId, filter);
  }

  pending<P>(botId: number, window: Window, filter: JobFilter = {}): Promise<Page<Job<P>>> {
    return this.store.pending<P>(botId, window, filter);
  }

  register<P>(kind: string, handler: JobHandler<P>): void {
    this.handlers.set(kind, handler as JobHandler<never>);
  }

  async start(): Promise<void> {
    this.started = true;
    await this.pump();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.wakeTimer?.cancel();
    this.wakeAt = undefined;
    await this.pumping;
    await this.idle();
  }

  /** Resolves once no job is running and no claim or completion is under way (tests and benchmarks). */
  async idle(): Promise<void> {
    while (this.pumping || this.completing || this.runningIds.size > 0) {
      await this.pumping;
      await this.completing;
      if (this.runningIds.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  /** Makes sure the queue looks for jobs at `at` (at once when due). */
  private wake(at: number): void {
    if (!this.started) return;
    const delay = at - this.clock.now();
    if (delay <= 0) {
      void this.pump();
      return;
    }
    if (this.wakeAt !== undefined && this.wakeAt <= at) return;
    this.wakeTimer?.cancel();
    this.wakeAt = at;
    this.wakeTimer = this.clock.setTimer(delay, () => {
      this.wakeAt = undefined;
      void this.pump();
    });
  }

  /** Claims due jobs while there is room; when there are no more, arms the wake-up for the next. */
  private pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    this.pumping = (async () => {
      do {
        this.pumpAgain = false;
        try {
          await this.claimWhileRoom();
        } catch (error) {
          this.log.error({ err: error }, "could not take due jobs; trying again");
          this.wake(this.clock.now() + CLAIM_RETRY_MS);
        }
      } while (this.pumpAgain && this.started);
    })().finally(() => (this.pumping = undefined));
    return this.pumping;
  }

  private async claimWhileRoom(): Promise<void> {
    const kinds = [...this.handlers.keys()];
    const { concurrency, overflowSlots } = this.options;
    while (this.started && this.runningIds.size < concurrency + overflowSlots) {
      const room = concurrency - this.runningIds.size;
      const now = this.clock.now();
      const leaseEnd = now + this.options.leaseMs;
      // Below the slots, the due jobs of owners who are not busy go first; past them, only an owner holding none takes one.
      const jobs = room > 0 ? await this.claimOthers(kinds, room, now, leaseEnd, this.busyOwners()) : await this.claimOthers(kinds, 1, now, leaseEnd, this.ownersHolding(1));
      if (room <= 0) {
        await this.runClaimed(jobs, now);
        // Every slot is taken: a finished job pumps again, and the others' next due job wakes the queue.
        const until = this.othersIdle?.until;
        if (jobs.length === 0 && until !== undefined && until > now && Number.isFinite(until)) this.wake(until);
        if (jobs.length === 0) return;
        continue;
      }
      if (jobs.length < room) jobs.push(...(await this.store.claim(this.worker, kinds, room - jobs.length, now, leaseEnd)));
      await this.runClaimed(jobs, now);
      if (jobs.length < room) {
        const next = await this.store.nextAfter(now);
        if (next !== undefined) this.wake(next);
        return;
      }
    }
  }

  /** Runs jobs a claim made at `now` took. */
  private async runClaimed(jobs: Job[], now: number): Promise<void> {
    // The heartbeat beats from when the jobs start: leases of a claim that came back a beat late
    // (the clock moved on meanwhile) are renewed first, or they could lapse before the first beat
    // and this process would take its own running jobs again.
    if (jobs.length > 0 && this.clock.now() - now >= this.heartbeatMs) await this.renew();
    // A job running here comes back when its lease lapsed before a renewal landed (a slow
    // database): the claim has renewed it, and it does not run twice.
    const taken = jobs.filter((job) => !this.runningIds.has(job.id));
    const owners = await Promise.all(taken.map((job) => this.ownerOf(job.botId)));
    taken.forEach((job, i) => void this.run(job, owners[i]));
  }

  /** The due jobs of owners other than `busy` (in order), when there are such owners and the others may have some. */
  private async claimOthers(kinds: string[], room: number, now: number, leaseEnd: number, busy: number[]): Promise<Job[]> {
    const key = busy.join(",");
    if (busy.length === 0 || (this.othersIdle?.busy === key && this.othersIdle.until > now)) return [];
    const noted = this.othersNoted;
    const jobs = await this.store.claim(this.worker, kinds, room, now, leaseEnd, busy);
    if (jobs.length < room) {
      const until = (await this.store.nextAfter(now, busy)) ?? Number.POSITIVE_INFINITY;
      // Another owner enqueued meanwhile: what was looked at may not hold that job.
      if (noted === this.othersNoted) this.othersIdle = { busy: key, until };
    }
    return jobs;
  }

  /** Owners holding their share of the slots, in order. */
  private busyOwners(): number[] {
    return this.ownersHolding(Math.max(1, Math.floor(this.options.concurrency / 2)));
  }

  /** Owners holding at least `slots` slots, in order. */
  private ownersHolding(slots: number): number[] {
    return [...this.held].filter(([, held]) => held >= slots).map(([owner]) => owner).sort((a, b) => a - b);
  }

  /** New jobs of an owner that is not busy end the "nothing of the others is due" note, and one a claim under way would make. */
  private async noteOthers(jobs: readonly Job[]): Promise<void> {
    if (!this.options.ownerOf) return;
    const busy = new Set(this.busyOwners());
    for (const botId of new Set(jobs.map((job) => job.botId))) {
      const owner = await this.ownerOf(botId);
      if (owner === undefined || !busy.has(owner)) return this.forgetOthersIdle();
    }
  }

  /** Drops the "nothing of the others is due" note, and any a claim under way would make. */
  private forgetOthersIdle(): void {
    this.othersIdle = undefined;
    this.othersNoted++;
  }

  private async ownerOf(botId: number): Promise<number | undefined> {
    try {
      return await this.options.ownerOf?.(botId);
    } catch (error) {
      this.log.warn({ err: error, bot_id: botId }, "could not tell whose bot a job is for");
      return undefined;
    }
  }

  private hold(owner: number | undefined, change: 1 | -1): void {
    if (owner === undefined) return;
    const slots = (this.held.get(owner) ?? 0) + change;
    if (slots > 0) this.held.set(owner, slots);
    else this.held.delete(owner);
  }

  private async run(job: Job, owner: number | undefined): Promise<void> {
    this.hold(owner, +1);
    this.runningIds.add(job.id);
    this.heartbeat ??= every(this.clock, this.heartbeatMs, () => void this.renew());
    try {
      // A job whose worker died after taking its last attempt is not run again.
      if (job.attempts > job.maxAttempts) throw new Error("its worker stopped during the last attempt");
      await this.handlers.get(job.kind)!(job as Job<never>);
      this.complete(job.id);
    } catch (error) {
      await this.failed(job, error);
    } finally {
      this.hold(owner, -1);
      this.runningIds.delete(job.id);
      if (this.runningIds.size === 0) this.whenIdle();
      if (this.started) void this.pump();
    }
  }

  /** Deletes finished jobs in batches; a job waiting on one's ordering key is looked for after. */
  private complete(id: number): void {
    this.finished.push(id);
    this.completing ??= (async () => {
      while (this.finished.length > 0) {
        const ids = this.finished;
        this.finished = [];
        try {
          await this.store.complete(ids, this.worker);
        } catch (error) {
          // Their leases lapse and they run again: at least once, never lost.
          this.log.error({ err: error, jobs: ids.length }, "could not mark jobs done");
        }
      }
    })().finally(() => {
      this.completing = undefined;
      if (this.started) void this.pump();
    });
  }

  private async failed(job: Job, error: unknown): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    const final = job.attempts >= job.maxAttempts;
    const context = { err: error, bot_id: job.botId, job_id: job.id, kind: job.kind, attempts: job.attempts };
    if (final) this.log.error(context, "job given up after its last attempt");
    else this.log.warn(context, "job failed; retrying");
    // A retry is a job due again, maybe of an owner the claims are looking past.
    this.forgetOthersIdle();
    try {
      await this.store.fail(job.id, this.worker, reason, final ? undefined : this.clock.now() + this.options.retryDelayMs(job.attempts));
    } catch (writeError) {
      // Its lease lapses, and it is taken again then.
      this.log.error({ err: writeError, job_id: job.id }, "could not record a failed job");
    }
  }

  /** How often the leases of running jobs are renewed: a beat or two can be missed before one lapses. */
  private get heartbeatMs(): number {
    return this.options.leaseMs / 3;
  }

  /**
   * Renews the leases, or joins the renewal on its way: renewals piled up behind a slow
   * database would crowd out the jobs' own queries (and a moving clock add more).
   */
  private renew(): Promise<void> {
    return (this.renewing ??= this.renewLeases().finally(() => (this.renewing = undefined)));
  }

  private async renewLeases(): Promise<void> {
    try {
      await this.store.renew(this.worker, this.clock.now() + this.options.leaseMs);
    } catch (error) {
      this.log.error({ err: error }, "could not renew the leases of running jobs");
    }
  }

  private whenIdle(): void {
    this.heartbeat?.cancel();
    this.heartbeat = undefined;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
