import type { CallbackQuery, Chat, InlineQuery, Message, ReplyKeyboardMarkup, User, UserFromGetMe } from "@grammyjs/types";
import type { Counters } from "./counters.js";
import type { TelegramEmulator } from "./emulator.js";
import { ControlError } from "./errors.js";
import type { FaultKind } from "./faults.js";
import { UserActions } from "./user-actions.js";
import type { Room, World } from "./world.js";

/** Names a chat: a group's id, or a private chat's id (the user's) with its bot's id. */
export interface ChatRef {
  chat_id: number;
  bot_id?: number;
}

/** A user acting in a chat. */
export interface UserInChat extends ChatRef {
  user_id: number;
}

/** A chat and the id of its last message when it was opened (where waiting starts). */
export interface ChatInfo {
  chat: Chat;
  last_message_id: number;
}

/**
 * The control API: what tests do to the emulated Telegram besides calling the Bot API.
 * Every method takes one JSON object and returns JSON, so it works the same in-process and
 * over HTTP at `POST /control/<method>` (see ControlClient).
 */
export class ControlApi {
  private readonly world: World;
  private readonly users: UserActions;

  constructor(private readonly emulator: TelegramEmulator) {
    this.world = emulator.world;
    this.users = new UserActions(emulator.world);
  }

  registerBot(p: { token?: string; username?: string; first_name?: string }): { token: string; user: UserFromGetMe } {
    const { token, me } = this.world.registerBot(p);
    return { token, user: me };
  }

  createUser(p: { id?: number; first_name: string; last_name?: string; username?: string; language_code?: string }): User {
    return this.world.createUser(p);
  }

  /** Opens (or finds) the user's private chat with the bot, as pressing Start does before /start. */
  openPrivateChat(p: { user_id: number; bot_id: number }): ChatInfo {
    return info(this.world.privateChat(this.world.user(p.user_id), this.world.bot(p.bot_id)));
  }

  /** A group or supergroup; the first human member owns it, `admin_ids` are administrators. */
  createGroup(p: { title: string; type?: "group" | "supergroup"; username?: string; member_ids: number[]; admin_ids?: number[] }): ChatInfo {
    const room = this.world.createGroup({ ...p, memberIds: p.member_ids });
    for (const id of p.admin_ids ?? []) room.members.set(id, "administrator");
    return info(room);
  }

