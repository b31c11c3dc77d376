import { sql, type Kysely, type Selectable } from "kysely";
import { isUniqueViolation } from "../accounts/users.js";
import { isoNow, type Clock } from "../clock.js";
import type { BotCommandsTable, CommandAliasesTable, Schema } from "../db/schema.js";
import { fetchPage, type Page, type Window } from "../db/paging.js";
import { NotFoundError, ValidationError } from "../errors.js";
import { wholeNumberOf } from "../whole-number.js";
import type { BotStore } from "./bots.js";
import type { Folder, FolderStore } from "./folders.js";

/** A command row: what the runtime needs to run it. */
export type CommandRow = Selectable<BotCommandsTable>;

/** An alias of a command, trimmed and lower-cased. */
export type Alias = Selectable<CommandAliasesTable>;

/** A command with its aliases and folder, as the API shows it. */
export type Command = CommandRow & { aliases: Alias[]; folder: Folder | null };

/** The command fields in the API's request names (also what CSV and Git imports produce). */
export interface CommandFields {
  command: string;
  /** Comma-separated. */
  aliases?: string | null;
  answer?: string | null;
  group?: string | null;
  help?: string | null;
  keyboard_body?: string | null;
  /** null (or "") = the root. */
  commands_folder_id?: number | string | null;
  /** Seconds; `""` means none. */
  auto_retry_time?: string | number | null;
  bjs_code?: string | null;
  /** Another name for `bjs_code`: the name the answer uses, so a command sent back as read keeps its code. */
  code?: string | null;
  need_reply?: boolean | "true" | "false" | null;
}

/** A command's content, checked and normalised, ready to store. */
export interface CommandInput {
  command: string;
  aliases: string[];
  values: Pick<CommandRow, "help" | "answer" | "keyboard_body" | "group_title" | "need_reply" | "auto_retry_time" | "commands_folder_id" | "code">;
}

/** A field an import may set on a command it finds by name: one of its stored values, or its aliases. */
export type ImportedField = keyof CommandInput["values"] | "aliases";

/** Which commands a listing shows: a folder (null = the root) and a search in names and aliases. */
export interface CommandFilter {
  folderId?: number | null;
  q?: string;
}

/** The names the router treats specially (spec/bjs.md §1.2). */
export const SPECIAL_COMMANDS = ["*", "@", "@@", "!", "/inlineQuery"] as const;

const MAX_NAME = 255;
/** Aliases one command may have: routing keeps them all in memory, and one insert of thousands passes the engines' parameter limits. */
const MAX_ALIASES = 100;
const FOREIGN_FOLDER = "Commands folder must be a folder of this bot";

/** What is wrong with a command's name, or undefined (the API, CSV and Git imports share the rule). */
export function commandNameProblem(command: string): string | undefined {
  if (command === "") return "Command can't be blank";
  if (command.length > MAX_NAME) return `Command is too long (maximum is ${MAX_NAME} characters)`;
  return undefined;
}

/** What is wrong with a command's parsed aliases, or undefined. */
export function aliasesProblem(aliases: string[]): string | undefined {
  if (aliases.length > MAX_ALIASES) return `Aliases are too many (a command may have ${MAX_ALIASES} at most)`;
  if (aliases.some((alias) => alias.length > MAX_NAME)) return `Aliases are too long (maximum is ${MAX_NAME} characters each)`;
  return undefined;
}

/**
 * The longest answer, help or keyboard text. Each is sent as one Telegram message (4,096
 * characters at most), so no working bot comes near it; past it, a bot's command list would
 * grow to megabytes per page.
 */
export const MAX_COMMAND_TEXT = 64 * 1024;

/** What is wrong with a command's answer, help and keyboard texts (the API, CSV and Git imports share the rule). */
export function commandTextProblems(texts: Record<"Answer" | "Help" | "Keyboard", string | null | undefined>): string[] {
  return Object.entries(texts).flatMap(([name, text]) => ((text?.length ?? 0) > MAX_COMMAND_TEXT ? [`${name} is too long (maximum is ${MAX_COMMAND_TEXT} characters)`] : []));
}

