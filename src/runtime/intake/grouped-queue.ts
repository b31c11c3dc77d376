import type { Update } from "@grammyjs/types";
import { Queue, Worker, type ReservedJob } from "groupmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { UpdateHandler } from "../update-handler.js";
import { UpdateAttempts, type AttemptOptions } from "./attempts.js";
import { defaultDispatcherOptions, type UpdateIntake } from "./dispatcher.js";
import type { Inbox, InboxRow } from "./inbox.js";

export interface GroupedQueueOptions extends AttemptOptions {
  /** Updates one process handles at the same time (each of a different chat). */
  concurrency: number;
  /** The wait before attempt `failures + 1`. */
  retryDelayMs(failures: number): number;
  /**
   * A job whose worker stops heartbeating (killed) is taken by another after half of this, and
   * must be at least 8 s (groupmq checks for stalled jobs at most every 2 s).
   */
  visibilityTimeoutMs: number;
  /** How long `stop` waits for the updates being handled; the rest are taken by another worker, or after a restart. */
  drainTimeoutMs: number;
}

export const defaultGroupedQueueOptions: GroupedQueueOptions = {
  ...defaultDispatcherOptions,
  visibilityTimeoutMs: 30_000,
};

/** A job names its inbox row; the row (payload, attempts, starts) is read from the inbox, the record. */
interface UpdateJob {
  rowId: number;
}

/** groupmq's own retry budget, never reached: the row's attempts in the inbox decide when to give up. */
const UNLIMITED = 1_000_000;

/** Thrown to make groupmq retry a job after its back-off, in its place at the head of its group. */
class RetryLater extends Error {}

/**
 * The intake of a platform of several processes: accepted updates are committed to the inbox,
 * then queued in Redis (groupmq) in a group per `(bot, ordering key)`, which any worker process
 * takes one job at a time, so each chat's updates are handled in order and different chats in
 * parallel across processes. A failed attempt goes back to its place after a back-off and
 * blocks its group meanwhile; a killed worker's job is taken again once its visibility timeout
 * passes. Owner fairness (the dispatcher's share of slots per owner) is not kept: groupmq picks
 * ready groups oldest first and has no notion of an owner.
 */
export class GroupedUpdateQueue implements UpdateIntake {
  private readonly options: GroupedQueueOptions;
  private readonly queue: Queue<UpdateJob>;
  private readonly attempts: UpdateAttempts;
  private worker?: Worker<UpdateJob>;

  constructor(
    private readonly inbox: Inbox,
    redis: Redis,
    private readonly log: Logger,
    /** Where the queue's keys live in Redis (groupmq puts them under `groupmq:<prefix>:updates`). */
    prefix: string,
    options: Partial<GroupedQueueOptions> = {},
  ) {
    this.options = { ...defaultGroupedQueueOptions, ...options };
    this.queue = new Queue<UpdateJob>({ redis, namespace: `${prefix}:updates`, jobTimeoutMs: this.options.visibilityTimeoutMs, maxAttempts: UNLIMITED });
    this.attempts = new UpdateAttempts(inbox, log, this.options);
  }

  /** Commits the updates to the inbox, then queues the new ones; resolves once both are done. */
  async accept(botId: number, updates: readonly Update[]): Promise<number> {
    const rows = await this.inbox.insert(botId, updates);
    this.options.metrics?.received(rows.length, updates.length - rows.length);
    await this.enqueue(rows);
    return rows.length;
  }

  /**
   * Queues inbox rows, each chat's in id order; a row already waiting, retrying or being
   * handled is left as it is (the job id is the row id). `byReceipt` sorts a row by when it
   * was received instead of now: a row re-queued late goes ahead of its chat's newer ones still waiting.
   */
  async enqueue(rows: readonly InboxRow[], byReceipt?: (row: InboxRow) => number): Promise<void> {
    const groups = new Map<string, InboxRow[]>();
    for (const row of rows) {
      const group = `${row.botId}:${row.orderingKey}`;
      groups.set(group, [...(groups.get(group) ?? []), row]);
    }
    await Promise.all(
      [...groups].map(async ([groupId, group]) => {
        for (const row of group) await this.queue.add({ groupId, jobId: `inbox-${row.id}`, data: { rowId: row.id }, orderMs: byReceipt?.(row) });
      }),
    );
  }

  /** Starts taking jobs and handling them with `handler`. */
  async start(handler: UpdateHandler): Promise<void> {
    if (this.worker) throw new Error("the update queue is already started");
    const { concurrency, retryDelayMs, visibilityTimeoutMs } = this.options;
    this.worker = new Worker<UpdateJob>({
      queue: this.queue,
      handler: (job) => this.handle(job, handler),
      concurrency,
      backoff: retryDelayMs,
      maxAttempts: UNLIMITED,
      // A job whose worker stopped heartbeating is always taken again (groupmq's default fails it
      // after one stall); the inbox's `starts` sets aside an update that kills its process.
      maxStalledCount: 0,
      // groupmq 1.1.0's other recoveries of an expired job (in reserve.lua and cleanup.lua) leave
      // it in its group's active list, which blocks the group for good (bench/update-order.ts);
      // so the stalled check, which clears it, must find a dead job first: half a timeout after
      // its last heartbeat, while a live job's deadline stays 5/6 of a timeout ahead.
      heartbeatMs: visibilityTimeoutMs / 6,
      stalledInterval: visibilityTimeoutMs / 8,
      stalledGracePeriod: -visibilityTimeoutMs / 2,
      // Its cleanup is that recovery again; the timer also drives the promotion of retries (every second).
      cleanupIntervalMs: 1e9,
    });
    this.worker.on("error", (error) => {
      if (!(error instanceof RetryLater)) this.log.error({ err: error }, "update queue error");
    });
    void this.worker.run();
  }

  private async handle(job: ReservedJob<UpdateJob>, handler: UpdateHandler): Promise<void> {
    const row = await this.inbox.pendingRow(job.data.rowId);
    // Handled (or given up) already: a copy re-queued by the reconciler after the first completed.
    if (!row || (await this.attempts.setAsideIfDeadly(row))) return;
    const outcome = await this.attempts.attempt(row, handler);
    // Done in the inbox before the job completes in Redis, so a re-queued copy finds it done.
    if (outcome === "handled") await this.inbox.markDone([row.id]);
    if (outcome === "retry") throw new RetryLater(`update ${row.update.update_id} of bot ${row.botId} is retried`);
  }

  /** Stops taking jobs and waits (up to `drainTimeoutMs`) for those being handled. */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.close(this.options.drainTimeoutMs);
  }
}
