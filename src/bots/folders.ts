import type { Kysely, Selectable } from "kysely";
import { isUniqueViolation } from "../accounts/users.js";
import { isoNow, type Clock } from "../clock.js";
import type { CommandsFoldersTable, Schema } from "../db/schema.js";
import { fetchPage, type Page, type Window } from "../db/paging.js";
import { NotFoundError, ValidationError } from "../errors.js";
import type { BotStore } from "./bots.js";

/** A folder of commands (organisation only, not a permission). */
export type Folder = Selectable<CommandsFoldersTable>;

const MAX_TITLE = 255;

/**
 * What is wrong with a trimmed folder title, or undefined; the API, CSV and Git imports share
 * the rule (a much longer title passes PostgreSQL's index entry limit).
 */
export function folderTitleProblem(title: string, subject = "Title"): string | undefined {
  if (title === "") return `${subject} can't be blank`;
  if (title.length > MAX_TITLE) return `${subject} is too long (maximum is ${MAX_TITLE} characters)`;
  return undefined;
}

/** A bot's command folders; titles are unique per bot (Git export makes them directories). */
export class FolderStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly bots: BotStore,
    private readonly clock: Clock,
  ) {}

  /** One page of the bot's folders, oldest first. */
  list(botId: number, window: Window): Promise<Page<Folder>> {
    return fetchPage(this.db.selectFrom("commands_folders").selectAll().where("bot_id", "=", botId).orderBy("id"), window);
  }

  /** The bot's folders with these ids, by id. */
  async byIds(botId: number, ids: number[]): Promise<Map<number, Folder>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom("commands_folders").selectAll().where("bot_id", "=", botId).where("id", "in", ids).execute();
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** The bot's folder with that id; undefined when absent or another bot's. */
  byId(botId: number, id: number): Promise<Folder | undefined> {
    return this.db.selectFrom("commands_folders").selectAll().where("bot_id", "=", botId).where("id", "=", id).executeTakeFirst();
  }

  /** The bot's folder with that title (Git and CSV imports file commands by title). */
  byTitle(botId: number, title: string): Promise<Folder | undefined> {
    return this.db.selectFrom("commands_folders").selectAll().where("bot_id", "=", botId).where("title", "=", title).executeTakeFirst();
  }

  async create(botId: number, title: string): Promise<Folder> {
    const trimmed = title.trim();
    const problem = folderTitleProblem(trimmed);
    if (problem) throw new ValidationError([problem]);
    const now = isoNow(this.clock);
    try {
      return await this.db
        .insertInto("commands_folders")
        .values({ bot_id: botId, title: trimmed, created_at: now, updated_at: now })
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (error) {
      if (isUniqueViolation(error)) throw new ValidationError(["Title has already been taken"]);
      throw error;
    }
  }

  /** Deletes the folder; its commands move to the root (the key sets their folder to null). */
  async delete(botId: number, id: number): Promise<void> {
    // Its commands move to the root: what they show as `command.folder` changes.
    await this.bots.changeCommands(botId, async (trx) => {
      const result = await trx.deleteFrom("commands_folders").where("bot_id", "=", botId).where("id", "=", id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new NotFoundError("Folder");
    });
  }
}
