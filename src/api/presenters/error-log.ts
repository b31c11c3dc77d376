import { z } from "zod";
import type { ErrorEntry } from "../../bots/error-log.js";

/** An error log entry; `scenario` names the command it happened in, when there is one. */
export const errorLogSchema = z.object({
  id: z.number(),
  title: z.string(),
  stack_trace: z.string().nullable(),
  created_at: z.string(),
  scenario: z.object({ bot_command: z.object({ id: z.number(), command: z.string() }) }).nullable(),
}).meta({ id: "ErrorLogEntry" });

export function presentErrorLog(entry: ErrorEntry): z.infer<typeof errorLogSchema> {
  return {
    id: entry.id,
    title: entry.message,
    stack_trace: entry.stack,
    created_at: entry.created_at,
    scenario: entry.command_id === null ? null : { bot_command: { id: entry.command_id, command: entry.command_name ?? "" } },
  };
}
