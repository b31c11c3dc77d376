import type { Message } from "@grammyjs/types";
import type { Method, MethodContext } from "../context.js";
import { badRequest } from "../errors.js";
import type { Room } from "../world.js";
import { caption, chatIdParam, messageText, replyMarkup, visibleMarkup } from "./outgoing.js";

/** The bot's own message that chat_id + message_id name, and its room. */
function editable(ctx: MethodContext): { room: Room; message: Message } {
  if (ctx.params.has("inline_message_id")) throw badRequest("MESSAGE_ID_INVALID");
  const room = ctx.world.roomForBot(ctx.bot, chatIdParam(ctx), { writing: false });
  const message = room.messages.get(ctx.params.integer("message_id") ?? 0);
  if (!message) throw badRequest("message to edit not found");
  if (message.from?.id !== ctx.bot.user.id) throw badRequest("message can't be edited");
  return { room, message };
}

/** What an edit compares: Telegram refuses an edit that changes none of it. */
const visible = (m: Partial<Message>): string =>
  JSON.stringify([m.text, m.entities, m.caption, m.caption_entities, m.reply_markup]);

/**
 * Replaces parts of the bot's message. Without `reply_markup` the inline keyboard goes, as
 * on Telegram; an edit that changes nothing fails with "message is not modified".
 */
function edit(ctx: MethodContext, replaced: Array<keyof Message>, change: (message: Message) => Partial<Message>): Message {
  const { room, message } = editable(ctx);
  const kept: Partial<Message> = { ...message };
  for (const key of ["reply_markup", ...replaced] as const) delete kept[key];
  const edited = { ...kept, ...change(message), ...visibleMarkup(replyMarkup(ctx)) } as Message;
  if (visible(edited) === visible(message)) {
    throw badRequest(
      "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    );
  }
  edited.edit_date = ctx.world.date();
  ctx.world.store(room, edited);
  return edited;
}

/** Editing and deleting messages. */
export const editMethods: Record<string, Method> = {
  editMessageText: (ctx) => {
    const text = messageText(ctx);
    return edit(ctx, ["text", "entities"], (message) => {
      if (message.text === undefined) throw badRequest("there is no text in the message to edit");
      return text;
    });
  },

  editMessageCaption: (ctx) =>
    edit(ctx, ["caption", "caption_entities"], (message) => {
      if (message.text !== undefined) throw badRequest("there is no caption in the message to edit");
      return caption(ctx);
    }),

  editMessageReplyMarkup: (ctx) => edit(ctx, [], () => ({})),

  deleteMessage: (ctx) => {
    const room = ctx.world.roomForBot(ctx.bot, chatIdParam(ctx), { writing: false });
    const id = ctx.params.integer("message_id") ?? 0;
    const message = room.messages.get(id);
    if (!message) throw badRequest("message to delete not found");
    const isAdmin = ["creator", "administrator"].includes(room.members.get(ctx.bot.user.id) ?? "");
    if (room.chat.type !== "private" && message.from?.id !== ctx.bot.user.id && !isAdmin) {
      throw badRequest("message can't be deleted");
    }
    room.messages.delete(id);
    ctx.world.changed();
    return true;
  },
};
