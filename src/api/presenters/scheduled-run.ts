import { z } from "zod";
import type { Job } from "../../jobs/job-queue.js";
import { RUN_TRIGGERS, type RunRequest } from "../../runtime/run-request.js";

/** ScheduledRun (ours): a run waiting in the job layer (`Bot.run` with `run_after`, auto retry, callbacks). */
export const scheduledRunSchema = z.object({
  id: z.number(),
  command: z.string().nullable().describe("The command's name, when the run names it"),
  command_id: z.number().nullable().describe("The command's id, when the run names it by id"),
  trigger: z.enum(RUN_TRIGGERS),
  label: z.string().nullable(),
  run_at: z.string().describe("When it is due (ISO 8601); it runs at that moment or soon after"),
  chat_id: z.number().nullable(),
  user_id: z.number().nullable(),
  options: z.unknown().describe("What the run gets as `options`; for an admin panel's on_saving run, only `panel_name` (the saved values can hold passwords)"),
  attempt: z.number().describe("1, or more when earlier tries failed"),
  created_at: z.string(),
});

export function presentScheduledRun(job: Job<RunRequest>): z.infer<typeof scheduledRunSchema> {
  const run = job.payload;
  return {
    id: job.id,
    command: "name" in run.command ? run.command.name : null,
    command_id: "id" in run.command ? run.command.id : null,
    trigger: run.trigger,
    label: job.label,
    run_at: new Date(job.runAt).toISOString(),
    chat_id: run.chatId ?? null,
    user_id: run.userId ?? null,
    options: shownOptions(run),
    attempt: job.attempts + 1,
    created_at: job.createdAt,
  };
}

/** A panel save's values can hold passwords: the listing shows which panel, not what was saved. */
function shownOptions(run: RunRequest): unknown {
  if (run.trigger !== "panel_saved") return run.options ?? null;
  const { panel_name } = (run.options ?? {}) as { panel_name?: unknown };
  return { panel_name };
}
