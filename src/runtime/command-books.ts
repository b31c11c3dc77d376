import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.js";
import { bundledLibSource, CORE_LIBS, type LibSource } from "../catalog/lib-sources.js";
import { libEntries } from "../interop/bot-content.js";
import { CommandBook, type RoutableCommand } from "./command-book.js";

/**
 * Each bot's CommandBook, loaded once and reused while the bot's `commands_version` stays the
 * same, so edits made through the API, by another process or by an import take effect on the
 * next update without a query per update.
 */
export class CommandBooks {
  private readonly cache = new Map<number, { version: number; book: CommandBook }>();

  constructor(private readonly db: Kysely<Schema>) {}

  /** The book of the bot at this `commands_version` (the bot row carries it). */
  async of(botId: number, version: number): Promise<CommandBook> {
    const cached = this.cache.get(botId);
    if (cached?.version === version) return cached.book;
    const [commands, libs] = await Promise.all([this.load(botId), this.libs(botId)]);
    const book = new CommandBook(commands, libs);
    this.cache.set(botId, { version, book });
    return book;
  }

  /**
   * The bot's libraries with their sources: its own copy, else the platform's (one without
   * either is left out). The platform's core libraries register no `on` handlers, so even
   * installed they wait until BJS reaches them; a copy of the bot's own is evaluated first.
   */
  private async libs(botId: number): Promise<LibSource[]> {
    const [installed, files] = await Promise.all([
      this.db.selectFrom("bot_libs").select("lib_id").where("bot_id", "=", botId).orderBy("id").execute(),
      this.db.selectFrom("bot_lib_files").select(["name", "source"]).where("bot_id", "=", botId).orderBy("id").execute(),
    ]);
    return libEntries(installed, files).flatMap((lib) => {
      const code = lib.source ?? bundledLibSource(lib.name);
      return code === null ? [] : [{ name: lib.name, code, lazy: lib.source === null && lib.name in CORE_LIBS }];
    });
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
