import type { ControlMethod } from "./control.js";

/** One control method as `GET /control` lists it. */
export interface ControlMethodDoc {
  method: ControlMethod;
  /** Its JSON parameters, `?` marking the optional ones. */
  params: string;
  description: string;
}

// A Record over every method: a control method added without a line here does not compile.
const catalog: Record<ControlMethod, [params: string, description: string]> = {
  registerBot: ["{token?, username?, first_name?}", "Registers a bot; answers {token, user}. Point Botyard at the emulator and use the token."],
  createUser: ["{first_name, last_name?, username?, language_code?}", "Creates a Telegram user; answers the User (its id is the user_id of the other methods)."],
  openPrivateChat: ["{user_id, bot_id}", "Opens (or finds) the user's private chat with the bot, as pressing Start does; answers {chat, last_message_id}."],
  createGroup: ["{title, type?, username?, member_ids, admin_ids?}", "Creates a group or supergroup; the first human member owns it; answers {chat, last_message_id}."],
  sendText: ["{user_id, chat_id, bot_id?, text, reply_to_message_id?}", "The user sends a text message (commands included); answers the Message."],
  pressKeyboardButton: ["{user_id, chat_id, bot_id?, text}", "The user presses a reply-keyboard button the bot shows; answers the Message it sends."],
  pressInlineButton: ["{user_id, chat_id, bot_id?, message_id, data?, text?}", "The user presses an inline button of a bot message (by its data or text); answers the CallbackQuery."],
  sendInlineQuery: ["{user_id, bot_id, query, offset?}", "The user types an inline query to the bot; answers the InlineQuery."],
  sendPhoto: ["{user_id, chat_id, bot_id?, caption?, data_base64?, filename?}", "The user sends a photo (the given bytes, or a tiny PNG); answers the Message."],
  sendContact: ["{user_id, chat_id, bot_id?, phone_number?, first_name?, last_name?}", "The user shares a contact (their own without phone_number); answers the Message."],
  sendLocation: ["{user_id, chat_id, bot_id?, latitude, longitude}", "The user sends a location; answers the Message."],
  joinGroup: ["{user_id, chat_id, added_by?}", "A user or a bot joins a group, alone or added by a member; answers the new_chat_members Message."],
  blockBot: ["{user_id, bot_id}", "The user blocks the bot: its messages to them fail with 403."],
  unblockBot: ["{user_id, bot_id}", "The user unblocks the bot."],
  history: ["{chat_id, bot_id?}", "The chat's messages, oldest first, as they are now (edits applied, deletions gone)."],
  replyKeyboard: ["{chat_id, bot_id?}", "The reply keyboard the bot shows in the chat, or null."],
  waitForBotMessages: ["{chat_id, bot_id?, count?, after_message_id?, timeout_ms?}", "Waits for count (default 1) bot messages after after_message_id and answers them; fails after timeout_ms (default 5000)."],
  waitForAnswer: ["{query_id, timeout_ms?}", "Waits for the bot's answer to a callback or inline query, and answers it."],
  injectFault: ["{method, kind: 500 | 429 | \"hang\", count?, retry_after?}", "The next count calls of a Bot API method fail with 500 or 429, or never answer."],
  setLatency: ["{method?, ms}", "Delays calls of a Bot API method (all of them without one) by ms; 0 removes the delay."],
  counters: ["{}", "Bot API calls by method, 429 answers, and webhook deliveries and failures, since the start or the last reset."],
  reset: ["{}", "Forgets everything: bots, users, chats, faults, counters."],
};

/** Every control method with its parameters and what it does, for `GET /control`. */
export const controlCatalog: ControlMethodDoc[] = Object.entries(catalog).map(([method, [params, description]]) => ({
  method: method as ControlMethod,
  params,
  description,
}));
