import type { Update } from "@grammyjs/types";
import { sql, type Insertable, type Kysely } from "kysely";
import { isoNow, type Clock } from "../../clock.js";
import type { Database } from "../../db/database.js";
import { prepared } from "../../db/prepared.js";
import type { Schema, UpdateInboxTable } from "../../db/schema.js";
import { orderingKey } from "../update-handler.js";

/** An accepted update as the dispatcher works on it. */
export interface InboxRow {
  id: number;
  botId: number;
  orderingKey: string;
  update: Update;
  /** Failed attempts so far. */
  attempts: number;
  /** Times handling began (a beginning without an end is a process that died handling it). */
  starts: number;
  /** The next beginning is counted already: the row was accepted with it (see `Inbox.insert`). */
  startCounted?: boolean;
  /** When it was accepted (ISO 8601). */
  receivedAt: string;
}

/** The pending rows, spelled as the partial index `update_inbox_pending` is (a bound value would not match it). */
const PENDING = sql<boolean>`status = 'pending'`;

/** Rows per statement when many ids are marked at once (well under SQLite's parameter limit). */
const CHUNK = 500;

/** A new row of the inbox. */
function inboxRow(bot_id: number, update_id: number, ordering_key: string, payload: string, received_at: string, starts: number): Insertable<UpdateInboxTable> {
  return { bot_id, update_id, ordering_key, payload, status: "pending", attempts: 0, starts, received_at };
}

/** Runs a statement over rows by id: the one built once for a single row (every update's case), else one built per chunk. */
async function byIds(ids: readonly number[], one: (id: number) => Promise<unknown>, chunk: (ids: number[]) => { execute(): Promise<unknown> }): Promise<void> {
  if (ids.length === 1) await one(ids[0]!);
  else for (let start = 0; start < ids.length; start += CHUNK) await chunk(ids.slice(start, start + CHUNK)).execute();
}

/**
 * The durable inbox: one row per accepted update, unique by `(bot_id, update_id)`. An update
 * is accepted once its row is committed; a redelivered one (Telegram retrying a webhook, a
 * getUpdates batch fetched again after a restart) hits the unique key and is dropped.
 */
export class Inbox {
  private readonly db: Kysely<Schema>;
  private startedIds: number[] = [];
  private starting?: Promise<void>;
  /** The statements of the one-update case (a webhook's), which every update takes: built once. */
  private readonly insertOne;
  private readonly startOne;
  private readonly finishOne;

  constructor(
    private readonly database: Pick<Database, "db" | "committed">,
    private readonly clock: Clock,
  ) {
    const db = (this.db = database.db);
    this.insertOne = prepared(db, 6, (botId, updateId, key, payload, receivedAt, starts) => this.insertRows([inboxRow(botId, updateId, key, payload, receivedAt, starts)]));
    this.startOne = prepared(db, 1, (id) => this.markStartedQuery([id]));
    this.finishOne = prepared(db, 2, (id, finishedAt) => this.markDoneQuery([id], finishedAt));
  }

  private insertRows(rows: Insertable<UpdateInboxTable>[]) {
    return this.db
      .insertInto("update_inbox")
      .values(rows)
      .onConflict((oc) => oc.columns(["bot_id", "update_id"]).doNothing())
      .returning(["id", "update_id", "ordering_key"]);
  }

  private markStartedQuery(ids: number[]) {
    return this.db
      .updateTable("update_inbox")
      .set((eb) => ({ starts: eb("starts", "+", 1) }))
      .where("id", "in", ids);
  }

  private markDoneQuery(ids: number[], finishedAt: string) {
    return this.db.updateTable("update_inbox").set({ status: "done", finished_at: finishedAt }).where("id", "in", ids);
  }

  /**
   * Records the updates in one statement and answers, once they are committed, the rows that
   * are new (duplicates left out). With `countStart`, the first beginning of their handling is
   * counted in the same commit, for a process that handles them itself: then handling needs no
   * commit of its own before it begins (a quarter to a third of a millisecond per update, see
   * bench/runtime.ts), and a row the process dies before beginning counts as begun, like one
   * it dies handling.
   */
  async insert(botId: number, updates: readonly Update[], countStart = false): Promise<InboxRow[]> {
    if (updates.length === 0) return [];
    const receivedAt = isoNow(this.clock);
    const starts = countStart ? 1 : 0;
    const fields = (update: Update) => [botId, update.update_id, orderingKey(update), JSON.stringify(update), receivedAt, starts] as const;
    const inserted = updates.length === 1 ? (await this.insertOne(...fields(updates[0]!))).rows : await this.insertRows(updates.map((update) => inboxRow(...fields(update)))).execute();
    await this.database.committed();
    const byUpdateId = new Map(updates.map((update) => [update.update_id, update]));
    return inserted
      .map((row) => ({ id: Number(row.id), botId, orderingKey: row.ordering_key, update: byUpdateId.get(Number(row.update_id))!, attempts: 0, starts, startCounted: countStart, receivedAt }))
      .sort((a, b) => a.id - b.id);
  }

