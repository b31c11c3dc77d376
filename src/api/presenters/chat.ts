import { z } from "zod";
import { CHAT_TYPES, type Chat } from "../../bots/chats.js";

/** Chat: `id` is internal (used in paths), `chatid` Telegram's, as a string. */
export const chatSchema = z.object({
  id: z.number(),
  chatid: z.string(),
  chat_type: z.enum(CHAT_TYPES),
  title: z.string().nullable(),
  user_id: z.number().nullable(),
  username: z.string().nullable(),
  blocked: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
}).meta({ id: "Chat" });

export function presentChat(chat: Chat): z.infer<typeof chatSchema> {
  return {
    id: chat.id,
    chatid: chat.chatid,
    chat_type: chat.chat_type as (typeof CHAT_TYPES)[number],
    title: chat.title,
    user_id: chat.user_id,
    username: chat.username,
    blocked: chat.blocked === 1,
    created_at: chat.created_at,
    updated_at: chat.updated_at,
  };
}
