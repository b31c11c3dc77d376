import type { InlineKeyboardMarkup, Message, MessageEntity, ReplyKeyboardMarkup } from "@grammyjs/types";
import type { MethodContext } from "../context.js";
import { badRequest, messageTextEmpty, tooManyRequests } from "../errors.js";
import { formatText } from "../formatting.js";
import type { Room } from "../world.js";

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;

/** A chat id parameter (`chat_id`, `from_chat_id`): a number, or a public group's @username. */
export function chatIdParam(ctx: MethodContext, name = "chat_id"): number | string {
  const value = ctx.params.string(name);
  if (value === undefined || value === "") throw badRequest(`${name} is empty`);
  return /^-?\d+$/.test(value) ? Number(value) : value;
}

/** `text` with its `parse_mode` or `entities` applied, checked as sendMessage checks it. */
export function messageText(ctx: MethodContext): { text: string; entities?: MessageEntity[] } {
  const formatted = formatText(
    ctx.params.string("text") ?? "",
    ctx.params.string("parse_mode"),
    ctx.params.json<MessageEntity[]>("entities"),
  );
  if (formatted.text.trim() === "") throw messageTextEmpty();
  if (formatted.text.length > MAX_TEXT) throw badRequest("message is too long");
  return formatted.entities.length ? formatted : { text: formatted.text };
}

/** The optional `caption` of a media message, formatted and checked. */
export function caption(ctx: MethodContext, raw = ctx.params.string("caption"), parseMode = ctx.params.string("parse_mode")): Partial<Message> {
  if (!raw) return {};
  const formatted = formatText(raw, parseMode, ctx.params.json<MessageEntity[]>("caption_entities"));
  if (formatted.text.length > MAX_CAPTION) throw badRequest("message caption is too long");
  return formatted.entities.length
    ? { caption: formatted.text, caption_entities: formatted.entities }
    : { caption: formatted.text };
}

type Markup = Partial<InlineKeyboardMarkup & ReplyKeyboardMarkup & { remove_keyboard: true; force_reply: true }>;

/** `reply_markup`, validated like Telegram validates keyboards. */
export function replyMarkup(ctx: MethodContext): Markup | undefined {
  const markup = ctx.params.json<Markup>("reply_markup", "can't parse reply keyboard markup JSON object");
  if (markup === undefined) return undefined;
  if (typeof markup !== "object" || markup === null) throw badRequest("can't parse reply keyboard markup JSON object");
  if (markup.inline_keyboard) checkInlineKeyboard(markup.inline_keyboard);
  if (markup.keyboard && !Array.isArray(markup.keyboard)) throw badRequest("field \"keyboard\" must be an Array");
  return markup;
}

function checkInlineKeyboard(rows: InlineKeyboardMarkup["inline_keyboard"]): void {
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) throw badRequest("field \"inline_keyboard\" must be an Array of Array");
  for (const button of rows.flat()) {
    if (typeof button?.text !== "string") throw badRequest("can't parse inline keyboard button: Field \"text\" must be of type String");
    if ("callback_data" in button) {
      const bytes = Buffer.byteLength(String(button.callback_data));
      if (bytes < 1 || bytes > 64) throw badRequest("BUTTON_DATA_INVALID");
    } else if (Object.keys(button).length === 1) {
      throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
    }
  }
}

/** What an inline keyboard looks like inside the Message object (reply keyboards are not shown). */
export function visibleMarkup(markup: Markup | undefined): Partial<Message> {
  return markup?.inline_keyboard ? { reply_markup: { inline_keyboard: markup.inline_keyboard } } : {};
}

/** The message this send replies to (reply_parameters or the older reply_to_message_id). */
function repliedMessage(ctx: MethodContext, room: Room): Partial<Message> {
  const parameters = ctx.params.json<{ message_id?: number; allow_sending_without_reply?: boolean }>("reply_parameters");
  const id = parameters?.message_id ?? ctx.params.integer("reply_to_message_id");
  if (id === undefined) return {};
  const replied = room.messages.get(Number(id));
  if (replied) {
    const { reply_to_message: _, ...shallow } = replied;
    return { reply_to_message: shallow as Message["reply_to_message"] };
  }
  const allowed = parameters?.allow_sending_without_reply ?? ctx.params.boolean("allow_sending_without_reply");
  if (!allowed) throw badRequest("message to be replied not found");
  return {};
}

/** The room `chat_id` names, if the bot may write there. */
export function targetRoom(ctx: MethodContext): Room {
  return ctx.world.roomForBot(ctx.bot, chatIdParam(ctx), { writing: true });
}

/** Answers 429 if the bot may not send to this room now (counting the send if it may). */
export function takeSendSlot(ctx: MethodContext, room: Room): void {
  const retryAfter = ctx.limits.acquire({
    botId: ctx.bot.user.id,
    chatId: room.chat.id,
    isPrivate: room.chat.type === "private",
    paid: ctx.params.boolean("allow_paid_broadcast"),
  });
  if (retryAfter > 0) throw tooManyRequests(retryAfter);
}

/**
 * Every send ends here: resolve the chat, check the flood limits, attach the reply and the
 * keyboard, store the message as sent by the bot. `content` is built before, so a bad
 * parameter fails the call before the chat is even looked at, as on Telegram.
 */
export function send(ctx: MethodContext, content: Partial<Message>, room = targetRoom(ctx)): Message {
  const markup = replyMarkup(ctx);
  const reply = repliedMessage(ctx, room);
  takeSendSlot(ctx, room);
  if (markup?.keyboard) room.replyKeyboard = markup as ReplyKeyboardMarkup;
  if (markup?.remove_keyboard) room.replyKeyboard = undefined;
  const protect = ctx.params.boolean("protect_content") ? { has_protected_content: true as const } : {};
  return ctx.world.addMessage(room, ctx.bot.user, { ...reply, ...content, ...protect, ...visibleMarkup(markup) });
}