  sendText(p: UserInChat & { text: string; reply_to_message_id?: number }): Message {
    return this.users.text(this.world.user(p.user_id), this.#room(p), p.text, p.reply_to_message_id);
  }

  pressKeyboardButton(p: UserInChat & { text: string }): Message {
    return this.users.pressKeyboardButton(this.world.user(p.user_id), this.#room(p), p.text);
  }

  pressInlineButton(p: UserInChat & { message_id: number; data?: string; text?: string }): CallbackQuery {
    return this.users.pressInlineButton(this.world.user(p.user_id), this.#room(p), p.message_id, p);
  }

  sendInlineQuery(p: { user_id: number; bot_id: number; query: string; offset?: string }): InlineQuery {
    return this.users.inlineQuery(this.world.user(p.user_id), this.world.bot(p.bot_id), p.query, p.offset);
  }

  /** Sends a photo: the given bytes (base64), or a tiny placeholder. */
  sendPhoto(p: UserInChat & { caption?: string; data_base64?: string; filename?: string }): Message {
    const data = Buffer.from(p.data_base64 ?? "iVBORw0KGgo=", "base64"); // a PNG signature
    const upload = { filename: p.filename ?? "photo.png", contentType: "image/png", data };
    return this.users.photo(this.world.user(p.user_id), this.#room(p), upload, p.caption);
  }

  sendContact(p: UserInChat & { phone_number?: string; first_name?: string; last_name?: string }): Message {
    const contact = p.phone_number ? { phone_number: p.phone_number, first_name: p.first_name ?? "", last_name: p.last_name } : undefined;
    return this.users.contact(this.world.user(p.user_id), this.#room(p), contact);
  }

  sendLocation(p: UserInChat & { latitude: number; longitude: number }): Message {
    return this.users.location(this.world.user(p.user_id), this.#room(p), p.latitude, p.longitude);
  }

  /** A user or a bot joins a group, by themselves or `added_by` a member (a new_chat_members message). */
  joinGroup(p: { user_id: number; chat_id: number; added_by?: number }): Message {
    const addedBy = p.added_by === undefined ? undefined : this.world.user(p.added_by);
    return this.users.join(this.world.user(p.user_id), this.#room(p), addedBy);
  }

  blockBot(p: { user_id: number; bot_id: number }): true {
    this.users.block(this.world.user(p.user_id), this.world.bot(p.bot_id));
    return true;
  }

  unblockBot(p: { user_id: number; bot_id: number }): true {
    this.users.unblock(this.world.user(p.user_id), this.world.bot(p.bot_id));
    return true;
  }

  /** The chat's messages, oldest first, as they are now (edits applied, deletions gone). */
  history(p: ChatRef): Message[] {
    return [...this.#room(p).messages.values()];
  }

  /** The reply keyboard the bot shows in the chat, or null. */
  replyKeyboard(p: ChatRef): ReplyKeyboardMarkup | null {
    return this.#room(p).replyKeyboard ?? null;
  }

  /**
   * Waits until the chat has `count` (default 1) bot messages after `after_message_id`
   * (default: all), and returns them; fails after `timeout_ms` (default 5000).
   */
  waitForBotMessages(p: ChatRef & { count?: number; after_message_id?: number; timeout_ms?: number }): Promise<Message[]> {
    const room = this.#room(p);
    const count = p.count ?? 1;
    const fromTheBot = (message: Message) =>
      message.from?.is_bot === true && (p.chat_id > 0 || !p.bot_id || message.from.id === p.bot_id);
    const found = () =>
      [...room.messages.values()].filter((m) => m.message_id > (p.after_message_id ?? 0) && fromTheBot(m));
    return this.#waitFor(() => {
      const messages = found();
      return messages.length >= count ? messages.slice(0, count) : undefined;
    }, p.timeout_ms, () => `timed out waiting for ${count} bot message(s) in chat ${p.chat_id}; got ${found().length}`);
  }

  /** Waits for the bot's answer to a callback or inline query. */
  waitForAnswer(p: { query_id: string; timeout_ms?: number }): Promise<Record<string, unknown>> {
    if (!this.world.queries.has(p.query_id)) throw new ControlError(`no query ${p.query_id}`);
    return this.#waitFor(
      () => this.world.queries.get(p.query_id)?.answer,
      p.timeout_ms,
      () => `timed out waiting for the answer to query ${p.query_id}`,
    );
  }

  /** The next `count` calls of `method` fail with 500 or 429, or never answer. */
  injectFault(p: { method: string; kind: FaultKind; count?: number; retry_after?: number }): true {
    if (![500, 429, "hang"].includes(p.kind)) throw new ControlError("kind must be 500, 429 or 'hang'");
    this.emulator.faults.inject({ method: p.method, kind: p.kind, count: p.count ?? 1, retryAfter: p.retry_after });
    return true;
  }

  /** Delays calls of `method` (all calls without one) by `ms`; 0 removes the delay. */
  setLatency(p: { method?: string; ms: number }): true {
    this.emulator.faults.setLatency(p.method, p.ms);
    return true;
  }

  counters(): Counters {
    return this.emulator.counters;
  }

  /** Forgets everything: bots, users, chats, faults, counters. */
  reset(): true {
    this.emulator.reset();
    return true;
  }

  #room(p: ChatRef): Room {
    return this.world.room(p.chat_id, p.bot_id);
  }

  #waitFor<T>(check: () => T | undefined, timeoutMs = 5000, failure: () => string): Promise<T> {
    const ready = check();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const stop = () => {
        unwatch();
        clearTimeout(timer);
      };
      const unwatch = this.world.watch(() => {
        const value = check();
        if (value === undefined) return;
        stop();
        resolve(value);
      });
      const timer = setTimeout(() => {
        stop();
        reject(new ControlError(failure()));
      }, timeoutMs);
    });
  }
}

function info(room: Room): ChatInfo {
  return { chat: room.chat, last_message_id: room.lastMessageId };
}

/** The name of a control method. */
export type ControlMethod = keyof ControlApi;

/** The names the HTTP router accepts: the public methods (helpers are #private, off the prototype). */
export const controlMethods: ReadonlySet<string> = new Set(
  Object.getOwnPropertyNames(ControlApi.prototype).filter((name) => name !== "constructor"),
);