  /** Every row not handled yet, oldest first; only those received before `receivedBefore` (ISO) if given. */
  async pending(receivedBefore?: string): Promise<InboxRow[]> {
    let query = this.selectPending();
    if (receivedBefore !== undefined) query = query.where("received_at", "<", receivedBefore);
    return this.asRows(await query.orderBy("id").execute());
  }

  /** The row if it is still pending (not handled, given up or set aside since). */
  async pendingRow(id: number): Promise<InboxRow | undefined> {
    return this.asRows(await this.selectPending().where("id", "=", id).execute())[0];
  }

  private selectPending() {
    return this.db.selectFrom("update_inbox").select(["id", "bot_id", "ordering_key", "payload", "attempts", "starts", "received_at"]).where(PENDING);
  }

  private asRows(rows: { id: number | bigint | string; bot_id: number | bigint | string; ordering_key: string; payload: string; attempts: number; starts: number; received_at: string }[]): InboxRow[] {
    return rows.map((row) => ({
      id: Number(row.id),
      botId: Number(row.bot_id),
      orderingKey: row.ordering_key,
      update: JSON.parse(row.payload) as Update,
      attempts: row.attempts,
      starts: row.starts,
      receivedAt: row.received_at,
    }));
  }

  /**
   * Records, durably, that handling these rows begins: the beginnings of one event-loop turn
   * share one statement, and the dispatcher waits for its commit before handling.
   */
  markStarted(id: number): Promise<void> {
    this.startedIds.push(id);
    this.starting ??= new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
      const ids = this.startedIds;
      this.startedIds = [];
      this.starting = undefined;
      await byIds(ids, this.startOne, (chunk) => this.markStartedQuery(chunk));
      await this.database.committed();
    });
    return this.starting;
  }

  /** Marks rows handled. */
  async markDone(ids: readonly number[]): Promise<void> {
    const finishedAt = isoNow(this.clock);
    await byIds(ids, (id) => this.finishOne(id, finishedAt), (chunk) => this.markDoneQuery(chunk, finishedAt));
  }

  /** Records one more failed attempt; `final` gives the row up (it is not resumed again). */
  async markAttempt(id: number, attempts: number, final: boolean): Promise<void> {
    await this.db
      .updateTable("update_inbox")
      .set(final ? { attempts, status: "failed", finished_at: isoNow(this.clock) } : { attempts })
      .where("id", "=", id)
      .execute();
  }

  /** Deletes the finished rows received more than `keepMs` ago; answers how many went. */
  async prune(keepMs: number): Promise<number> {
    const last = await this.lastIdReceivedBefore(new Date(this.clock.now() - keepMs).toISOString());
    if (last === 0) return 0;
    const result = await this.db.deleteFrom("update_inbox").where("id", "<=", last).where("status", "!=", "pending").executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * The id of the last row received before `cutoff` (ISO), or 0. Ids grow with the time rows
   * come in, so bisecting the ids finds it in a few dozen primary-key lookups, and no index on
   * time costs every insert a page (0014_inbox_pending_index.ts). A clock set back by hand moves
   * the cut by as much.
   */
  private async lastIdReceivedBefore(cutoff: string): Promise<number> {
    const newest = await this.db.selectFrom("update_inbox").select((eb) => eb.fn.max("id").as("id")).executeTakeFirst();
    // Rows up to `low` came before the cutoff (0: none known); none after `high` did.
    let low = 0;
    let high = Number(newest?.id ?? 0);
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      const row = await this.db.selectFrom("update_inbox").select(["id", "received_at"]).where("id", ">=", middle).orderBy("id").limit(1).executeTakeFirst();
      if (row && Number(row.id) <= high && row.received_at < cutoff) low = Number(row.id);
      else high = middle - 1;
    }
    return low;
  }

  /** How many rows are in each status (diagnostics and tests). */
  async counts(botId?: number): Promise<Record<string, number>> {
    let query = this.db.selectFrom("update_inbox").select((eb) => ["status", eb.fn.countAll<number>().as("n")]).groupBy("status");
    if (botId !== undefined) query = query.where("bot_id", "=", botId);
    const rows = await query.execute();
    return Object.fromEntries(rows.map((row) => [row.status, Number(row.n)]));
  }
}
