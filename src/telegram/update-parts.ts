import type { Chat, Update, User } from "@grammyjs/types";

/** The chat an update happened in, if it has one. */
export function chatOf(update: Update): Chat | undefined {
  return (
    update.message?.chat ??
    update.edited_message?.chat ??
    update.channel_post?.chat ??
    update.edited_channel_post?.chat ??
    update.callback_query?.message?.chat ??
    update.my_chat_member?.chat ??
    update.chat_member?.chat ??
    update.chat_join_request?.chat
  );
}

/** The user who caused an update, if one did. */
export function senderOf(update: Update): User | undefined {
  return (
    update.message?.from ??
    update.edited_message?.from ??
    update.callback_query?.from ??
    update.inline_query?.from ??
    update.chosen_inline_result?.from ??
    update.my_chat_member?.from ??
    update.chat_member?.from ??
    update.chat_join_request?.from ??
    update.poll_answer?.user ??
    update.pre_checkout_query?.from ??
    update.shipping_query?.from
  );
}

/**
 * What keeps an update in order with others: its chat, or, for updates without a chat, its
 * user (`chat:<id>`, `user:<id>`); null when it has neither, and the caller decides.
 */
export function orderingKey(update: Update): string | null {
  const chat = chatOf(update);
  if (chat) return `chat:${chat.id}`;
  const from = senderOf(update);
  return from ? `user:${from.id}` : null;
}