/**
 * The longest BJS code of one command. The platform keeps a bot's code in memory to route and
 * run its updates, and puts a command's code together for every run: a body of megabytes cost
 * every update of its bot hundreds of milliseconds of the platform's thread. Bots.Business
 * bots keep commands to a few kilobytes.
 */
export const MAX_COMMAND_CODE = 256 * 1024;
/**
 * What one bot's commands (code, answers, keyboards, help) and own library copies may hold in
 * all, in characters: the platform keeps them in memory, and a few thousand commands at their
 * caps would fill it.
 */
export const MAX_BOT_TEXT = 8 * 1024 * 1024;

/** What is wrong with a command's code (the API, CSV and Git imports share the rule), or undefined. */
export function codeProblem(code: string | null | undefined): string | undefined {
  return (code?.length ?? 0) > MAX_COMMAND_CODE ? `Code is too long (maximum is ${MAX_COMMAND_CODE} characters)` : undefined;
}

/** The refusal of a bot past MAX_BOT_TEXT characters in all, or undefined. */
export function botTextProblem(characters: number): string | undefined {
  if (characters <= MAX_BOT_TEXT) return undefined;
  return `A bot's commands and libraries (code, answers, keyboards, help) may hold ${MAX_BOT_TEXT} characters in all; this would make ${characters}`;
}

/** The characters of a command's texts (its code, answer, help, keyboard), as they count against MAX_BOT_TEXT. */
export function textCharacters(...texts: (string | null)[]): number {
  let characters = 0;
  for (const text of texts) characters += text?.length ?? 0;
  return characters;
}

/** The longest auto retry: as far ahead as `Bot.run` may schedule (a much later run cannot be scheduled at all). */
export const MAX_AUTO_RETRY_S = 365 * 24 * 3600;

/** An auto retry time as given (seconds as a number or digits); empty, or 0, is none (spec/bjs.md §1.12: "setting 0 stops it"). */
export function autoRetryOf(value: number | string | null | undefined): number | null {
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) return null;
  // A sheet or a hand-edited file may write a whole number as "600.0".
  const seconds = wholeNumberOf(typeof value === "string" ? value.trim().replace(/^(\d+)\.0+$/, "$1") : value);
  return seconds === 0 ? null : seconds;
}

/** What is wrong with an auto retry time in seconds (null: none), or undefined. */
export function autoRetryProblem(seconds: number | null): string | undefined {
  if (seconds === null) return undefined;
  if (!(Number.isSafeInteger(seconds) && seconds > 0)) return "Auto retry time must be a positive whole number of seconds";
  if (seconds > MAX_AUTO_RETRY_S) return `Auto retry time must be at most ${MAX_AUTO_RETRY_S} seconds (a year)`;
  return undefined;
}

/** The refusal of one command more than a bot may have. */
function tooManyCommands(limit: number): ValidationError {
  return new ValidationError([`A bot may have ${limit} commands at most; delete one first`]);
}

/** Splits a comma string into aliases: trimmed, lower-cased, without blanks or repeats. */
export function parseAliases(aliases: string | null | undefined): string[] {
  const names = (aliases ?? "").split(",").map((alias) => alias.trim().toLowerCase());
  return [...new Set(names.filter((alias) => alias !== ""))];
}

const blankToNull = (text: string | null | undefined): string | null => (text === undefined || text === null || text === "" ? null : text);

/** The BJS of a body, sent as `bjs_code` or `code`; both at once must agree. */
function codeOf(fields: CommandFields, problems: string[]): string | null {
  const bjsCode = blankToNull(fields.bjs_code);
  const code = blankToNull(fields.code);
  if (fields.bjs_code !== undefined && fields.code !== undefined && bjsCode !== code) {
    problems.push("Bjs code and code differ; send the command's BJS under one of them");
  }
  return bjsCode ?? code;
}

/**
 * Checks a command body and maps it to stored values. Fields left out become empty (a PUT is
 * a full replace). All problems are reported at once.
 */
