import type { IterationMeter } from "../../accounts/iterations.js";
import type { Bot, BotStore } from "../../bots/bots.js";
import type { ErrorLog } from "../../bots/error-log.js";
import type { Clock } from "../../clock.js";
import { AppError, NotFoundError, ValidationError } from "../../errors.js";
import type { BotContentStore } from "../bot-content.js";
import type { Outbound } from "../outbound.js";
import type { Task, TaskCounters, TaskItemError, TaskStore } from "../tasks.js";
import { checkRemote, fetchRepositoryFiles, pushRepositoryFiles, withoutCredentials, type CheckedRemote } from "./remote.js";
import { readRepository, RepositoryProblems, writeRepository } from "./repository.js";

/** What a client gives for an import or export; the bot's `git_remote` stands in for a missing URL. */
export interface GitRequest {
  repo_url?: string | null;
  branch?: string | null;
  token?: string | null;
}

/** Iterations an import or an export costs (spec/bjs.md: 5 each). */
export const GIT_COST = 5;

/**
 * A branch name git takes (git check-ref-format --branch): any text but control characters,
 * space and `~^:?*[\`; no part starting with a dot, no leading dash, no `..`, `//`, `@{` or
 * part ending `.lock`, not `HEAD` or `@`, no dot or slash at the end.
 */
const BRANCH = /^(?![-/.])(?!HEAD$|@$|.*@\{|.*\/\/|.*\.\.|.*\/\.|.*\.lock(\/|$)|.*[/.]$)[^\x00-\x20\x7f~^:?*[\\]{1,200}$/;

/**
 * Git import and export of a bot (spec/git-format.md). Each runs as a task row, so its status
 * survives the request; import reads and checks the whole repository before the bot changes,
 * then replaces the bot's commands, folders and libraries in one transaction.
 */
export class GitSync {
  constructor(
    private readonly deps: {
      content: BotContentStore;
      bots: BotStore;
      tasks: TaskStore;
      errorLog: ErrorLog;
      iterations: IterationMeter;
      clock: Clock;
      outbound: Outbound;
      /** Commands one bot may have. */
      commandsLimit: number;
    },
  ) {}

  /** Imports the repository into the bot; a bad repository throws a ValidationError naming each file and line, and changes nothing. */
  async import(bot: Bot, request: GitRequest): Promise<Task> {
    const remote = await this.remoteOf(bot, request);
    return this.asTask(bot, "git_import", async (taskId) => {
      const files = await fetchRepositoryFiles(remote, this.deps.outbound);
      await this.deps.tasks.progress(taskId, { total: files.size });
      let read;
      try {
        read = readRepository(files);
      } catch (error) {
        if (error instanceof RepositoryProblems) throw new ValidationError(error.problems);
        throw error;
      }
      const { commandsLimit } = this.deps;
      if (read.content.commands.length > commandsLimit) {
        throw new ValidationError([`The repository has ${read.content.commands.length} commands; a bot may have ${commandsLimit} at most`]);
      }
      await this.deps.content.replace(bot.id, read.content);
      // bot.json's name and csv_url are the bot's from now on (spec/bjs.md §8); its git_remote is not.
      // An export writes the bot's username as its name: the bot's own export renames nothing.
      const { csv_url } = read.descriptor;
      const name = read.descriptor.name?.toLowerCase() === bot.username?.toLowerCase() ? undefined : read.descriptor.name;
      if (name !== undefined || csv_url !== undefined) await this.deps.bots.update(bot.id, { ...(name !== undefined && { name }), ...(csv_url !== undefined && { csv_url }) });
      for (const note of read.notes) await this.deps.errorLog.record(bot.id, { message: `Git import: ${note}`, trigger: "git_import" });
      return {
        counters: { processed: files.size, created: read.content.commands.length, skipped: read.notes.length },
        errors: read.notes.map((note) => ({ file: note.slice(0, note.indexOf(":")), error: note.slice(note.indexOf(":") + 2) })),
      };
    });
  }

  /** Pushes the bot as a full snapshot to the branch given, or to a new `BB_Export_<unix time>` branch; answers the branch. */
  async export(bot: Bot, request: GitRequest): Promise<{ task: Task; branch: string }> {
    const timestamp = Math.floor(this.deps.clock.now() / 1000);
    const remote = { ...(await this.remoteOf(bot, request)), branch: request.branch?.trim() || `BB_Export_${timestamp}` };
    const task = await this.asTask(bot, "git_export", async () => {
      const content = await this.deps.content.read(bot.id);
      // A URL may carry a password or token (`https://user:token@host/...`): the repository gets it without.
      const shareable = (url: string | null) => url && (withoutCredentials(url) ?? url);
      const files = writeRepository(content, { name: bot.username ?? bot.name, csv_url: shareable(bot.csv_url), git_remote: shareable(bot.git_remote) });
      await pushRepositoryFiles(remote, files, { message: `Bots.Business export for bot id: ${bot.id}`, timestamp }, this.deps.outbound);
      return { counters: { total: files.size, processed: files.size } };
    });
    return { task, branch: remote.branch };
  }

  /** The remote a request names, refused before any task starts when the request or its URL is not one to try. */
  private async remoteOf(bot: Bot, request: GitRequest): Promise<CheckedRemote> {
    const url = request.repo_url?.trim() || bot.git_remote;
    if (!url) throw new ValidationError(["Repo url can't be blank (give repo_url or set the bot's git_remote)"]);
    const branch = request.branch?.trim() || undefined;
    if (branch !== undefined && !BRANCH.test(branch)) throw new ValidationError(["Branch is not a valid branch name"]);
    return checkRemote({ url, branch, token: request.token || undefined }, this.deps.outbound);
  }

  /** Runs `work` as a task of the bot: running, then done (charging its iterations) or failed with the reason, which is rethrown. */
  private async asTask(
    bot: Bot,
    kind: "git_import" | "git_export",
    work: (taskId: number) => Promise<{ counters: TaskCounters; errors?: TaskItemError[] }>,
  ): Promise<Task> {
    const { tasks } = this.deps;
    const task = await tasks.create(bot.id, kind);
    await tasks.start(task.id);
    try {
      const outcome = await work(task.id);
      await tasks.finish(task.id, outcome);
      await this.deps.iterations.add(bot.owner_id, bot.id, GIT_COST);
    } catch (error) {
      const reason = error instanceof AppError ? error.message : "Internal error";
      await tasks.finish(task.id, { error: reason });
      throw error;
    }
    const finished = await tasks.byId(bot.id, task.id);
    // The bot was deleted meanwhile, its tasks with it.
    if (!finished) throw new NotFoundError("Bot");
    return finished;
  }
}
