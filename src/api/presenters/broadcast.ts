import { z } from "zod";
import { BROADCAST_STATUSES, countersOf, FOR_CHATS_VALUES, type Broadcast } from "../../bots/broadcasts.js";

/** BroadcastTask (spec/api.md §3), with the estimated finish time (ours). */
export const broadcastSchema = z
  .object({
    id: z.number(),
    bot_id: z.number(),
    command: z.string().nullable().describe("The recipient command, or null for a text broadcast"),
    text: z.string().nullable().describe("The text of a text broadcast (ours)"),
    for_chats: z.enum(FOR_CHATS_VALUES),
    status: z.enum(BROADCAST_STATUSES),
    total: z.number().describe("Recipients counted when the task started"),
    processed: z.number(),
    delivered: z.number(),
    failed: z.number().describe("Refused by Telegram, or the recipient command failed"),
    blocked: z.number().describe("The chat blocked the bot (Telegram answered 403), or was excluded on the way"),
    pending: z.number(),
    speed: z.number().describe("Recipients per second while in progress"),
    estimated_finish_at: z.string().nullable().describe("When the rest should be done at the current speed (ours); null unless in progress"),
    created_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
  })
  .meta({ id: "BroadcastTask" });

export function presentBroadcast(task: Broadcast, now: number): z.infer<typeof broadcastSchema> {
  return {
    id: task.id,
    bot_id: task.bot_id,
    command: task.command,
    text: task.text,
    for_chats: task.for_chats as z.infer<typeof broadcastSchema>["for_chats"],
    status: task.status as z.infer<typeof broadcastSchema>["status"],
    ...countersOf(task, now),
    created_at: task.created_at,
    started_at: task.started_at,
    finished_at: task.finished_at,
  };
}