export function parseCommandFields(fields: CommandFields): CommandInput {
  const problems: string[] = [];
  const command = fields.command.trim();
  const aliases = parseAliases(fields.aliases);
  for (const problem of [commandNameProblem(command), aliasesProblem(aliases)]) if (problem) problems.push(problem);
  const autoRetry = autoRetryOf(fields.auto_retry_time);
  const retryProblem = autoRetryProblem(autoRetry);
  if (retryProblem) problems.push(retryProblem);
  // 0 is the root, as in a listing's filter.
  const folder = fields.commands_folder_id;
  const folderId = folder === undefined || folder === null || folder === "" || wholeNumberOf(folder) === 0 ? null : wholeNumberOf(folder);
  if (folderId !== null && !(Number.isSafeInteger(folderId) && folderId > 0)) problems.push(FOREIGN_FOLDER);
  const answer = blankToNull(fields.answer);
  const keyboard = blankToNull(fields.keyboard_body);
  problems.push(...commandTextProblems({ Answer: answer, Help: fields.help, Keyboard: keyboard }));
  const code = codeOf(fields, problems);
  const tooLong = codeProblem(code);
  if (tooLong) problems.push(tooLong);
  if (problems.length > 0) throw new ValidationError(problems);
  return {
    command,
    aliases,
    values: {
      help: blankToNull(fields.help),
      answer,
      keyboard_body: keyboard,
      group_title: blankToNull(fields.group?.trim()),
      need_reply: fields.need_reply === true || fields.need_reply === "true" ? 1 : 0,
      auto_retry_time: autoRetry,
      commands_folder_id: folderId,
      code,
    },
  };
}

