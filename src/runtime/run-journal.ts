import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { ErrorLog } from "../bots/error-log.js";
import type { Clock } from "../clock.js";
import type { RunScopes } from "../db/run-scope.js";
import type { RunOutboxTable, Schema } from "../db/schema.js";
import type { JobQueue, JobSpec } from "../jobs/job-queue.js";
import { isTelegramError, telegramReason } from "../telegram/bot-api.js";
import { RunOutbox, type Deferred, type OutboxRecord } from "./run-outbox.js";
import type { TelegramSender } from "./telegram-sender.js";

export interface RunJournalDeps {
  db: Kysely<Schema>;
  scopes: RunScopes;
  sender: TelegramSender;
  jobs: Pick<JobQueue, "enqueue">;
  errorLog: Pick<ErrorLog, "record">;
  clock: Clock;
  log: Logger;
}

/** A delivery of a run: `inbox:<row id>` for an update, `job:<id>` (or the key it was enqueued with) for a job's run; the same key each time it is delivered again. */
export interface Delivery {
  key: string;
  /**
   * Told once the update's handling has only its Telegram calls left, on their way: the
   * intake may begin the chat's next update (the handling still resolves only once they are
   * through). Not told of a run the journal commits: its writes are seen only at its end.
   */
  released?(): void;
  /** The calls of the chat's update before this one, still on their way: this update's first call waits for them. */
  after?: Promise<void>;
}

/** What the journal says of a delivery it has seen. */
export type DeliveryState = "began" | "committed";

/** Calls that make a message: made twice, the chat sees it twice (Telegram has no idempotency key). */
const MAKES_MESSAGES = /^(send|forward|copy)/;

/**
 * Effects exactly once where Telegram allows it (PostgreSQL, several workers). A run's
 * database writes, its journal row and its outbox (the Telegram calls whose result nobody
 * reads, and enqueues to a queue outside the database) commit in one transaction; the outbox
 * is made right after, in order, each entry marked "sending" before its call and "sent"
 * after. A delivery seen again (its worker died, the queue redelivered it) never runs again
 * once committed: only what was not sent is made.
 *
 * The one window that cannot be closed: an entry found "sending" whose call may or may not
 * have reached Telegram. Calls that make a message are then skipped (at most once; the bot's
 * error log says the message may be lost); the others (edit, delete, answer, set...) come out
 * the same when made twice, and are made again. A run that needs Telegram's answer mid-run
 * cannot wait for its commit: it marks the delivery "began" first, and a delivery found
 * "began" but not committed is not run again (as within one process since the start).
 */
export class RunJournal {
  constructor(private readonly deps: RunJournalDeps) {}

