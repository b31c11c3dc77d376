import { setImmediate as nextTurn } from "node:timers/promises";
import type { Logger } from "pino";
import type { IterationMeter } from "../../accounts/iterations.js";
import type { Bot } from "../../bots/bots.js";
import { parseCommandFields, type CommandStore, type ImportedField } from "../../bots/commands.js";
import type { Folder, FolderStore } from "../../bots/folders.js";
import { vanishedRow } from "../../db/vanished-row.js";
import { AppError, ValidationError } from "../../errors.js";
import type { Task, TaskItemError, TaskStore } from "../tasks.js";
import type { Outbound } from "../outbound.js";
import { downloadCsv } from "./download.js";
import { readSheet, SheetError, type SheetRow } from "./sheet.js";

/** Where the sheet comes from: a URL to download, or the CSV text itself. */
export type CsvSource = { url: string } | { text: string };

/** Iterations a CSV import costs (spec/bjs.md). */
export const CSV_COST = 5;
/** Rows between two progress writes (and turns of the event loop). */
const PROGRESS_EVERY = 25;

/**
 * CSV import as a task (spec/bjs.md §8): each row upserts one command by name, a bad row is
 * reported with its number and the good rows still land, and commands an earlier import
 * created that the sheet no longer names are removed. Counters move while it runs. A bot's
 * imports run one after another: two at once would each remove what the other created.
 */
export class CsvImport {
  private readonly running = new Map<number, Promise<void>>();
  /** Each bot's latest import, which the next one started here waits for. */
  private readonly lastOfBot = new Map<number, Promise<void>>();

  constructor(
    private readonly deps: { tasks: TaskStore; commands: CommandStore; folders: FolderStore; iterations: IterationMeter; log: Logger; outbound: Outbound },
  ) {}

  /** Creates the task and starts it in the background; answers it while pending. A URL that cannot be downloaded from is refused first. */
  async start(bot: Bot, source: CsvSource): Promise<Task> {
    if ("url" in source) this.deps.outbound.check(source.url, "CSV url");
    const task = await this.deps.tasks.create(bot.id, "csv_import");
    const run = (this.lastOfBot.get(bot.id) ?? Promise.resolve())
      .then(() => this.run(bot, task.id, source))
      .catch((error) => this.deps.log.error({ err: error, botId: bot.id, taskId: task.id }, "CSV import failed unexpectedly"))
      .finally(() => {
        this.running.delete(task.id);
        if (this.lastOfBot.get(bot.id) === run) this.lastOfBot.delete(bot.id);
      });
    this.running.set(task.id, run);
    this.lastOfBot.set(bot.id, run);
    return task;
  }

  /** Resolves once that import has ended (at once when it is not running here). */
  async finished(taskId: number): Promise<void> {
    await this.running.get(taskId);
  }

  /** Resolves once every import this process started has ended (shutdown and tests wait on it). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  private async run(bot: Bot, taskId: number, source: CsvSource): Promise<void> {
    const { tasks } = this.deps;
    await tasks.start(taskId);
    const counters = { total: 0, processed: 0, created: 0, updated: 0, removed: 0, skipped: 0 };
    const errors: TaskItemError[] = [];
    try {
      const sheet = await readSheet("url" in source ? await downloadCsv(source.url, this.deps.outbound) : source.text);
      errors.push(...sheet.unreadable);
      counters.total = sheet.rows.length;
      counters.skipped = sheet.unreadable.length;
      await tasks.progress(taskId, counters, errors);
      const seen = new Map<string, number>();
      for (const row of sheet.rows) {
        const problem = await this.importRow(bot.id, row, sheet.fields, seen, counters);
        if (problem) {
          errors.push({ row: row.row, error: problem });
          counters.skipped += 1;
        }
        counters.processed += 1;
        if (counters.processed % PROGRESS_EVERY === 0) {
          await tasks.progress(taskId, counters, errors);
          // SQLite answers without I/O, so a sheet of many rows would hold the event loop (every
          // request waited for a 10,000-row import): the other work gets its turn here.
          await nextTurn();
        }
      }
      // A bad row still names its command: what it names is not removed. A row the reader could
      // not read names nothing we know, so such a sheet removes nothing.
      if (sheet.unreadable.length === 0) counters.removed = await this.deps.commands.removeImportedExcept(bot.id, new Set(seen.keys()));
      await tasks.finish(taskId, { counters, errors });
      await this.deps.iterations.add(bot.owner_id, bot.id, CSV_COST);
    } catch (error) {
      // The bot deleted meanwhile (its rows, the task's included, went with it) is no fault of ours.
      const expected = error instanceof SheetError || error instanceof AppError ? error.message : vanishedRow(error);
      await tasks.finish(taskId, { error: expected ?? "Internal error", counters, errors });
      if (expected === undefined) throw error;
    }
  }

  /** Imports one row; answers what is wrong with it, or undefined when it landed. */
  private async importRow(
    botId: number,
    { row, fields }: SheetRow,
    columns: ReadonlySet<ImportedField>,
    seen: Map<string, number>,
    counters: { created: number; updated: number },
  ): Promise<string | undefined> {
    const name = (fields.command ?? "").trim();
    if (name === "") return "the command cell is blank; this row is skipped";
    const earlier = seen.get(name);
    if (earlier !== undefined) return `command ${name} is already in row ${earlier}; this row is skipped`;
    seen.set(name, row);
    const needReply = String(fields.need_reply ?? "").trim().toLowerCase();
    if (!["", "true", "false"].includes(needReply)) return `need_reply must be true, false or blank, not "${fields.need_reply}"`;
    // A folder is made only for a row that is sound, and unmade when its command is refused (the bot's limit): a skipped row leaves nothing.
    let made: Folder | undefined;
    try {
      const input = parseCommandFields({ ...fields, need_reply: needReply === "true", commands_folder_id: null });
      const folderTitle = fields.folder?.trim();
      const existing = folderTitle ? await this.deps.folders.byTitle(botId, folderTitle) : undefined;
      if (folderTitle && !existing) made = await this.deps.folders.create(botId, folderTitle);
      const folderId = (existing ?? made)?.id ?? null;
      const outcome = await this.deps.commands.upsertImported(botId, { ...input, values: { ...input.values, commands_folder_id: folderId } }, columns);
      counters[outcome] += 1;
      return undefined;
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      if (made) await this.deps.folders.delete(botId, made.id);
      return error.problems.join("; ");
    }
  }
}
