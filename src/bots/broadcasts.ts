import { sql, type Kysely, type Selectable } from "kysely";
import { isoNow, type Clock } from "../clock.js";
import type { BroadcastsTable, Schema } from "../db/schema.js";
import { fetchPage, type Page, type Window } from "../db/paging.js";
import type { Chat } from "./chats.js";

/** A broadcast task as stored. */
export type Broadcast = Selectable<BroadcastsTable>;

/** Which chats a broadcast goes to (spec/bjs.md §5), by the chat type each means. */
export const FOR_CHATS = {
  all: undefined,
  "private-chats": "private",
  "group-chats": "group",
  "super-group-chats": "supergroup",
} as const;
export type ForChats = keyof typeof FOR_CHATS;
export const FOR_CHATS_VALUES = Object.keys(FOR_CHATS) as [ForChats, ...ForChats[]];

/** The `parse_mode`s a text broadcast may give. */
export const PARSE_MODES = ["Markdown", "MarkdownV2", "HTML"] as const;

/** A task's statuses (spec/bjs.md §2.10). */
export const BROADCAST_STATUSES = ["new", "in progress", "paused", "terminated", "finished"] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

/** The statuses of a task that has ended. */
const ENDED: BroadcastStatus[] = ["terminated", "finished"];

/** How one recipient ended: reached, refused by Telegram or failed in BJS, or the chat blocked the bot (403). */
export type RecipientOutcome = "delivered" | "failed" | "blocked";

/** What a new task says: a recipient command (with params) or a text, to which chats, with which options. */
export interface BroadcastSpec {
  command?: string;
  text?: string;
  parse_mode?: string;
  for_chats: ForChats;
  options: unknown;
}

/** A task's counters and pace as the API and BJS show them. */
export interface BroadcastCounters {
  total: number;
  processed: number;
  delivered: number;
  failed: number;
  blocked: number;
  pending: number;
  /** Recipients per second while in progress. */
  speed: number;
  /** When the rest should be done at the current speed (ISO 8601), while in progress. */
  estimated_finish_at: string | null;
}

/** The counters of a task at `now`: the speed counts only the time it was in progress. */
export function countersOf(task: Broadcast, now: number): BroadcastCounters {
  const activeMs = Number(task.active_ms) + (task.active_since ? Math.max(0, now - Date.parse(task.active_since)) : 0);
  const speed = activeMs > 0 ? task.processed / (activeMs / 1000) : 0;
  const pending = Math.max(0, task.total - task.processed);
  const estimate = task.status === "in progress" && speed > 0 ? new Date(now + (pending / speed) * 1000).toISOString() : null;
  return {
    total: task.total,
    processed: task.processed,
    delivered: task.delivered,
    failed: task.failed,
    blocked: task.blocked,
    pending,
    speed: Math.round(speed * 100) / 100,
    estimated_finish_at: estimate,
  };
}

/**
 * A task as BJS sees it (`new RunAllTask({id})`, `options.task`, `options.run_all_task`):
 * the fields of spec/bjs.md §2.10 and those community bots use, with our counters.
 */
export function runAllTaskOf(task: Broadcast, now: number): Record<string, unknown> {
  const counters = countersOf(task, now);
  const progress = task.status === "finished" ? 100 : task.total > 0 ? Math.floor((task.processed / task.total) * 100) : 0;
  return {
    id: task.id,
    status: task.status,
    command: task.command,
    for_chats: task.for_chats,
    progress,
    cur_position: task.processed,
    errors_count: task.failed,
    created_at: task.created_at,
    started_at: task.started_at,
    finished_at: task.finished_at,
    ...counters,
  };
}

/** Recipients fetched at once by the worker. */
const RECIPIENT_BATCH = 100;

/**
 * The broadcast tasks of each bot and their recipients: eligible chats (not blocked by the
 * owner, not unreachable) of the task's type, in chat-id order after the task's cursor and up
 * to the last chat that existed when counting began.
 */
