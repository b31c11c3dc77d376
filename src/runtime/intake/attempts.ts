import type { Logger } from "pino";
import type { RuntimeMetrics } from "../runtime-metrics.js";
import type { Delivery } from "../run-journal.js";
import type { UpdateHandler } from "../update-handler.js";
import type { Inbox, InboxRow } from "./inbox.js";

/** How an intake treats one update's handling: shared by the embedded dispatcher and the Redis queue. */
export interface AttemptOptions {
  /** Attempts of one update before it is given up (marked failed and logged). */
  maxAttempts: number;
  /** Told what came in and how handling went. */
  metrics?: RuntimeMetrics;
  /**
   * Handling beginnings without an end (the process died each time) after which a pending
   * update is set aside instead of handled again, so a restart never crash-loops. An update the
   * embedded dispatcher accepted counts as begun from then (see `Inbox.insert`).
   */
  quarantineAfterStarts: number;
  /** Told of each update set aside (the runtime writes it to the bot's error log). */
  quarantined?: (row: InboxRow) => Promise<void>;
}

/** One handling attempt of an inbox row, and setting aside the rows that kill their process. */
export class UpdateAttempts {
  constructor(
    private readonly inbox: Inbox,
    private readonly log: Logger,
    private readonly options: AttemptOptions,
  ) {}

  /**
   * Sets the row aside (failed, logged, reported) when its handling began `quarantineAfterStarts`
   * times beyond its failed attempts: each of those beginnings ended with the process.
   */
  async setAsideIfDeadly(row: InboxRow): Promise<boolean> {
    const { quarantineAfterStarts, quarantined } = this.options;
    if (row.starts - row.attempts < quarantineAfterStarts) return false;
    this.log.error({ bot_id: row.botId, update_id: row.update.update_id, starts: row.starts }, "update set aside: handling it stopped the process each time");
    await this.inbox.markAttempt(row.id, row.attempts, true);
    await quarantined?.(row).catch((error: unknown) => this.log.error({ err: error, bot_id: row.botId }, "could not log a set-aside update"));
    return true;
  }

  /**
   * One attempt at a row: `handled` (the caller marks it done), `given-up` (marked failed) or
   * `retry`. A failure counts in `row.attempts` and in the inbox. `lane` tells how it follows
   * its chat's row before it (Delivery.released and .after).
   */
  async attempt(row: InboxRow, handler: UpdateHandler, lane: Pick<Delivery, "released" | "after"> = {}): Promise<"handled" | "given-up" | "retry"> {
    const { maxAttempts, metrics } = this.options;
    const started = performance.now();
    try {
      if (row.startCounted) row.startCounted = false;
      else await this.inbox.markStarted(row.id);
      // The same key on every delivery of the row: a run that committed is not run again (run-journal.ts).
      await handler.handle(row.botId, row.update, { key: `inbox:${row.id}`, ...lane });
      metrics?.handled((performance.now() - started) / 1000);
      return "handled";
    } catch (error) {
      row.attempts++;
      const final = row.attempts >= maxAttempts;
      metrics?.failed(final);
      const context = { err: error, bot_id: row.botId, update_id: row.update.update_id, attempts: row.attempts };
      if (final) this.log.error(context, "update given up after repeated failures");
      else this.log.warn(context, "update handling failed; retrying");
      try {
        await this.inbox.markAttempt(row.id, row.attempts, final);
      } catch (writeError) {
        this.log.error({ err: writeError, bot_id: row.botId }, "could not record a failed attempt");
      }
      return final ? "given-up" : "retry";
    }
  }
}
