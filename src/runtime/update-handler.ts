import type { Update } from "@grammyjs/types";

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
  const chat =
    update.message?.chat ??
    update.edited_message?.chat ??
    update.channel_post?.chat ??
    update.edited_channel_post?.chat ??
    update.callback_query?.message?.chat ??
    update.my_chat_member?.chat ??
    update.chat_member?.chat ??
    update.chat_join_request?.chat;
  if (chat) return `chat:${chat.id}`;
  const from = update.callback_query?.from ?? update.inline_query?.from ?? update.chosen_inline_result?.from ?? update.poll_answer?.user ?? update.pre_checkout_query?.from ?? update.shipping_query?.from;
  return from ? `user:${from.id}` : "bot";
}
