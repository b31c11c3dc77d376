import type { Logger } from "pino";
import { every, type Clock, type Timer } from "../../clock.js";
import type { GroupedUpdateQueue } from "./grouped-queue.js";
import type { Inbox } from "./inbox.js";

export interface ReconcilerOptions {
  /** How often the inbox is compared with the queue. */
  everyMs: number;
  /** A pending row younger than this is taken to be on its way (queued, or being handled). */
  olderThanMs: number;
}

export const defaultReconcilerOptions: ReconcilerOptions = { everyMs: 60_000, olderThanMs: 60_000 };

/**
 * Keeps the Redis queue true to the inbox, the record: rows still pending a while after they
 * were received are queued again, so an update Redis lost (a restart without persistence, an
 * enqueue that failed after the insert committed) is still handled. Re-queueing never makes a
 * second handling: groupmq drops a job id that is still waiting, retrying or being handled,
 * and a copy queued after the first completed finds its row no longer pending (the worker
 * marks the row done before it completes the job, and reads it as pending before handling).
 * So every worker may run one; one is enough.
 */
export class InboxReconciler {
  private readonly options: ReconcilerOptions;
  private timer?: Timer;

  constructor(
    private readonly inbox: Inbox,
    private readonly queue: GroupedUpdateQueue,
    private readonly clock: Clock,
    private readonly log: Logger,
    options: Partial<ReconcilerOptions> = {},
  ) {
    this.options = { ...defaultReconcilerOptions, ...options };
  }

  start(): void {
    this.timer ??= every(this.clock, this.options.everyMs, () => void this.reconcile());
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** Queues again the rows pending for longer than `olderThanMs`; answers how many there were. */
  async reconcile(): Promise<number> {
    try {
      const rows = await this.inbox.pending(new Date(this.clock.now() - this.options.olderThanMs).toISOString());
      await this.queue.enqueue(rows, (row) => Date.parse(row.receivedAt));
      if (rows.length > 0) this.log.info({ rows: rows.length }, "pending updates queued again");
      return rows.length;
    } catch (error) {
      this.log.error({ err: error }, "could not reconcile the update inbox with its queue");
      return 0;
    }
  }
}
