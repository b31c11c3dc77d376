import type { Insertable, Kysely, Selectable } from "kysely";
import { isoNow, type Clock } from "../clock.js";
import type { ErrorLogsTable, Schema } from "../db/schema.js";
import { fetchPage, type Page, type Window } from "../db/paging.js";

/** One recorded failure of a bot. */
export type ErrorEntry = Selectable<ErrorLogsTable>;

/**
 * What the runtime records (spec/bjs.md §9's recommended record): the message, and where
 * it can say so, the command, segment (`@`, `cmd`, `@@`, `lib:<Name>`), line, stack, trigger,
 * chat and user, and a key that groups repeats of one issue.
 */
export type ErrorRecord = Omit<Insertable<ErrorLogsTable>, "id" | "bot_id" | "created_at">;

/** Entries kept per bot: a bot failing in a loop must not fill the disk. */
export const ERROR_LOG_KEEP = 1000;

/** Each bot's error log, newest first, holding its latest ERROR_LOG_KEEP entries. */
export class ErrorLog {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock,
  ) {}

  /** Adds an entry to the bot's log, dropping the oldest beyond the cap. */
  async record(botId: number, entry: ErrorRecord): Promise<ErrorEntry> {
    const row = await this.db
      .insertInto("error_logs")
      .values({ ...entry, bot_id: botId, created_at: isoNow(this.clock) })
      .returningAll()
      .executeTakeFirstOrThrow();
    await this.db
      .deleteFrom("error_logs")
      .where("bot_id", "=", botId)
      .where("id", "<=", (eb) => eb.selectFrom("error_logs").select("id").where("bot_id", "=", botId).orderBy("id", "desc").limit(1).offset(ERROR_LOG_KEEP))
      .execute();
    return row;
  }

  /** One page of the bot's log, newest first. */
  list(botId: number, window: Window): Promise<Page<ErrorEntry>> {
    return fetchPage(this.db.selectFrom("error_logs").selectAll().where("bot_id", "=", botId).orderBy("id", "desc"), window);
  }

  /** Empties the bot's log. */
  async clear(botId: number): Promise<void> {
    await this.db.deleteFrom("error_logs").where("bot_id", "=", botId).execute();
  }
}