/** `%` and `_` match themselves in a LIKE search. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A bot's commands and their aliases, as the API lists and edits them (the router reads them through runtime/command-books.ts). */
export class CommandStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly folders: FolderStore,
    private readonly bots: BotStore,
    private readonly clock: Clock,
    /** Commands one bot may have (BOT_COMMANDS_LIMIT). */
    readonly limit: number,
  ) {}

  /** One page of the bot's commands in id order, filtered by folder and by a search in names and aliases. */
  async list(botId: number, filter: CommandFilter, window: Window): Promise<Page<Command>> {
    let query = this.db.selectFrom("bot_commands").where("bot_id", "=", botId).orderBy("id");
    if (filter.folderId !== undefined) {
      query = filter.folderId === null ? query.where("commands_folder_id", "is", null) : query.where("commands_folder_id", "=", filter.folderId);
    }
    if (filter.q) {
      // Found here, not by the engine, which lower-cases ASCII only: "старт" must find "/Старт". A bot has a few thousand commands at most.
      const needle = filter.q.toLowerCase();
      const [candidates, aliased] = await Promise.all([
        query.select(["id", "command"]).execute(),
        this.db.selectFrom("command_aliases").select("bot_command_id").where("bot_id", "=", botId).where(sql<boolean>`${sql.ref("command")} like ${likePattern(needle)} escape '\\'`).execute(),
      ]);
      const byAlias = new Set(aliased.map((row) => row.bot_command_id));
      const found = candidates.filter((row) => byAlias.has(row.id) || row.command.toLowerCase().includes(needle)).map((row) => row.id);
      const ids = found.slice(window.offset, window.offset + window.limit);
      const rows = ids.length === 0 ? [] : await this.db.selectFrom("bot_commands").selectAll().where("id", "in", ids).orderBy("id").execute();
      return { items: await this.hydrate(botId, rows), total: found.length };
    }
    const page = await fetchPage(query.selectAll(), window);
    return { items: await this.hydrate(botId, page.items), total: page.total };
  }

  /** The bot's command with that id, with aliases and folder. */
  async byId(botId: number, id: number): Promise<Command | undefined> {
    const row = await this.db.selectFrom("bot_commands").selectAll().where("bot_id", "=", botId).where("id", "=", id).executeTakeFirst();
    return row && (await this.hydrate(botId, [row]))[0];
  }

  /** The command just written, read back; a delete that got in meanwhile makes it a 404, not a crash. */
  private async written(botId: number, id: number): Promise<Command> {
    const command = await this.byId(botId, id);
    if (!command) throw new NotFoundError("Command");
    return command;
  }

  /** Creates a command; its name must be new in the bot and its folder the bot's own. */
  async create(botId: number, input: CommandInput): Promise<Command> {
    const now = isoNow(this.clock);
    const id = await this.write(botId, input, async (trx) => {
      await this.checkRoom(trx, botId);
      const row = await trx
        .insertInto("bot_commands")
        .values({ bot_id: botId, command: input.command, ...input.values, created_via_csv_import: 0, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      return row.id;
    });
    return this.written(botId, id);
  }

  /** Replaces every field of a command (a PUT); its aliases are replaced too. */
  async replace(botId: number, id: number, input: CommandInput): Promise<Command> {
    await this.write(botId, input, async (trx) => {
      const result = await trx
        .updateTable("bot_commands")
        .set({ command: input.command, ...input.values, updated_at: isoNow(this.clock) })
        .where("bot_id", "=", botId)
        .where("id", "=", id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw new NotFoundError("Command");
      await trx.deleteFrom("command_aliases").where("bot_command_id", "=", id).execute();
      return id;
    });
    return this.written(botId, id);
  }

  /** The bot's commands that run by themselves (auto retry), with their intervals and whether they hold code (one past 256 characters comes back as `code`, unread). */
  autoRetrying(botId: number): Promise<Pick<CommandRow, "id" | "command" | "auto_retry_time" | "code">[]> {
    // Only whether there is code matters here, and every command write asks: a long code (up to 8 MB) is not read, only said to be there.
    const code = sql<string | null>`case when length(code) > 256 then 'code' else code end`.as("code");
    return this.db.selectFrom("bot_commands").select(["id", "command", "auto_retry_time", code]).where("bot_id", "=", botId).where("auto_retry_time", "is not", null).orderBy("id").execute();
  }

  /** Records that the command just ran by itself (auto retry); routing does not read it, so commands_version stays. */
  async markAutoRetried(botId: number, id: number): Promise<void> {
    await this.db.updateTable("bot_commands").set({ last_auto_retry_at: isoNow(this.clock) }).where("bot_id", "=", botId).where("id", "=", id).execute();
  }

  /** Deletes a command and its aliases. */
  async delete(botId: number, id: number): Promise<void> {
    await this.bots.changeCommands(botId, async (trx) => {
      const result = await trx.deleteFrom("bot_commands").where("bot_id", "=", botId).where("id", "=", id).executeTakeFirst();
      if (result.numDeletedRows === 0n) throw new NotFoundError("Command");
    });
  }

  /**
   * Creates or updates the command of that name from an import row (CSV). A new command is
   * flagged as created by the import; an existing one keeps its flag, and only `fields` (the
   * sheet's columns) change: a sheet without a code column leaves the code. Answers which it did.
   */
  async upsertImported(botId: number, input: CommandInput, fields: ReadonlySet<ImportedField>): Promise<"created" | "updated"> {
    const now = isoNow(this.clock);
    const existing = await this.db.selectFrom("bot_commands").select("id").where("bot_id", "=", botId).where("command", "=", input.command).executeTakeFirst();
    if (existing) {
      const values = Object.fromEntries(Object.entries(input.values).filter(([field]) => fields.has(field as ImportedField)));
      const aliases = fields.has("aliases") ? input.aliases : [];
      await this.write(botId, { ...input, aliases }, async (trx) => {
        await trx.updateTable("bot_commands").set({ ...values, last_csv_import_at: now, updated_at: now }).where("id", "=", existing.id).execute();
        if (fields.has("aliases")) await trx.deleteFrom("command_aliases").where("bot_command_id", "=", existing.id).execute();
        return existing.id;
      });
      return "updated";
    }
    await this.write(botId, input, async (trx) => {
      await this.checkRoom(trx, botId);
      const row = await trx
        .insertInto("bot_commands")
        .values({ bot_id: botId, command: input.command, ...input.values, created_via_csv_import: 1, last_csv_import_at: now, created_at: now, updated_at: now })
        .returning("id")
        .executeTakeFirstOrThrow();
      return row.id;
    });
    return "created";
  }

  /** Deletes the commands an import created whose names are not in `keep`; answers how many went. */
  async removeImportedExcept(botId: number, keep: Set<string>): Promise<number> {
    const imported = await this.db.selectFrom("bot_commands").select(["id", "command"]).where("bot_id", "=", botId).where("created_via_csv_import", "=", 1).execute();
    const gone = imported.filter((row) => !keep.has(row.command)).map((row) => row.id);
    if (gone.length === 0) return 0;
    await this.bots.changeCommands(botId, (trx) => trx.deleteFrom("bot_commands").where("bot_id", "=", botId).where("id", "in", gone).execute());
    return gone.length;
  }

  /** Refuses one command more than the limit; inside the write's transaction, which holds the bot's row, so parallel creates cannot pass it. */
  private async checkRoom(trx: Kysely<Schema>, botId: number): Promise<void> {
    const { n } = await trx.selectFrom("bot_commands").select((eb) => eb.fn.countAll<number>().as("n")).where("bot_id", "=", botId).executeTakeFirstOrThrow();
    if (Number(n) >= this.limit) throw tooManyCommands(this.limit);
  }

  /** Refuses a write that leaves the bot past MAX_BOT_TEXT; after the row is written, inside its transaction (rolled back then). */
  private async checkTextRoom(trx: Kysely<Schema>, botId: number): Promise<void> {
    const length = (column: string) => sql`coalesce(length(${sql.ref(column)}), 0)`;
    const sum = async (table: "bot_commands" | "bot_lib_files", characters: ReturnType<typeof sql>) => {
      const { n } = await trx.selectFrom(table).select(sql<number | string | null>`sum(${characters})`.as("n")).where("bot_id", "=", botId).executeTakeFirstOrThrow();
      return Number(n ?? 0);
    };
    const commands = await sum("bot_commands", sql`${length("code")} + ${length("answer")} + ${length("help")} + ${length("keyboard_body")}`);
    const problem = botTextProblem(commands + (await sum("bot_lib_files", length("source"))));
    if (problem) throw new ValidationError([problem]);
  }

  /** Writes a command row and its aliases in one transaction, mapping key violations to sentences. */
  private async write(botId: number, input: CommandInput, writeRow: (trx: Kysely<Schema>) => Promise<number>): Promise<number> {
    const folderId = input.values.commands_folder_id;
    if (folderId !== null && !(await this.folders.byId(botId, folderId))) {
      throw new ValidationError([FOREIGN_FOLDER]);
    }
    try {
      return await this.bots.changeCommands(botId, async (trx) => {
        const id = await writeRow(trx);
        await this.checkTextRoom(trx, botId);
        if (input.aliases.length > 0) {
          const now = isoNow(this.clock);
          await trx
            .insertInto("command_aliases")
            .values(input.aliases.map((command) => ({ bot_id: botId, bot_command_id: id, command, created_at: now, updated_at: now })))
            .execute();
        }
        return id;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new ValidationError(["Command has already been taken"]);
      throw error;
    }
  }

  /** Adds aliases and folders to command rows, with one query each. */
  private async hydrate(botId: number, rows: CommandRow[]): Promise<Command[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const aliases = await this.db.selectFrom("command_aliases").selectAll().where("bot_command_id", "in", ids).orderBy("id").execute();
    const folderIds = [...new Set(rows.flatMap((row) => (row.commands_folder_id === null ? [] : [row.commands_folder_id])))];
    const folders = await this.folders.byIds(botId, folderIds);
    return rows.map((row) => ({
      ...row,
      aliases: aliases.filter((alias) => alias.bot_command_id === row.id),
      folder: row.commands_folder_id === null ? null : (folders.get(row.commands_folder_id) ?? null),
    }));
  }
}
