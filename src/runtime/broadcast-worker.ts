import type { Logger } from "pino";
import { runAllTaskOf, type Broadcast, type BroadcastStore, type RecipientOutcome } from "../bots/broadcasts.js";
import type { Chat, ChatStore } from "../bots/chats.js";
import type { Clock } from "../clock.js";
import type { Database } from "../db/database.js";
import type { JobQueue } from "../jobs/job-queue.js";
import { BROADCAST_JOB_KIND, type BroadcastJob } from "../jobs/broadcasts.js";
import { TelegramApiError, TelegramNetworkError } from "../telegram/bot-api.js";
import type { IterationBudget } from "./iteration-budget.js";
import type { Processor, RunSkipped } from "./processor.js";
import type { RunRequest } from "./run-request.js";
import type { TelegramSender } from "./telegram-sender.js";

export interface BroadcastWorkerDeps {
  jobs: Pick<JobQueue, "register">;
  store: BroadcastStore;
  chats: Pick<ChatStore, "markUnreachable">;
  processor: Pick<Processor, "run" | "runnable">;
  sender: Pick<TelegramSender, "call">;
  budget: Pick<IterationBudget, "spend">;
  database: Pick<Database, "committed">;
  clock: Clock;
  log: Logger;
}

/** What a recipient came to: an outcome to count, or the reason the whole task stops here. */
type Delivery = RecipientOutcome | RunSkipped;

/**
 * The broadcast job (spec/bjs.md §5): counts a new task's recipients, then takes them in
 * chat-id order after the task's durable cursor. Each recipient is sent to (a text) or run
 * (the recipient command, trigger `broadcast`), and then recorded done in one statement that
 * moves the cursor and counts the outcome; the next recipient waits until that is committed.
 * So a worker killed midway resumes at the first recipient not recorded: none is skipped,
 * and only the one in flight when the process died can be sent again (when Telegram had
 * taken it but the answer never came back). A 403 marks the chat unreachable for later
 * broadcasts. A pause or a delete stops the task after the recipient in hand; a bot that
 * stopped or an owner out of iterations pauses it; a recipient command that is gone ends it
 * as terminated.
 */
export function registerBroadcastJobs(deps: BroadcastWorkerDeps): void {
  deps.jobs.register<BroadcastJob>(BROADCAST_JOB_KIND, (job) => work(deps, job.botId, job.payload.broadcastId));
}

async function work(deps: BroadcastWorkerDeps, botId: number, id: number): Promise<void> {
  const { store } = deps;
  let task = await store.byId(botId, id);
  if (task?.status === "new") task = await store.start(task);
  if (!task || task.status !== "in progress") return;
  for (;;) {
    const recipients = await store.recipients(task, task.cursor);
    if (recipients.length === 0) {
      await store.move(botId, id, ["in progress"], "finished");
      return;
    }
    for (const chat of recipients) {
      const delivery = await deliver(deps, task, chat);
      if (delivery === "no command") {
        await store.move(botId, id, ["in progress"], "terminated");
        deps.log.warn({ bot_id: botId, broadcast_id: id, command: task.command }, "a broadcast's recipient command is gone; the task is terminated");
        return;
      }
      if (delivery === "bot not running" || delivery === "quota") {
        await store.move(botId, id, ["in progress"], "paused");
        return;
      }
      const recorded = await store.record(id, task.cursor, chat.id, delivery);
      await deps.database.committed();
      if (delivery === "blocked") await deps.chats.markUnreachable(botId, chat.id);
      if (!recorded) return;
      task = recorded;
      if (task.status !== "in progress") return;
    }
  }
}

/** Sends the text to one recipient, or runs the recipient command in its chat. */
async function deliver(deps: BroadcastWorkerDeps, task: Broadcast, chat: Chat): Promise<Delivery> {
  if (task.command === null) return sendText(deps, task, chat);
  const options = JSON.parse(task.options) as unknown;
  const base = options !== null && typeof options === "object" && !Array.isArray(options) ? options : {};
  const request: RunRequest = {
    botId: task.bot_id,
    command: { name: task.command },
    message: task.command,
    trigger: "broadcast",
    chatId: chat.id,
    userId: chat.user_id ?? undefined,
    options: { ...base, task: runAllTaskOf(task, deps.clock.now()) } as RunRequest["options"],
    attempt: 1,
  };
  // One job runs every recipient: each recipient's run is a delivery of its own.
  const ran = await deps.processor.run(request, { key: `broadcast:${task.id}:${chat.id}` });
  return typeof ran === "string" ? ran : (ran.trouble ?? "delivered");
}

/**
 * A text broadcast's message. A 429 the sender gave up on (a `retry_after` too long for it to
 * wait, or too many in a row) is not a lost recipient: the sender holds the bot for the
 * `retry_after`, so the message is handed to it again and waits in its queue until then.
 */
async function sendText(deps: BroadcastWorkerDeps, task: Broadcast, chat: Chat): Promise<Delivery> {
  const bot = await deps.processor.runnable(task.bot_id);
  if (typeof bot === "string") return bot;
  deps.budget.spend(bot.owner.id, bot.row.id, 1);
  const params = { chat_id: Number(chat.chatid), text: task.text!, ...(task.parse_mode && { parse_mode: task.parse_mode }) };
  for (;;) {
    try {
      await deps.sender.call(bot.token, "sendMessage", params, { priority: "broadcast" });
      return "delivered";
    } catch (error) {
      if (error instanceof TelegramApiError && error.error_code === 429) continue;
      if (error instanceof TelegramApiError) return error.error_code === 403 ? "blocked" : "failed";
      if (error instanceof TelegramNetworkError) return "failed";
      throw error;
    }
  }
}
