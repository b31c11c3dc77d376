import { z } from "zod";
import type { Task } from "../../interop/tasks.js";

/** An import or export task and its progress (the CSV import task status of spec/api.md, with our counters). */
export const taskSchema = z.object({
  id: z.number(),
  kind: z.string().describe("csv_import | git_import | git_export"),
  status: z.string().describe("pending | running | done | failed"),
  total: z.number().describe("Rows or files to go through, once known"),
  processed: z.number(),
  created: z.number(),
  updated: z.number(),
  removed: z.number().describe("Commands an earlier CSV import created that the sheet no longer names"),
  skipped: z.number().describe("Rows or files not imported; see errors"),
  errors: z.array(z.object({ row: z.number().optional(), file: z.string().optional(), error: z.string() })),
  error: z.string().nullable().describe("Why the task failed, when it did"),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  created_at: z.string(),
});

export function presentTask(task: Task): z.infer<typeof taskSchema> {
  return {
    id: task.id,
    kind: task.kind,
    status: task.status,
    total: task.total,
    processed: task.processed,
    created: task.created,
    updated: task.updated,
    removed: task.removed,
    skipped: task.skipped,
    errors: task.errors,
    error: task.error,
    started_at: task.started_at,
    finished_at: task.finished_at,
    created_at: task.created_at,
  };
}
