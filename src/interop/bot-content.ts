import type { Kysely } from "kysely";
import { libraryOf } from "../catalog/libraries.js";
import { isoNow, type Clock } from "../clock.js";
import type { Schema } from "../db/schema.js";
import type { BotStore } from "../bots/bots.js";
import { botTextProblem, textCharacters } from "../bots/commands.js";
import { ValidationError } from "../errors.js";

/** One command as a repository, a CSV sheet or a copy carries it: fields by value, the folder by title. */
export interface CommandEntry {
  command: string;
  help: string | null;
  answer: string | null;
  keyboard: string | null;
  /** Trimmed and lower-cased, as stored. */
  aliases: string[];
  group: string | null;
  need_reply: boolean;
  auto_retry_time: number | null;
  /** The folder's title; null = the root. */
  folder: string | null;
  code: string | null;
}

/** A library of a bot: a store library by name, with the repository's copy of its source when it has one. */
export interface LibEntry {
  name: string;
  /** The file the repository holds; null = the store's bundled copy. A name outside the store always has one. */
  source: string | null;
}

/** What makes a bot behave the way it does, free of ids: what Git export writes and Git import, copy and the store replace. */
export interface BotContent {
  /** Every folder title, in creation order (folders with no command included). */
  folders: string[];
  commands: CommandEntry[];
  libs: LibEntry[];
}

/** What is wrong with how much text the content holds in all, or undefined (see MAX_BOT_TEXT). */
export function contentTextProblem(content: Pick<BotContent, "commands" | "libs">): string | undefined {
  let characters = 0;
  for (const entry of content.commands) characters += textCharacters(entry.code, entry.answer, entry.help, entry.keyboard);
  for (const lib of content.libs) characters += lib.source?.length ?? 0;
  return botTextProblem(characters);
}

/**
 * Reads a bot's content and replaces it whole. Replacing happens in one transaction that
 * also bumps the bot's commands version, so the router sees either the old content or the
 * new one, and a failure leaves the old one untouched.
 */
export class BotContentStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly bots: BotStore,
    private readonly clock: Clock,
  ) {}

  /** The bot's folders, commands (in id order) and libraries (store ones in install order, then files of custom ones). */
  async read(botId: number): Promise<BotContent> {
    const [folders, commands, aliases, installed, files] = await Promise.all([
      this.db.selectFrom("commands_folders").select(["id", "title"]).where("bot_id", "=", botId).orderBy("id").execute(),
      this.db.selectFrom("bot_commands").selectAll().where("bot_id", "=", botId).orderBy("id").execute(),
      this.db.selectFrom("command_aliases").select(["bot_command_id", "command"]).where("bot_id", "=", botId).orderBy("id").execute(),
      this.db.selectFrom("bot_libs").select("lib_id").where("bot_id", "=", botId).orderBy("id").execute(),
      this.db.selectFrom("bot_lib_files").select(["name", "source"]).where("bot_id", "=", botId).orderBy("id").execute(),
    ]);
    const titles = new Map(folders.map((folder) => [folder.id, folder.title]));
    return {
      folders: folders.map((folder) => folder.title),
      commands: commands.map((row) => ({
        command: row.command,
        help: row.help,
        answer: row.answer,
        keyboard: row.keyboard_body,
        aliases: aliases.filter((alias) => alias.bot_command_id === row.id).map((alias) => alias.command),
        group: row.group_title,
        need_reply: row.need_reply === 1,
        auto_retry_time: row.auto_retry_time,
        folder: row.commands_folder_id === null ? null : (titles.get(row.commands_folder_id) ?? null),
        code: row.code,
      })),
      libs: libEntries(installed, files),
    };
  }

  /**
   * Replaces the bot's folders, commands and libraries with `content` in one transaction.
   * Properties, chats, users and admin panels stay: they are the bot's data, not its code.
   * Command names must be unique (the readers of repositories and sheets see to it).
   */
  async replace(botId: number, content: BotContent): Promise<void> {
    const tooMuch = contentTextProblem(content);
    if (tooMuch) throw new ValidationError([tooMuch]);
    const now = isoNow(this.clock);
    await this.bots.changeCommands(botId, async (trx) => {
      await trx.deleteFrom("bot_commands").where("bot_id", "=", botId).execute();
      await trx.deleteFrom("commands_folders").where("bot_id", "=", botId).execute();
      await trx.deleteFrom("bot_libs").where("bot_id", "=", botId).execute();
      await trx.deleteFrom("bot_lib_files").where("bot_id", "=", botId).execute();
      const folderIds = new Map<string, number>();
      const titles = [...new Set([...content.folders, ...content.commands.flatMap((entry) => (entry.folder === null ? [] : [entry.folder]))])];
      for (const title of titles) {
        const row = await trx.insertInto("commands_folders").values({ bot_id: botId, title, created_at: now, updated_at: now }).returning("id").executeTakeFirstOrThrow();
        folderIds.set(title, row.id);
      }
      for (const entry of content.commands) {
        const row = await trx
          .insertInto("bot_commands")
          .values({ bot_id: botId, ...commandValues(entry, folderIds), created_via_csv_import: 0, created_at: now, updated_at: now })
          .returning("id")
          .executeTakeFirstOrThrow();
        if (entry.aliases.length > 0) {
          await trx
            .insertInto("command_aliases")
            .values(entry.aliases.map((command) => ({ bot_id: botId, bot_command_id: row.id, command, created_at: now, updated_at: now })))
            .execute();
        }
      }
      for (const lib of content.libs) {
        const store = libraryOf(lib.name);
        if (store) await trx.insertInto("bot_libs").values({ bot_id: botId, lib_id: store.id, created_at: now }).execute();
        if (lib.source !== null) await trx.insertInto("bot_lib_files").values({ bot_id: botId, name: lib.name, source: lib.source, created_at: now }).execute();
      }
    });
  }
}

/**
 * A bot's libraries from its rows: the store libraries in install order (with the bot's own
 * copy of the source when it has one), then its custom libraries.
 */
export function libEntries(installed: { lib_id: number }[], files: { name: string; source: string }[]): LibEntry[] {
  const sources = new Map(files.map((file) => [file.name, file.source]));
  const storeLibs = installed.flatMap((row) => {
    const lib = libraryOf(row.lib_id);
    return lib ? [{ name: lib.name, source: sources.get(lib.name) ?? null }] : [];
  });
  const custom = files.filter((file) => !storeLibs.some((lib) => lib.name === file.name));
  return [...storeLibs, ...custom];
}

/** A command entry as `bot_commands` values, its folder resolved to an id. */
export function commandValues(entry: CommandEntry, folderIds: Map<string, number>) {
  return {
    command: entry.command,
    help: entry.help,
    answer: entry.answer,
    keyboard_body: entry.keyboard,
    group_title: entry.group,
    need_reply: entry.need_reply ? 1 : 0,
    auto_retry_time: entry.auto_retry_time,
    commands_folder_id: entry.folder === null ? null : (folderIds.get(entry.folder) ?? null),
    code: entry.code,
  };
}
