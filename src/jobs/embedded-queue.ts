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
  /** How long a taken job is this worker's; renewed while it runs, so only a dead worker's lapses. */
  leaseMs: number;
  /** Attempts of a job that does not say. */
  maxAttempts: number;
  /** The wait before the next attempt, after `attempts` failed ones. */
  retryDelayMs(attempts: number): number;
}

export const defaultEmbeddedQueueOptions: EmbeddedQueueOptions = {
  concurrency: 16,
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
 */
export class EmbeddedJobQueue implements JobQueue {
  private readonly store: JobStore;
  private readonly options: EmbeddedQueueOptions;
  private readonly handlers = new Map<string, JobHandler<never>>();
  /** This worker's name on its leases, new each process. */
  private readonly worker = randomUUID();
  private started = false;
  private running = 0;
  private wakeAt?: number;
  private wakeTimer?: Timer;
  private heartbeat?: Timer;
  private pumping?: Promise<void>;
  private pumpAgain = false;
  private idleWaiters: (() => void)[] = [];
  /** Finished jobs waiting to be deleted, and the delete under way: one statement for all that finish meanwhile. */
  private finished: number[] = [];
  private completing?: Promise<void>;

  constructor(
    database: Pick<Database, "db" | "engine" | "committed">,
    private readonly clock: Clock,
    private readonly log: Logger,
    options: Partial<EmbeddedQueueOptions> = {},
  ) {
    this.store = new JobStore(database);
    this.options = { ...defaultEmbeddedQueueOptions, ...options };
  }

  async enqueue<P>(specs: readonly JobSpec<P>[]): Promise<Job<P>[]> {
    const jobs = await this.store.add(specs, { now: this.clock.now(), maxAttempts: this.options.maxAttempts });
    if (jobs.length > 0) this.wake(Math.min(...jobs.map((job) => job.runAt)));
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
    while (this.pumping || this.completing || this.running > 0) {
      await this.pumping;
      await this.completing;
      if (this.running > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
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
    while (this.started && this.running < this.options.concurrency) {
      const room = this.options.concurrency - this.running;
      const now = this.clock.now();
      const jobs = await this.store.claim(this.worker, kinds, room, now, now + this.options.leaseMs);
      for (const job of jobs) void this.run(job);
      if (jobs.length < room) {
        const next = await this.store.nextAfter(now);
        if (next !== undefined) this.wake(next);
        return;
      }
    }
  }

  private async run(job: Job): Promise<void> {
    this.running++;
    this.heartbeat ??= every(this.clock, this.options.leaseMs / 3, () => void this.renewLeases());
    try {
      // A job whose worker died after taking its last attempt is not run again.
      if (job.attempts > job.maxAttempts) throw new Error("its worker stopped during the last attempt");
      await this.handlers.get(job.kind)!(job as Job<never>);
      this.complete(job.id);
    } catch (error) {
      await this.failed(job, error);
    } finally {
      this.running--;
      if (this.running === 0) this.whenIdle();
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
    try {
      await this.store.fail(job.id, this.worker, reason, final ? undefined : this.clock.now() + this.options.retryDelayMs(job.attempts));
    } catch (writeError) {
      // Its lease lapses, and it is taken again then.
      this.log.error({ err: writeError, job_id: job.id }, "could not record a failed job");
    }
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
