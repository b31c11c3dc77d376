import type { Update } from "@grammyjs/types";

/** A kind of update, as `allowed_updates` names it. */
export type UpdateKind = Exclude<keyof Update, "update_id">;

/**
 * The update kinds a bot receives (getUpdates' and setWebhook's `allowed_updates`): every
 * kind BJS can react to, including `chat_member`, which Telegram sends only when asked.
 */
export const ALLOWED_UPDATES: readonly UpdateKind[] = [
  "message",
  "edited_message",
  "channel_post",
  "edited_channel_post",
  "callback_query",
  "inline_query",
  "chosen_inline_result",
  "my_chat_member",
  "chat_member",
  "chat_join_request",
  "poll",
  "poll_answer",
  "pre_checkout_query",
  "shipping_query",
];
