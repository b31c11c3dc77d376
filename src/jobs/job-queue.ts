import type { Page, Window } from "../db/paging.js";

/** What a producer asks for: a job of a registered kind, for one bot. */
export interface JobSpec<P = unknown> {
  kind: string;
  botId: number;
  /** The handler's input; it must survive JSON. */
  payload: P;
  /** When it is due (ms since the epoch); now when left out. */
  runAt?: number;
  /** Jobs of one bot with the same key run one at a time, in the order they were enqueued. */
  orderingKey?: string;
  /** A name to cancel or find the job by (BJS `label`); several jobs may share one. */
  label?: string;
  /** At most one waiting job per bot has this key: enqueueing it again replaces that job. */
  dedupeKey?: string;
  /** Attempts before the job is given up (default: the queue's). */
  maxAttempts?: number;
}

/** A stored job as handlers and listings see it. */
export interface Job<P = unknown> {
  id: number;
  kind: string;
  botId: number;
  payload: P;
  /** When it is due; for a job being run, when its lease ends. */
  runAt: number;
  orderingKey: string | null;
  label: string | null;
  dedupeKey: string | null;
  /** Attempts started, this one included when a handler sees it. */
  attempts: number;
  maxAttempts: number;
  /** Why the previous attempt failed. */
  lastError: string | null;
  createdAt: string;
}

/** Does one job; a throw fails the attempt (retried after a back-off until its attempts run out). */
export type JobHandler<P = unknown> = (job: Job<P>) => Promise<void>;

/** Which of a bot's jobs a call means: all of them, or those with this label, kind(s) and/or dedupe key. */
export interface JobFilter {
  label?: string;
  kind?: string | readonly string[];
  dedupeKey?: string;
}

/**
 * Durable jobs: due times, leases (a job whose worker died is taken again when its lease
 * ends), attempts with back-off, per-key order. Producers and handlers know only this
 * interface: the embedded queue (the database, run in-process on the clock) and a
 * Redis-backed one for scale-out are interchangeable behind it.
 */
export interface JobQueue {
  /** Stores the jobs (durably, once this resolves) and answers them; of those sharing a dedupe key, the last wins. */
  enqueue<P>(specs: readonly JobSpec<P>[]): Promise<Job<P>[]>;
  /** Removes the bot's matching jobs (a running one finishes but is not retried); answers how many went. */
  cancel(botId: number, filter?: JobFilter): Promise<number>;
  /** One page of the bot's waiting jobs, soonest first. */
  pending<P>(botId: number, window: Window, filter?: JobFilter): Promise<Page<Job<P>>>;
  /** Sets the handler of a kind; this worker takes only kinds it has handlers for. */
  register<P>(kind: string, handler: JobHandler<P>): void;
  /** Starts taking due jobs. */
  start(): Promise<void>;
  /** Stops taking jobs and waits for the running ones; the rest wait for the next start. */
  stop(): Promise<void>;
}
