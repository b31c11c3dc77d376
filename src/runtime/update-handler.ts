import type { Update } from "@grammyjs/types";
import { chatOf, senderOf } from "../telegram/update-parts.js";

/**
 * Handles one accepted Telegram update of a bot, start to finish: routing, BJS, effects.
 * The intake calls it strictly in order for updates of the same chat, and in parallel for
 * different chats; it resolves when the update is fully handled (so the intake may mark it
 * done) and rejects only on an infrastructure failure (so the intake retries it).
 */
export interface UpdateHandler {
  handle(botId: number, update: Update): Promise<void>;
}

/** The key updates are ordered by: one chat (or one user, for updates without a chat). */
export function orderingKey(update: Update): string {
  const chat = chatOf(update);
  if (chat) return `chat:${chat.id}`;
  const from = senderOf(update);
  return from ? `user:${from.id}` : "bot";
}
