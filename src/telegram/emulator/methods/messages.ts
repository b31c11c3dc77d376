import { randomBytes } from "node:crypto";
import type { Message } from "@grammyjs/types";
import type { Method, MethodContext } from "../context.js";
import { badRequest } from "../errors.js";
import { caption, chatIdParam, messageText, send, targetRoom } from "./outgoing.js";

const DICE_FACES: Record<string, number> = { "🎲": 6, "🎯": 6, "🎳": 6, "🏀": 5, "⚽": 5, "🎰": 64 };

const CHAT_ACTIONS = new Set([
  "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
  "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
]);

/** The message `from_chat_id` + `message_id` name, for forwarding or copying. */
function sourceMessage(ctx: MethodContext, missing: string): Message {
  const room = ctx.world.roomForBot(ctx.bot, chatIdParam(ctx, "from_chat_id"), { writing: false });
  const message = room.messages.get(ctx.params.integer("message_id") ?? 0);
  if (!message) throw badRequest(missing);
  return message;
}

/** What a copy or a forward does not take over: the original's identity and keyboard. */
const NOT_CONTENT = ["message_id", "from", "chat", "date", "reply_to_message", "reply_markup", "edit_date"] as const;

/** The parts of a message that a copy keeps (content, not identity). */
function contentOf(message: Message): Partial<Message> {
  const content: Partial<Message> = { ...message };
  for (const key of NOT_CONTENT) delete content[key];
  return content;
}

/** Text messages, forwards, copies, and the small message kinds built from parameters. */
export const messageMethods: Record<string, Method> = {
  sendMessage: (ctx) => send(ctx, messageText(ctx)),

  forwardMessage: (ctx) => {
    const original = sourceMessage(ctx, "message to forward not found");
    const origin = original.from!.is_bot || original.chat.type === "private"
      ? { type: "user" as const, sender_user: original.from!, date: original.date }
      : { type: "chat" as const, sender_chat: original.chat, date: original.date };
    return send(ctx, { ...contentOf(original), forward_origin: origin });
  },

  copyMessage: (ctx) => {
    const original = sourceMessage(ctx, "message to copy not found");
    const replaced = ctx.params.has("caption") ? caption(ctx) : {};
    return { message_id: send(ctx, { ...contentOf(original), ...replaced }).message_id };
  },

  sendLocation: (ctx) => {
    const latitude = ctx.params.number("latitude");
    const longitude = ctx.params.number("longitude");
    if (latitude === undefined || Math.abs(latitude) > 90) throw badRequest("wrong latitude specified");
    if (longitude === undefined || Math.abs(longitude) > 180) throw badRequest("wrong longitude specified");
    return send(ctx, { location: { latitude, longitude } });
  },

  sendContact: (ctx) => {
    const phone_number = ctx.params.string("phone_number");
    const first_name = ctx.params.string("first_name");
    if (!phone_number) throw badRequest("phone number is empty");
    if (!first_name) throw badRequest("first name is empty");
    const last_name = ctx.params.string("last_name");
    return send(ctx, { contact: { phone_number, first_name, ...(last_name && { last_name }) } });
  },

  sendPoll: (ctx) => {
    const question = ctx.params.string("question");
    if (!question) throw badRequest("poll question must be non-empty");
    const options = ctx.params.json<Array<string | { text: string }>>("options") ?? [];
    if (!Array.isArray(options) || options.length < 2) throw badRequest("poll must have at least 2 option");
    if (options.length > 12) throw badRequest("poll can't have more than 12 options");
    const type = ctx.params.string("type") === "quiz" ? "quiz" : "regular";
    return send(ctx, {
      poll: {
        id: randomBytes(8).readBigUInt64BE().toString(),
        question,
        options: options.map((option, index) => ({
          persistent_id: String(index),
          text: typeof option === "string" ? option : option.text,
          voter_count: 0,
        })),
        total_voter_count: 0,
        is_closed: ctx.params.boolean("is_closed"),
        is_anonymous: ctx.params.has("is_anonymous") ? ctx.params.boolean("is_anonymous") : true,
        type,
        allows_multiple_answers: ctx.params.boolean("allows_multiple_answers"),
        allows_revoting: false,
        members_only: false,
        ...(type === "quiz" && { correct_option_id: ctx.params.integer("correct_option_id") ?? 0 }),
      },
    });
  },

  sendDice: (ctx) => {
    const emoji = ctx.params.string("emoji") ?? "🎲";
    const faces = DICE_FACES[emoji];
    if (!faces) throw badRequest("DICE_EMOTICON_INVALID");
    return send(ctx, { dice: { emoji, value: 1 + Math.floor(Math.random() * faces) } });
  },

  sendChatAction: (ctx) => {
    const action = ctx.params.string("action");
    if (!action || !CHAT_ACTIONS.has(action)) throw badRequest("wrong parameter action in request");
    targetRoom(ctx);
    return true;
  },
};
