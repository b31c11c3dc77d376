import { z } from "zod";
import type { BotStore } from "../bots/bots.js";
import type { ErrorLog } from "../bots/error-log.js";
import { AppError } from "../errors.js";
import type { InteropService } from "../interop/service.js";
import type { Task } from "../interop/tasks.js";
import type { JobQueue } from "../jobs/job-queue.js";
import { RUN_JOB_KIND, type RunRequest } from "./run-request.js";

/** The job kind of a `Bot.importGit` / `exportGit` / `importCSV` waiting to be done. */
export const INTEROP_JOB_KIND = "bjs_interop";

const interopJobSchema = z.object({
  task: z.enum(["importGit", "exportGit", "importCSV"]),
  branch: z.string().optional(),
  success: z.string().optional(),
  userId: z.number().int().optional(),
  chatId: z.number().int().optional(),
});

/** A Git or CSV task BJS asked for, and where its `success` command runs. */
export type InteropJob = z.infer<typeof interopJobSchema>;

/** A finished task as `options.task` of the `success` command. */
const taskForBjs = (task: Task) => ({ id: task.id, kind: task.kind, status: task.status, total: task.total, created: task.created, updated: task.updated, removed: task.removed, skipped: task.skipped, errors: task.errors });

/**
 * Does the Git and CSV tasks BJS asks for (spec/bjs.md item 38), off the command's run: the
 * same work as the API's endpoints; when it ends, the `success` command runs with the task in
 * `options.task`. A refusal (no remote, no csv_url) goes to the bot's error log.
 */
export function registerInteropJobs(deps: { jobs: JobQueue; bots: BotStore; interop: InteropService; errorLog: Pick<ErrorLog, "record"> }): void {
  deps.jobs.register<InteropJob>(INTEROP_JOB_KIND, async (job) => {
    const { task, branch, success, userId, chatId } = interopJobSchema.parse(job.payload);
    const bot = await deps.bots.byId(job.botId);
    if (!bot) return;
    let done: Task;
    try {
      if (task === "importCSV") {
        done = await deps.interop.importCSV(bot);
        await deps.interop.idle();
      } else done = task === "importGit" ? await deps.interop.importGit(bot, { branch }) : (await deps.interop.exportGit(bot, { branch })).task;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await deps.errorLog.record(job.botId, { message: `Bot.${task}: ${error.message}`, trigger: "interop", group_key: `interop:${task}` });
      return;
    }
    if (!success) return;
    const finished = (await deps.interop.tasks.byId(job.botId, done.id)) ?? done;
    const run: RunRequest = { botId: job.botId, command: { name: success.split(" ")[0]! }, trigger: "scheduled", options: { task: taskForBjs(finished) } as unknown as RunRequest["options"], attempt: 1, userId, chatId, message: success };
    await deps.jobs.enqueue([{ kind: RUN_JOB_KIND, botId: job.botId, payload: run }]);
  });
}
