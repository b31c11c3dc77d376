import type { CallbackQuery, InlineQuery, KeyboardButton, Message, User } from "@grammyjs/types";
import { ControlError } from "./errors.js";
import { formatText } from "./formatting.js";
import type { Upload } from "./params.js";
import type { UpdateContent } from "./update-queue.js";
import type { BotAccount, Room, World } from "./world.js";

/** What people do in Telegram: each action is stored and becomes updates for the bots. */
export class UserActions {
  constructor(private readonly world: World) {}

  /**
   * Posts a message as the user and queues it for the room's bots. Writing to a bot one
   * blocked unblocks it first, as the Telegram apps do.
   */
  send(user: User, room: Room, content: Partial<Message>): Message {
    const status = room.members.get(user.id);
    if (status === undefined || status === "left" || status === "kicked") {
      throw new ControlError(`user ${user.id} is not a member of chat ${room.chat.id}`);
    }
    if (this.world.restriction(room, user.id)?.can_send_messages === false) {
      throw new ControlError(`user ${user.id} may not send messages in chat ${room.chat.id}`);
    }
    if (room.chat.type === "private") {
      const bot = this.botOf(room);
      if (bot.blockedBy.has(user.id)) this.unblock(user, bot);
    }
    const message = this.world.addMessage(room, user, content);
    this.world.notifyBots(room, { message } as UpdateContent, user.id);
    return message;
  }

  /** A text message; commands in it get their bot_command entities. */
  text(user: User, room: Room, text: string, replyTo?: number): Message {
    if (text === "") throw new ControlError("a text message needs text");
    const { entities } = formatText(text);
    const replied = replyTo === undefined ? undefined : room.messages.get(replyTo);
    if (replyTo !== undefined && !replied) throw new ControlError(`no message ${replyTo} to reply to`);
    return this.send(user, room, {
      text,
      ...(entities.length && { entities }),
      ...(replied && { reply_to_message: replied as Message["reply_to_message"] }),
    });
  }

  /** Presses a button of the reply keyboard the bot last showed: sends its text (or contact). */
  pressKeyboardButton(user: User, room: Room, label: string): Message {
    const keyboard = room.replyKeyboard;
    if (!keyboard) throw new ControlError(`the bot shows no reply keyboard in chat ${room.chat.id}`);
    const buttons = keyboard.keyboard.flat().map((button: KeyboardButton) => (typeof button === "string" ? { text: button } : button));
    const button = buttons.find((candidate) => candidate.text === label);
    if (!button) {
      throw new ControlError(`no button '${label}' in the reply keyboard (${buttons.map((b) => `'${b.text}'`).join(", ")})`);
    }
    if (keyboard.one_time_keyboard) room.replyKeyboard = undefined;
    if ("request_contact" in button && button.request_contact) return this.contact(user, room);
    return this.text(user, room, label);
  }

  /** Presses an inline button (by callback_data, or by its text) on a bot's message. */
  pressInlineButton(user: User, room: Room, messageId: number, which: { data?: string; text?: string }): CallbackQuery {
    const message = room.messages.get(messageId);
    if (!message?.from?.is_bot) throw new ControlError(`no bot message ${messageId} in chat ${room.chat.id}`);
    const buttons = message.reply_markup?.inline_keyboard.flat() ?? [];
    const button = buttons.find(
      (b) =>
        "callback_data" in b &&
        (which.data === undefined || b.callback_data === which.data) &&
        (which.text === undefined || b.text === which.text),
    );
    if (!button || !("callback_data" in button)) {
      throw new ControlError(`message ${messageId} has no callback button ${JSON.stringify(which)}`);
    }
    const bot = this.world.bot(message.from.id);
    const query: CallbackQuery = {
      id: this.world.addQuery(bot.user.id),
      from: user,
      message: message as CallbackQuery["message"] & object,
      chat_instance: String(Math.abs(room.chat.id * 31 + bot.user.id)),
      data: button.callback_data,
    };
    bot.updates.push({ callback_query: query });
    return query;
  }

  /** Types `@bot query` in any chat: an inline query for the bot. */
  inlineQuery(user: User, bot: BotAccount, query: string, offset = ""): InlineQuery {
    const inline: InlineQuery = { id: this.world.addQuery(bot.user.id), from: user, query, offset, chat_type: "sender" };
    bot.updates.push({ inline_query: inline });
    return inline;
  }

  photo(user: User, room: Room, upload: Upload, caption?: string): Message {
    const file = this.world.files.add("photo", upload);
    const photo = [{ file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size, width: 1280, height: 720 }];
    return this.send(user, room, { photo, ...(caption && { caption }) });
  }

  /** Shares a contact; the user's own by default (what a request_contact button sends). */
  contact(user: User, room: Room, contact?: { phone_number: string; first_name: string; last_name?: string }): Message {
    const own = { phone_number: `+1555${String(user.id).slice(-7)}`, first_name: user.first_name, user_id: user.id };
    return this.send(user, room, { contact: contact ?? own });
  }

  location(user: User, room: Room, latitude: number, longitude: number): Message {
    return this.send(user, room, { location: { latitude, longitude } });
  }

  /**
   * A user or a bot joins a group (added by `addedBy`, a member, when given): the others
   * see a new_chat_members message from whoever did it; a bot also gets my_chat_member.
   */
  join(user: User, room: Room, addedBy: User = user): Message {
    if (room.chat.type === "private") throw new ControlError("nobody can join a private chat");
    const before = room.members.get(user.id) ?? "left";
    if (before === "kicked") throw new ControlError(`user ${user.id} is banned from chat ${room.chat.id}`);
    room.members.set(user.id, "member");
    if (user.is_bot) this.memberChange(this.world.bot(user.id), room, addedBy, before, "member");
    return this.send(addedBy, room, { new_chat_members: [user], new_chat_member: user, new_chat_participant: user } as Partial<Message>);
  }

  block(user: User, bot: BotAccount): void {
    if (bot.blockedBy.has(user.id)) return;
    bot.blockedBy.add(user.id);
    this.memberChange(bot, this.world.privateChat(user, bot), user, "member", "kicked");
  }

  unblock(user: User, bot: BotAccount): void {
    if (!bot.blockedBy.delete(user.id)) return;
    this.memberChange(bot, this.world.privateChat(user, bot), user, "kicked", "member");
  }

  /** The bot's own membership changed: Telegram tells it with my_chat_member. */
  private memberChange(bot: BotAccount, room: Room, by: User, before: string, after: string): void {
    const member = (status: string) => ({ status, user: bot.user, ...(status === "kicked" && { until_date: 0 }) });
    bot.updates.push({
      my_chat_member: {
        chat: room.chat,
        from: by,
        date: this.world.date(),
        old_chat_member: member(before),
        new_chat_member: member(after),
      },
    } as UpdateContent);
  }

  private botOf(room: Room): BotAccount {
    const botId = [...room.members.keys()].find((id) => this.world.users.get(id)?.is_bot);
    return this.world.bot(botId!);
  }
}
