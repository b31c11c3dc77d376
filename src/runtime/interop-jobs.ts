import { z } from "zod";
import type { Bot } from "../bots/bots.js";
import type { ErrorLog } from "../bots/error-log.js";
import { AppError } from "../errors.js";
import type { InteropService } from "../interop/service.js";
import type { Task } from "../interop/tasks.js";
import type { JobQueue } from "../jobs/job-queue.js";
import type { InteropAction } from "./actions.js";
import type { Processor } from "./processor.js";
import { enqueueCallback } from "./run-jobs.js";

/** The job kind of a `Bot.importGit`, `Bot.exportGit` or `Bot.importCSV` waiting to be done. */
export const INTEROP_JOB_KIND = "interop";

const interopJobSchema = z.object({
  operation: z.enum(["importGit", "exportGit", "importCSV"]),
  branch: z.string().optional(),
  url: z.string().optional(),
  success: z.string().optional(),
  error: z.string().optional(),
  options: z.json(),
  userId: z.number().int().optional(),
  chatId: z.number().int().optional(),
});

/** An import or export BJS asked for, as stored: what to do, its callbacks, and where they run. */
export type InteropJob = z.infer<typeof interopJobSchema>;

/** The job of an interop action, run in the caller's user and chat. */
export function interopJob(action: InteropAction, where: { userId?: number; chatId?: number }): InteropJob {
  const { type, success, error, options, ...source } = action;
  return { operation: type, ...source, success, error, options: (options ?? null) as InteropJob["options"], ...where };
}

/** What a callback reads in `options.task`: the task as `GET .../tasks/{id}` shows it, in short. */
function taskSummary(task: Task) {
  const { id, kind, status, total, processed, created, updated, removed, skipped, errors, error } = task;
  return { id, kind, status, total, processed, created, updated, removed, skipped, errors, error };
}

/**
 * The handler of BJS's imports and exports (spec/bjs.md item 38, §8): each runs as a job, so
 * it survives a restart, while the bot works and within its owner's quota, on the bot's own
 * git_remote or csv_url (never another bot), through the interop services (which charge
 * their 5 iterations and keep a task row). Then `success` runs with `options.task` (and
 * `options.branch` for an export), or `error` with `options.error`; either with the caller's
 * options as `options.bb_options`. A failure is in the bot's error log too, as HTTP's are.
 */
export function registerInteropJobs(deps: {
  jobs: JobQueue;
  interop: Pick<InteropService, "importGit" | "exportGit" | "importCSVToEnd">;
  processor: Pick<Processor, "runnable">;
  errorLog: Pick<ErrorLog, "record">;
}): void {
  const { jobs, interop, processor, errorLog } = deps;
  jobs.register<InteropJob>(INTEROP_JOB_KIND, async (job) => {
    const request = interopJobSchema.parse(job.payload);
    // As every run: only while the bot works and its owner has iterations left.
    const running = await processor.runnable(job.botId);
    if (typeof running === "string") return;
    const bot = running.row;
    let outcome: { callback?: string; result: Record<string, unknown> };
    try {
      outcome = { callback: request.success, result: await perform(interop, bot, request) };
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await errorLog.record(bot.id, { message: `Bot.${request.operation} failed: ${error.message}`, trigger: request.operation, group_key: `interop:${request.operation}` });
      outcome = { callback: request.error, result: { error: error.message } };
    }
    if (!outcome.callback) return;
    const options = { ...outcome.result, bb_options: request.options } as InteropJob["options"];
    await enqueueCallback(jobs, job, { botId: bot.id, text: outcome.callback, trigger: "interop_callback", options, userId: request.userId, chatId: request.chatId });
  });
}

/** Does the operation; answers what `success` reads, or throws an AppError with why it failed. */
async function perform(interop: Pick<InteropService, "importGit" | "exportGit" | "importCSVToEnd">, bot: Bot, request: InteropJob): Promise<Record<string, unknown>> {
  switch (request.operation) {
    case "importGit":
      return { task: taskSummary(await interop.importGit(bot, { branch: request.branch })) };
    case "exportGit": {
      const { task, branch } = await interop.exportGit(bot, { branch: request.branch });
      return { task: taskSummary(task), branch };
    }
    case "importCSV": {
      const task = await interop.importCSVToEnd(bot, request.url === undefined ? undefined : { url: request.url });
      if (task.status === "failed") throw new ImportFailed(task.error ?? "The CSV import failed");
      return { task: taskSummary(task) };
    }
  }
}

/** A CSV import that ended failed (its task says why). */
class ImportFailed extends AppError {}
