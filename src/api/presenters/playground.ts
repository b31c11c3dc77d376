import type { InlineKeyboardButton, Message, MessageEntity, ReplyKeyboardMarkup } from "@grammyjs/types";
import { z } from "zod";
import type { PlaygroundChat } from "../../playground/playground.js";

const entitySchema = z.object({
  type: z.string(),
  offset: z.number(),
  length: z.number(),
  url: z.string().optional(),
  language: z.string().optional(),
});

const inlineButtonSchema = z.object({
  text: z.string(),
  callback_data: z.string().optional(),
  url: z.string().optional(),
});

/** One message of a playground chat, as the dashboard draws it. */
export const playgroundMessageSchema = z.object({
  message_id: z.number(),
  from: z.enum(["user", "bot"]),
  date: z.string().describe("ISO 8601"),
  text: z.string().nullable().describe("The text, or a media message's caption"),
  entities: z.array(entitySchema).describe("Telegram's formatting of `text` (bold, links, code...)"),
  media: z.string().nullable().describe("What the message carries besides text (photo, document, ...), or null"),
  inline_keyboard: z.array(z.array(inlineButtonSchema)).nullable(),
  edited: z.boolean(),
});

/** The owner's chat with the bot in the playground. */
export const playgroundChatSchema = z.object({
  connected: z.boolean().describe("Whether the bot has its playground token (else there is no chat)"),
  messages: z.array(playgroundMessageSchema),
  reply_keyboard: z
    .object({ keyboard: z.array(z.array(z.object({ text: z.string() }))), resize_keyboard: z.boolean(), one_time_keyboard: z.boolean() })
    .nullable(),
});

const MEDIA = ["photo", "document", "video", "audio", "voice", "animation", "sticker", "location", "contact", "venue", "poll", "dice", "video_note"] as const;

function inlineButton(button: InlineKeyboardButton) {
  return { text: button.text, ...("callback_data" in button && { callback_data: button.callback_data }), ...("url" in button && { url: button.url }) };
}

/** A Telegram message shaped for the chat page. */
export function presentPlaygroundMessage(message: Message): z.infer<typeof playgroundMessageSchema> {
  const entities = (message.entities ?? message.caption_entities ?? []) as MessageEntity[];
  const keyboard = message.reply_markup?.inline_keyboard;
  return {
    message_id: message.message_id,
    from: message.from?.is_bot ? "bot" : "user",
    date: new Date(message.date * 1000).toISOString(),
    text: message.text ?? message.caption ?? null,
    entities: entities.map(({ type, offset, length, ...rest }) => ({
      type,
      offset,
      length,
      ...("url" in rest && rest.url && { url: rest.url }),
      ...("language" in rest && rest.language && { language: rest.language }),
    })),
    media: MEDIA.find((kind) => kind in message) ?? null,
    inline_keyboard: keyboard ? keyboard.map((row) => row.map(inlineButton)) : null,
    edited: message.edit_date !== undefined,
  };
}

function presentReplyKeyboard(keyboard: ReplyKeyboardMarkup | null) {
  if (!keyboard) return null;
  return {
    keyboard: keyboard.keyboard.map((row) => row.map((button) => ({ text: typeof button === "string" ? button : button.text }))),
    resize_keyboard: keyboard.resize_keyboard ?? false,
    one_time_keyboard: keyboard.one_time_keyboard ?? false,
  };
}

/** The chat answer; a bot outside the playground has none. */
export function presentPlaygroundChat(chat: PlaygroundChat | null): z.infer<typeof playgroundChatSchema> {
  if (!chat) return { connected: false, messages: [], reply_keyboard: null };
  return { connected: true, messages: chat.messages.map(presentPlaygroundMessage), reply_keyboard: presentReplyKeyboard(chat.replyKeyboard) };
}
