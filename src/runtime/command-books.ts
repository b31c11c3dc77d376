import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.js";
import { bundledLibSource, CORE_LIBS, type LibSource } from "../catalog/lib-sources.js";
import { libEntries } from "../interop/bot-content.js";
import { textCharacters } from "../bots/commands.js";
import { CommandBook, type RoutableCommand } from "./command-book.js";

/**
 * The characters of the books kept at once (each bot's at most MAX_BOT_TEXT): past them, the
 * books used least recently are dropped, and loaded again when their bot next runs.
 */
const CACHED_CHARACTERS = 64 * 1024 * 1024;

interface Cached {
  version: number;
  book: CommandBook;
  characters: number;
}

/**
 * Each bot's CommandBook, loaded once and reused while the bot's `commands_version` stays the
 * same, so edits made through the API, by another process or by an import take effect on the
 * next update without a query per update.
 */
export class CommandBooks {
  /** In the order of use, least recent first. */
  private readonly cache = new Map<number, Cached>();
  private cachedCharacters = 0;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly maxCharacters = CACHED_CHARACTERS,
  ) {}

  /** The book of the bot at this `commands_version` (the bot row carries it). */
  async of(botId: number, version: number): Promise<CommandBook> {
    const cached = this.cache.get(botId);
    if (cached?.version === version) {
      this.keep(botId, cached);
      return cached.book;
    }
    const [commands, { libs, ownCharacters }] = await Promise.all([this.load(botId), this.libs(botId)]);
    const book = new CommandBook(commands, libs);
    let characters = ownCharacters;
    for (const command of commands) characters += textCharacters(command.code, command.answer, command.keyboard_body);
    this.keep(botId, { version, book, characters });
    return book;
  }

  /** Keeps the bot's entry as the one used most recently (in place of any it had), then drops the least recent past the budget. */
  private keep(botId: number, entry: Cached): void {
    const held = this.cache.get(botId);
    if (held) this.forget(botId, held);
    this.cache.set(botId, entry);
    this.cachedCharacters += entry.characters;
    for (const [oldest, dropped] of this.cache) {
      if (this.cachedCharacters <= this.maxCharacters || oldest === botId) break;
      this.forget(oldest, dropped);
    }
  }

  private forget(botId: number, entry: Cached): void {
    this.cache.delete(botId);
    this.cachedCharacters -= entry.characters;
  }

  /**
   * The bot's libraries with their sources: its own copy, else the platform's (one without
   * either is left out). The platform's core libraries register no `on` handlers, so even
   * installed they wait until BJS reaches them; a copy of the bot's own is evaluated first.
   */
  private async libs(botId: number): Promise<{ libs: LibSource[]; ownCharacters: number }> {
    const [installed, files] = await Promise.all([
      this.db.selectFrom("bot_libs").select("lib_id").where("bot_id", "=", botId).orderBy("id").execute(),
      this.db.selectFrom("bot_lib_files").select(["name", "source"]).where("bot_id", "=", botId).orderBy("id").execute(),
    ]);
    const libs = libEntries(installed, files).flatMap((lib) => {
      const code = lib.source ?? bundledLibSource(lib.name);
      return code === null ? [] : [{ name: lib.name, code, lazy: lib.source === null && lib.name in CORE_LIBS }];
    });
    // The bundled sources are one copy for every bot: only a bot's own copies weigh on the cache.
    return { libs, ownCharacters: files.reduce((sum, file) => sum + file.source.length, 0) };
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
