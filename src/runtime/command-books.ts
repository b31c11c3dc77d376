import { sql, type Kysely } from "kysely";
import type { Schema } from "../db/schema.js";
import { CommandBook, type RoutableCommand } from "./command-book.js";

/**
 * Each bot's CommandBook, loaded once and reused while the bot's commands stay the same. A
 * cheap signature query (count, last change, last id) tells when to reload, so edits made
 * through the API, by another process or by an import take effect on the next update.
 */
export class CommandBooks {
  private readonly cache = new Map<number, { signature: string; book: CommandBook }>();

  constructor(private readonly db: Kysely<Schema>) {}

  async of(botId: number): Promise<CommandBook> {
    const stamp = await this.db
      .selectFrom("bot_commands")
      .select([sql<number>`count(*)`.as("n"), sql<string>`max(updated_at)`.as("changed"), sql<number>`max(id)`.as("last")])
      .where("bot_id", "=", botId)
      .executeTakeFirstOrThrow();
    const signature = `${stamp.n}|${stamp.changed}|${stamp.last}`;
    const cached = this.cache.get(botId);
    if (cached?.signature === signature) return cached.book;
    const book = new CommandBook(await this.load(botId));
    this.cache.set(botId, { signature, book });
    return book;
  }

  /** Forgets a bot (deleted or stopped). */
  forget(botId: number): void {
    this.cache.delete(botId);
  }

  private async load(botId: number): Promise<RoutableCommand[]> {
    const [rows, aliases] = await Promise.all([
      this.db
        .selectFrom("bot_commands")
        .leftJoin("commands_folders", "commands_folders.id", "bot_commands.commands_folder_id")
        .select([
          "bot_commands.id",
          "bot_commands.command",
          "bot_commands.answer",
          "bot_commands.keyboard_body",
          "bot_commands.need_reply",
          "bot_commands.group_title",
          "bot_commands.code",
          "bot_commands.auto_retry_time",
          "commands_folders.title as folder",
        ])
        .where("bot_commands.bot_id", "=", botId)
        .orderBy("bot_commands.id")
        .execute(),
      this.db.selectFrom("command_aliases").select(["bot_command_id", "command"]).where("bot_id", "=", botId).orderBy("id").execute(),
    ]);
    const aliasesOf = new Map<number, string[]>();
    for (const alias of aliases) aliasesOf.set(alias.bot_command_id, [...(aliasesOf.get(alias.bot_command_id) ?? []), alias.command]);
    return rows.map((row) => ({ ...row, need_reply: row.need_reply === 1, aliases: aliasesOf.get(row.id) ?? [] }));
  }
}
