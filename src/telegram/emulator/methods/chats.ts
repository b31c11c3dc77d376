import type { ChatMember, ChatPermissions } from "@grammyjs/types";
import type { Method, MethodContext } from "../context.js";
import { badRequest } from "../errors.js";
import type { MemberStatus, Room } from "../world.js";
import { chatIdParam } from "./outgoing.js";

/** The room chat_id names; reading it is allowed even where the bot may not write. */
function chatRoom(ctx: MethodContext): Room {
  return ctx.world.roomForBot(ctx.bot, chatIdParam(ctx), { writing: false });
}

/** A group the bot administers, where member statuses may change. */
function administeredGroup(ctx: MethodContext): Room {
  const room = chatRoom(ctx);
  if (room.chat.type === "private") throw badRequest("chat member status can't be changed in private chats");
  if (!isAdmin(room.members.get(ctx.bot.user.id))) throw badRequest("not enough rights to restrict/ban chat member");
  return room;
}

const isAdmin = (status: MemberStatus | undefined): boolean => status === "creator" || status === "administrator";
const isPresent = (status: MemberStatus | undefined): boolean => status !== undefined && status !== "left" && status !== "kicked";

/** The user_id parameter of a known user who is not the group's owner. */
function targetMember(ctx: MethodContext, room: Room): number {
  const userId = ctx.params.integer("user_id") ?? 0;
  if (!ctx.world.users.has(userId)) throw badRequest("user not found");
  if (room.members.get(userId) === "creator") throw badRequest("can't remove chat owner");
  return userId;
}

/** Every permission a restricted member's answer lists; those not granted are false. */
const PERMISSIONS = [
  "can_send_messages", "can_send_audios", "can_send_documents", "can_send_photos", "can_send_videos",
  "can_send_video_notes", "can_send_voice_notes", "can_send_polls", "can_send_other_messages",
  "can_add_web_page_previews", "can_change_info", "can_invite_users", "can_pin_messages", "can_manage_topics",
] as const;

function chatMember(ctx: MethodContext, room: Room, userId: number): ChatMember {
  const user = ctx.world.users.get(userId)!;
  const permissions = ctx.world.restriction(room, userId);
  const status = room.members.get(userId) ?? "left";
  switch (status) {
    case "restricted":
      return {
        status, user, is_member: true, until_date: room.restrictions.get(userId)!.until_date,
        ...Object.fromEntries(PERMISSIONS.map((name) => [name, permissions?.[name] === true])),
      } as ChatMember;
    case "creator":
      return { status, user, is_anonymous: false };
    case "administrator":
      return {
        status, user, can_be_edited: false, is_anonymous: false, can_manage_chat: true, can_delete_messages: true,
        can_manage_video_chats: true, can_restrict_members: true, can_promote_members: false, can_change_info: true,
        can_invite_users: true, can_post_stories: false, can_edit_stories: false, can_delete_stories: false,
        can_pin_messages: true,
      } as ChatMember;
    case "kicked":
      return { status, user, until_date: 0 };
    default:
      return { status, user } as ChatMember;
  }
}

/** Reading chats and their members, pinning, banning, leaving. */
export const chatMethods: Record<string, Method> = {
  getChat: (ctx) => {
    const room = chatRoom(ctx);
    return { ...room.chat, accent_color_id: 0, max_reaction_count: 11, ...(room.pinned && { pinned_message: room.pinned }) };
  },

  getChatMember: (ctx) => {
    const room = chatRoom(ctx);
    const userId = ctx.params.integer("user_id") ?? 0;
    if (!ctx.world.users.has(userId)) throw badRequest("user not found");
    return chatMember(ctx, room, userId);
  },

  getChatMemberCount: (ctx) => [...chatRoom(ctx).members.values()].filter(isPresent).length,

  pinChatMessage: (ctx) => {
    const room = chatRoom(ctx);
    const message = room.messages.get(ctx.params.integer("message_id") ?? 0);
    if (!message) throw badRequest("message to pin not found");
    if (room.chat.type !== "private" && !isAdmin(room.members.get(ctx.bot.user.id))) {
      throw badRequest("not enough rights to manage pinned messages in the chat");
    }
    room.pinned = message;
    return true;
  },

  banChatMember: (ctx) => {
    const room = administeredGroup(ctx);
    room.members.set(targetMember(ctx, room), "kicked");
    return true;
  },

  /** Only in supergroups; granting every permission lifts the restriction. */
  restrictChatMember: (ctx) => {
    const room = administeredGroup(ctx);
    if (room.chat.type !== "supergroup") throw badRequest("method is available only for supergroups");
    const userId = targetMember(ctx, room);
    const permissions = ctx.params.json<ChatPermissions>("permissions");
    if (!permissions || typeof permissions !== "object") throw badRequest("parameter \"permissions\" is required");
    if (PERMISSIONS.every((name) => permissions[name] === true)) {
      room.restrictions.delete(userId);
      if (room.members.get(userId) === "restricted") room.members.set(userId, "member");
      return true;
    }
    // Telegram takes a date under 30 seconds or over 366 days from now as forever.
    const until = ctx.params.integer("until_date") ?? 0;
    const ahead = until - ctx.world.date();
    room.restrictions.set(userId, { permissions, until_date: ahead < 30 || ahead > 366 * 86400 ? 0 : until });
    room.members.set(userId, "restricted");
    return true;
  },

  unbanChatMember: (ctx) => {
    const room = administeredGroup(ctx);
    const userId = targetMember(ctx, room);
    const banned = room.members.get(userId) === "kicked";
    // Telegram's rule: after an unban the user is not in the chat but may join again.
    if (banned || !ctx.params.boolean("only_if_banned")) room.members.set(userId, "left");
    return true;
  },

  leaveChat: (ctx) => {
    const room = chatRoom(ctx);
    if (room.chat.type === "private") throw badRequest("chat member status can't be changed in private chats");
    room.members.set(ctx.bot.user.id, "left");
    return true;
  },
};
