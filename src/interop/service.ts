import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { IterationMeter } from "../accounts/iterations.js";
import type { User } from "../accounts/users.js";
import type { Bot, BotService } from "../bots/bots.js";
import type { CommandStore } from "../bots/commands.js";
import type { ErrorLog } from "../bots/error-log.js";
import type { FolderStore } from "../bots/folders.js";
import { storeBotContent, type StoreBot } from "../catalog/store-bots.js";
import type { Clock } from "../clock.js";
import type { Schema } from "../db/schema.js";
import { ValidationError } from "../errors.js";
import { BotContentStore } from "./bot-content.js";
import { copyBot } from "./copy.js";
import { CsvImport, type CsvSource } from "./csv/csv-import.js";
import { GitSync, type GitRequest } from "./git/git-sync.js";
import { Outbound } from "./outbound.js";
import { TaskStore, type Task } from "./tasks.js";

export interface InteropDeps {
  db: Kysely<Schema>;
  bots: BotService;
  commands: CommandStore;
  folders: FolderStore;
  errorLog: ErrorLog;
  iterations: IterationMeter;
  clock: Clock;
  log: Logger;
  /** Reach private addresses (a git server on the same network; tests on loopback). */
  allowPrivateUrls: boolean;
}

/**
 * Bots moving in and out: Git export and import, CSV import, copies and store installs. The
 * API routes call it, and so does BJS (`Bot.exportGit`, `Bot.importGit`, `Bot.importCSV`, as jobs).
 */
export class InteropService {
  readonly tasks: TaskStore;
  readonly content: BotContentStore;
  readonly git: GitSync;
  readonly csv: CsvImport;
  private readonly outbound: Outbound;

  constructor(private readonly deps: InteropDeps) {
    this.outbound = new Outbound(deps.allowPrivateUrls);
    this.tasks = new TaskStore(deps.db, deps.clock);
    this.content = new BotContentStore(deps.db, deps.bots.store, deps.clock);
    this.git = new GitSync({ content: this.content, bots: deps.bots.store, tasks: this.tasks, errorLog: deps.errorLog, iterations: deps.iterations, clock: deps.clock, outbound: this.outbound, commandsLimit: deps.commands.limit });
    this.csv = new CsvImport({ tasks: this.tasks, commands: deps.commands, folders: deps.folders, iterations: deps.iterations, log: deps.log, outbound: this.outbound });
  }

  /** Fails the tasks a previous process left unfinished; call once at start. */
  recoverInterrupted(): Promise<number> {
    return this.tasks.failInterrupted();
  }

  /** Pushes the bot to its git_remote; answers the finished task and the branch written. */
  exportGit(bot: Bot, options: GitRequest = {}): Promise<{ task: Task; branch: string }> {
    return this.git.export(bot, options);
  }

  /** Replaces the bot's commands, folders and libraries from its git_remote; answers the finished task. */
  importGit(bot: Bot, options: GitRequest = {}): Promise<Task> {
    return this.git.import(bot, options);
  }

  /** Starts a CSV import from the source given, else the bot's csv_url; answers the pending task. */
  importCSV(bot: Bot, source?: CsvSource): Promise<Task> {
    const from = source ?? (bot.csv_url ? { url: bot.csv_url } : undefined);
    if (!from) throw new ValidationError(["The bot has no csv_url: give csv_url or a text/csv body"]);
    return this.csv.start(bot, from);
  }

  /** `Bot.importCSV()` from a job: the import run to its end; answers the finished task (done or failed). */
  async importCSVToEnd(bot: Bot, source?: CsvSource): Promise<Task> {
    const task = await this.importCSV(bot, source);
    await this.csv.finished(task.id);
    return (await this.tasks.byId(bot.id, task.id))!;
  }

  /** Copy Bot: a new stopped bot of the owner with the source's code and bot-wide data. */
  copy(owner: User, source: Bot, name?: string): Promise<Bot> {
    return copyBot({ db: this.deps.db, bots: this.deps.bots, content: this.content, clock: this.deps.clock }, owner, source, name);
  }

  /** Installs a demo bot as a new bot of the owner (a token makes it ready to start). */
  async install(owner: User, storeBot: StoreBot, options: { name?: string; token?: string | null }): Promise<Bot> {
    const content = await storeBotContent(storeBot);
    const bot = await this.deps.bots.create(owner, { name: options.name?.trim() || storeBot.name, token: options.token });
    try {
      await this.content.replace(bot.id, content);
      await this.deps.bots.store.update(bot.id, { store_bot_id: storeBot.id });
    } catch (error) {
      await this.deps.bots.delete(bot);
      throw error;
    }
    return bot;
  }

  /** Waits for background imports to end. */
  idle(): Promise<void> {
    return this.csv.idle();
  }

  /** Lets running imports finish, then closes the connections to remotes. */
  async close(): Promise<void> {
    await this.idle();
    await this.outbound.dispatcher.close();
  }
}
