import { AsyncLocalStorage } from "node:async_hooks";
import type { Job, JobQueue, JobSpec } from "../jobs/job-queue.js";
import { withDeliveryKey } from "./job-delivery.js";

/** An effect as the outbox stores it: a Bot API call, or jobs to enqueue on a queue outside the database. */
export type OutboxRecord = { kind: "telegram"; method: string; payload: Record<string, unknown> } | { kind: "jobs"; payload: readonly JobSpec[] };

/** A deferred effect: how it is stored, and how this process makes it (with the run's refusal logging). */
export interface Deferred {
  seq: number;
  record: OutboxRecord;
  perform(): Promise<void>;
}

const outboxes = new AsyncLocalStorage<RunOutbox>();

/** The outbox of the run this async context belongs to (PostgreSQL with a delivery key), if any. */
export function currentOutbox(): RunOutbox | undefined {
  return outboxes.getStore();
}

/**
 * The effects of one run that wait for its commit, in the order the run made them. A call
 * whose answer the run needs cannot wait: before it, `beforeInlineCall` marks the delivery
 * "effects began" (durably, outside the run's transaction) and makes what waits so far.
 */
export class RunOutbox {
  readonly pending: Deferred[] = [];
  /** Effects reached the outside before the commit: the run may never be tried again. */
  began = false;
  private seq = 0;

  constructor(
    /** The delivery key of the run. */
    readonly key: string,
    private readonly markBegan: () => Promise<void>,
  ) {}

  /** Runs `work` with this outbox as the current one. */
  within<T>(work: () => Promise<T>): Promise<T> {
    return outboxes.run(this, work);
  }

  defer(record: OutboxRecord, perform: () => Promise<void>): void {
    this.pending.push({ seq: ++this.seq, record, perform });
  }

  /**
   * Defers jobs, each keyed `<run's key>#<entry>/<index>` for the journal: the entry made
   * again (its worker died after the enqueue, before marking it sent) enqueues copies that
   * find their run committed, rather than runs of their own.
   */
  deferJobs<P>(specs: readonly JobSpec<P>[], enqueue: (specs: readonly JobSpec<P>[]) => Promise<void>): void {
    const seq = this.seq + 1;
    const keyed = specs.map((spec, index) => withDeliveryKey(spec, `${this.key}#${seq}/${index}`));
    this.defer({ kind: "jobs", payload: keyed }, () => enqueue(keyed));
  }

  async beforeInlineCall(): Promise<void> {
    if (!this.began) await this.markBegan();
    this.began = true;
    for (const effect of this.pending.splice(0)) await effect.perform();
  }
}

/**
 * Enqueues jobs as the run's next effect, after the Telegram calls it made before them: with
 * PostgreSQL those wait for the run's commit, and a job enqueued in the run's transaction would
 * start at the commit, before them (an `HTTP.get` answered before the "Loading..." sent ahead
 * of it). Outside a run's outbox at once: the effects before it are made already.
 */
export async function enqueueInTurn(queue: Pick<JobQueue, "enqueue">, specs: readonly JobSpec[]): Promise<void> {
  const outbox = currentOutbox();
  if (!outbox) {
    await queue.enqueue(specs);
    return;
  }
  // Made outside the run's context, so a queue that defers by itself (Redis) enqueues then.
  outbox.deferJobs(specs, (keyed) => outboxes.exit(async () => void (await queue.enqueue(keyed))));
}

/**
 * A job queue outside the database (Redis) cannot join a run's transaction: its enqueues from
 * within a run go to the run's outbox and are made after the commit, like its messages, so a
 * run that rolls back leaves no job behind (one whose worker dies mid-enqueue is enqueued again
 * on redelivery, as a copy that does not run twice: see `deferJobs`). Outside a run it is the queue itself. Deferred enqueues answer
 * no jobs: nothing in a run reads them.
 */
export function enqueuedAfterCommit(queue: JobQueue): JobQueue {
  return {
    async enqueue<P>(specs: readonly JobSpec<P>[]): Promise<Job<P>[]> {
      const outbox = currentOutbox();
      if (!outbox) return queue.enqueue(specs);
      outbox.deferJobs(specs, async (keyed) => void (await queue.enqueue(keyed)));
      return [];
    },
    cancel: (botId, filter) => queue.cancel(botId, filter),
    pending: (botId, window, filter) => queue.pending(botId, window, filter),
    register: (kind, handler) => queue.register(kind, handler),
    start: () => queue.start(),
    stop: () => queue.stop(),
  };
}

/** Makes an effect whose result nobody reads: after the commit when the run has an outbox, else now. */
export async function afterCommit(record: OutboxRecord, perform: () => Promise<void>): Promise<void> {
  const outbox = currentOutbox();
  if (outbox) outbox.defer(record, perform);
  else await perform();
}