  /**
   * Forgets deliveries older than `keepMs` (with their outboxes): by then no queue redelivers
   * them (the inbox keeps its rows as long, leases are minutes).
   */
  async prune(keepMs: number): Promise<number> {
    const result = await this.deps.db.deleteFrom("run_journal").where("created_at", "<", this.deps.clock.now() - keepMs).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async state(key: string): Promise<DeliveryState | undefined> {
    const row = await this.deps.db.selectFrom("run_journal").select("state").where("delivery_key", "=", key).executeTakeFirst();
    return row?.state;
  }

  /**
   * Runs `work` (one run) in one transaction with its outbox, then makes the outbox. A result
   * `ran` says did not run (a stored run skipped while its bot is stopped) leaves no journal
   * row: the delivery may run when it comes again.
   */
  async run<T>(delivery: Delivery, botId: number, work: () => Promise<T>, ran: (result: T) => boolean = () => true): Promise<T> {
    const { key } = delivery;
    const outbox = new RunOutbox(key, () => this.note(this.deps.scopes.independent, key, botId, "began"));
    const result = await this.deps.scopes.transaction(() =>
      outbox.within(async () => {
        const value = await work();
        if (ran(value) || outbox.began) await this.commit(key, botId, outbox);
        return value;
      }),
    );
    await this.make(key, outbox.pending);
    return result;
  }

  /** Makes what a committed delivery left unsent (its worker died); see the class comment for "sending". */
  async finish(delivery: Delivery, botId: number, token: string): Promise<void> {
    const rows = await this.deps.db.selectFrom("run_outbox").selectAll().where("delivery_key", "=", delivery.key).where("status", "in", ["pending", "sending"]).orderBy("seq").execute();
    for (const row of rows) {
      if (row.status === "sending" && row.kind === "telegram" && MAKES_MESSAGES.test(row.method ?? "")) {
        await this.mark(delivery.key, row.seq, "sending", "skipped");
        await this.refused(botId, `${row.method} may not have been delivered: the worker making it stopped before Telegram answered, and it is not made twice`);
        continue;
      }
      if (row.status === "pending" && !(await this.mark(delivery.key, row.seq, "pending", "sending"))) continue;
      await this.perform(row, botId, token);
      await this.mark(delivery.key, row.seq, "sending", "sent");
    }
  }

  /** Logs, in the bot's error log, a delivery found "began" and not committed: it is not run again. */
  async interrupted(botId: number): Promise<void> {
    await this.refused(botId, "A run was interrupted after it reached Telegram (a call whose answer it needed); it was not run again, and its other effects may be missing");
  }

  private async commit(key: string, botId: number, outbox: RunOutbox): Promise<void> {
    const { db } = this.deps;
    if (outbox.began) await db.updateTable("run_journal").set({ state: "committed" }).where("delivery_key", "=", key).execute();
    // A plain insert: a second worker running the same delivery at once fails here and rolls back.
    else await this.note(db, key, botId, "committed");
    if (outbox.pending.length === 0) return;
    await db
      .insertInto("run_outbox")
      .values(outbox.pending.map(({ seq, record }) => ({ delivery_key: key, seq, kind: record.kind, method: record.kind === "telegram" ? record.method : null, payload: JSON.stringify(record.payload), status: "pending" as const })))
      .execute();
  }

  private async note(db: Kysely<Schema>, key: string, botId: number, state: DeliveryState): Promise<void> {
    await db.insertInto("run_journal").values({ delivery_key: key, bot_id: botId, state, created_at: this.deps.clock.now() }).execute();
  }

  /** Makes a committed run's outbox, as this process deferred it. */
  private async make(key: string, pending: readonly Deferred[]): Promise<void> {
    for (const effect of pending) {
      // Another worker finishing this delivery may have taken it: only one makes each entry.
      if (!(await this.mark(key, effect.seq, "pending", "sending"))) continue;
      await effect.perform();
      await this.mark(key, effect.seq, "sending", "sent");
    }
  }

  /** Moves an entry from one status to the next; false when it was not in `from`. */
  private async mark(key: string, seq: number, from: RunOutboxTable["status"], to: RunOutboxTable["status"]): Promise<boolean> {
    const result = await this.deps.db.updateTable("run_outbox").set({ status: to }).where("delivery_key", "=", key).where("seq", "=", seq).where("status", "=", from).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** An entry made again from its stored form, by a worker that did not run it. */
  private async perform(row: { kind: OutboxRecord["kind"]; method: string | null; payload: string }, botId: number, token: string): Promise<void> {
    if (row.kind === "jobs") {
      await this.deps.jobs.enqueue(JSON.parse(row.payload) as JobSpec[]);
      return;
    }
    const method = row.method!;
    const refused = (error: Error) => this.refused(botId, `Telegram refused ${method}: ${isTelegramError(error) ? telegramReason(error) : error.message}`);
    try {
      await this.deps.sender.call(token, method, JSON.parse(row.payload) as Record<string, unknown>, { lateFailure: (error) => void refused(error).catch(() => {}) });
    } catch (error) {
      if (!isTelegramError(error)) throw error;
      await refused(error);
    }
  }

  private async refused(botId: number, message: string): Promise<void> {
    await this.deps.errorLog.record(botId, { message, trigger: "redelivery", group_key: `redelivery:${message.slice(0, 200)}` });
  }
}