export class BroadcastStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock,
  ) {}

  async create(botId: number, spec: BroadcastSpec): Promise<Broadcast> {
    const now = isoNow(this.clock);
    return this.db
      .insertInto("broadcasts")
      .values({
        bot_id: botId,
        command: spec.command ?? null,
        text: spec.text ?? null,
        parse_mode: spec.parse_mode ?? null,
        for_chats: spec.for_chats,
        options: JSON.stringify(spec.options ?? null),
        status: "new",
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** How many of the bot's tasks have not ended (new, in progress or paused). */
  async unfinished(botId: number): Promise<number> {
    const row = await this.db
      .selectFrom("broadcasts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("bot_id", "=", botId)
      .where("status", "in", ["new", "in progress", "paused"])
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Deletes the bot's ended tasks but the newest `keep`; answers how many went. */
  async pruneEnded(botId: number, keep: number): Promise<number> {
    const newestGone = await this.db.selectFrom("broadcasts").select("id").where("bot_id", "=", botId).where("status", "in", ENDED).orderBy("id", "desc").limit(1).offset(keep).executeTakeFirst();
    if (!newestGone) return 0;
    const result = await this.db.deleteFrom("broadcasts").where("bot_id", "=", botId).where("status", "in", ENDED).where("id", "<=", newestGone.id).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  byId(botId: number, id: number): Promise<Broadcast | undefined> {
    return this.db.selectFrom("broadcasts").selectAll().where("bot_id", "=", botId).where("id", "=", id).executeTakeFirst();
  }

  /** One page of the bot's tasks, newest first. */
  list(botId: number, window: Window): Promise<Page<Broadcast>> {
    return fetchPage(this.db.selectFrom("broadcasts").selectAll().where("bot_id", "=", botId).orderBy("id", "desc"), window);
  }

  /** Deletes a task; answers whether it was there. */
  async delete(botId: number, id: number): Promise<boolean> {
    const result = await this.db.deleteFrom("broadcasts").where("bot_id", "=", botId).where("id", "=", id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Moves a task from one of `from` to `to`, keeping the time it spent in progress; answers
   * the task as it is afterwards, or undefined when it is gone or was in another status.
   */
  async move(botId: number, id: number, from: readonly BroadcastStatus[], to: BroadcastStatus): Promise<Broadcast | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const task = await trx.selectFrom("broadcasts").selectAll().where("bot_id", "=", botId).where("id", "=", id).executeTakeFirst();
      if (!task || !from.includes(task.status as BroadcastStatus)) return undefined;
      const now = this.clock.now();
      const iso = new Date(now).toISOString();
      const leaving = task.active_since ? { active_ms: Number(task.active_ms) + Math.max(0, now - Date.parse(task.active_since)), active_since: null } : {};
      const fields: Partial<Broadcast> = { ...leaving, status: to, updated_at: iso };
      if (to === "in progress") Object.assign(fields, { active_since: iso, started_at: task.started_at ?? iso });
      if (to === "finished" || to === "terminated") fields.finished_at = iso;
      if (to === "finished") {
        // Chats excluded on the way (blocked meanwhile) count as blocked; chats let in again as extra.
        const total = Math.max(task.total, task.processed);
        Object.assign(fields, { total, blocked: task.blocked + (total - task.processed), processed: total });
      }
      // Only from the status read: a delete or another move that got in meanwhile (a read takes
      // no lock on PostgreSQL) wins, and this move answers undefined instead of overwriting it.
      return trx.updateTable("broadcasts").set(fields).where("id", "=", id).where("status", "=", task.status).returningAll().executeTakeFirst();
    });
  }

  /** Counts the recipients of a new task ("Counting recipients") and starts it. */
  async start(task: Broadcast): Promise<Broadcast | undefined> {
    const counted = await this.eligible(task)
      .select([sql<number>`count(*)`.as("total"), sql<number | null>`max(id)`.as("last")])
      .executeTakeFirstOrThrow();
    const started = await this.move(task.bot_id, task.id, ["new"], "in progress");
    if (!started) return undefined;
    return this.db
      .updateTable("broadcasts")
      .set({ total: Number(counted.total), last_chat_id: Number(counted.last ?? 0) })
      .where("id", "=", task.id)
      .returningAll()
      .executeTakeFirst();
  }

  /** The next recipients after the cursor, in chat-id order. */
  recipients(task: Broadcast, after: number): Promise<Chat[]> {
    return this.eligible(task).selectAll().where("id", ">", after).where("id", "<=", task.last_chat_id).orderBy("id").limit(RECIPIENT_BATCH).execute();
  }

  private eligible(task: Broadcast) {
    const type = FOR_CHATS[task.for_chats as ForChats];
    let query = this.db.selectFrom("chats").where("bot_id", "=", task.bot_id).where("blocked", "=", 0).where("unreachable", "=", 0);
    if (type) query = query.where("chat_type", "=", type);
    return query;
  }

  /**
   * Records one recipient done: the cursor moves from `from` to `chatId` and the outcome is
   * counted, in one statement (so a recipient is counted once, whatever the status became
   * meanwhile). Answers the task afterwards, or undefined when it is gone or another worker
   * moved its cursor.
   */
  record(id: number, from: number, chatId: number, outcome: RecipientOutcome): Promise<Broadcast | undefined> {
    return this.db
      .updateTable("broadcasts")
      .set((eb) => ({
        cursor: chatId,
        processed: eb("processed", "+", 1),
        [outcome]: eb(outcome, "+", 1),
        updated_at: isoNow(this.clock),
      }))
      .where("id", "=", id)
      .where("cursor", "=", from)
      .returningAll()
      .executeTakeFirst();
  }
}
