import { randomBytes } from "node:crypto";
import type {
  BotCommand,
  Chat,
  ChatMember,
  ChatPermissions,
  Message,
  ReplyKeyboardMarkup,
  User,
  UserFromGetMe,
} from "@grammyjs/types";
import type { Clock } from "../../clock.js";
import { chatNotFound, ControlError, forbidden, botBlocked } from "./errors.js";
import { FileStore } from "./files.js";
import { UpdateQueue, type UpdateContent } from "./update-queue.js";

/** Where a bot's updates go while a webhook is set (see setWebhook). */
export interface WebhookSettings {
  url: string;
  secretToken?: string;
  maxConnections: number;
  allowedUpdates?: string[];
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

/** A registered bot: its token, its user, its updates and settings. */
export interface BotAccount {
  token: string;
  /** The bot as it appears in messages. */
  user: User;
  /** The bot as getMe describes it. */
  me: UserFromGetMe;
  updates: UpdateQueue;
  /** setMyCommands lists, by scope and language. */
  commands: Map<string, BotCommand[]>;
  webhook?: WebhookSettings;
  /** Users who blocked the bot. */
  blockedBy: Set<number>;
}

export type MemberStatus = ChatMember["status"];

/**
 * A conversation with its history. A private chat is one user with one bot (Telegram gives
 * each bot its own history with a user); a group is shared by all its members.
 */
export interface Room {
  key: string;
  /** The chat as bots see it in messages. */
  chat: Chat;
  messages: Map<number, Message>;
  lastMessageId: number;
  members: Map<number, MemberStatus>;
  /** What restricted members may do, and until when (a Telegram date; 0 is forever). */
  restrictions: Map<number, { permissions: ChatPermissions; until_date: number }>;
  /** The reply keyboard the bot last showed here, which a user may press. */
  replyKeyboard?: ReplyKeyboardMarkup;
  pinned?: Message;
}

/** A callback or inline query waiting for the bot's answer. */
export interface Query {
  botId: number;
  date: number;
  answer?: Record<string, unknown>;
}

/** Settings of the world that tests may change. */
export interface WorldOptions {
  clock: Clock;
  /** Messages kept per chat; older ones are forgotten, so long benchmarks keep flat memory. */
  historyLimit: number;
  /** The first update_id of a bot registered now (see EmulatorOptions). */
  firstUpdateId?: () => number;
}

const roomKey = (chatId: number, botId?: number): string => (chatId > 0 ? `${botId}:${chatId}` : `${chatId}`);

/** Everything Telegram knows: bots, users, chats with their messages, files and queries. */
export class World {
  readonly bots = new Map<string, BotAccount>();
  readonly users = new Map<number, User>();
  readonly rooms = new Map<string, Room>();
  readonly queries = new Map<string, Query>();
  readonly files = new FileStore();
  private readonly botsById = new Map<number, BotAccount>();
  private readonly watchers = new Set<() => void>();
  private nextUserId = 100_000_001;
  private nextBotId = 7_000_000_001;
  private nextGroupId = 4_000_000_001;
  private nextQueryId = 1;

  constructor(private readonly options: WorldOptions) {}

  /** Telegram's dates: whole seconds. */
  date(): number {
    return Math.floor(this.options.clock.now() / 1000);
  }

  /** The member's restriction while it lasts; a lapsed one is dropped, as Telegram does. */
  restriction(room: Room, userId: number): ChatPermissions | undefined {
    const restriction = room.restrictions.get(userId);
    if (!restriction) return undefined;
    if (restriction.until_date !== 0 && restriction.until_date <= this.date()) {
      room.restrictions.delete(userId);
      if (room.members.get(userId) === "restricted") room.members.set(userId, "member");
      return undefined;
    }
    return restriction.permissions;
  }

  registerBot(input: { token?: string; username?: string; first_name?: string }): BotAccount {
    const token = input.token ?? `${this.nextBotId++}:${randomBytes(27).toString("base64url").slice(0, 35)}`;
    const id = Number(/^(\d+):[\w-]+$/.exec(token)?.[1]);
    if (!Number.isSafeInteger(id)) throw new ControlError(`'${token}' is not a bot token (<digits>:<secret>)`);
    if (this.users.has(id)) throw new ControlError(`id ${id} is already taken`);
    const username = input.username ?? `bot${id}_bot`;
    const user: User = { id, is_bot: true, first_name: input.first_name ?? username, username };
    const me: UserFromGetMe = {
      ...user,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: true,
      can_connect_to_business: false,
      has_main_web_app: false,
    } as UserFromGetMe;
    const bot: BotAccount = { token, user, me, updates: new UpdateQueue(this.options.firstUpdateId?.() ?? 1), commands: new Map(), blockedBy: new Set() };
    this.bots.set(token, bot);
    this.botsById.set(id, bot);
    this.users.set(id, user);
    return bot;
  }

  /** A new user; `id` picks the id (a stable one across restarts), else the next free one. */
  createUser(input: { id?: number; first_name: string; last_name?: string; username?: string; language_code?: string }): User {
    if (!input.first_name) throw new ControlError("a user needs a first_name");
    if (input.id !== undefined && (!Number.isSafeInteger(input.id) || input.id <= 0 || this.users.has(input.id))) {
      throw new ControlError(`id ${input.id} is not free`);
    }
    const user: User = { ...input, id: input.id ?? this.nextUserId++, is_bot: false };
    this.users.set(user.id, user);
    return user;
  }

  /** The user's private chat with the bot, opened if new. */
  privateChat(user: User, bot: BotAccount): Room {
    if (user.is_bot) throw new ControlError("bots cannot open private chats with bots");
    const key = roomKey(user.id, bot.user.id);
    let room = this.rooms.get(key);
    if (!room) {
      const { id, first_name, last_name, username } = user;
      const chat = { id, type: "private", first_name, ...(last_name && { last_name }), ...(username && { username }) };
      room = this.addRoom(key, chat as Chat, [[user.id, "member"], [bot.user.id, "member"]]);
    }
    return room;
  }

  createGroup(input: { title: string; type?: "group" | "supergroup"; username?: string; memberIds: number[] }): Room {
    const type = input.type ?? "group";
    const serial = this.nextGroupId++;
    const id = -(type === "supergroup" ? 1_000_000_000_000 + serial : serial);
    const chat = { id, type, title: input.title, ...(input.username && { username: input.username }) } as Chat;
    const creator = input.memberIds.find((member) => !this.user(member).is_bot);
    return this.addRoom(
      roomKey(id),
      chat,
      input.memberIds.map((member) => [member, member === creator ? "creator" : "member"]),
    );
  }

  user(id: number): User {
    const user = this.users.get(id);
    if (!user) throw new ControlError(`no user ${id}`);
    return user;
  }

  bot(id: number): BotAccount {
    const bot = this.botsById.get(id);
    if (!bot) throw new ControlError(`no bot ${id}`);
    return bot;
  }

  /** The room a control call names: a group id, or a private chat id with its bot. */
  room(chatId: number, botId?: number): Room {
    const room = this.rooms.get(roomKey(chatId, botId));
    if (!room) throw new ControlError(`no chat ${chatId}${chatId > 0 ? ` with bot ${botId}` : ""}`);
    return room;
  }

  /**
   * The room a bot names by `chat_id` (an id or a group's @username), if the bot may write
   * there: Telegram's "chat not found" and "Forbidden" answers otherwise.
   */
  roomForBot(bot: BotAccount, chatId: number | string | undefined, options: { writing: boolean }): Room {
    const room =
      typeof chatId === "string" && chatId.startsWith("@")
        ? [...this.rooms.values()].find((r) => "username" in r.chat && `@${r.chat.username}` === chatId && r.chat.id < 0)
        : this.rooms.get(roomKey(Number(chatId), bot.user.id));
    if (!room) {
      const user = typeof chatId === "number" || /^\d+$/.test(String(chatId)) ? this.users.get(Number(chatId)) : undefined;
      if (user?.is_bot && options.writing) throw forbidden("bot can't send messages to bots");
      if (user && options.writing) throw forbidden("bot can't initiate conversation with a user");
      throw chatNotFound();
    }
    if (room.chat.type === "private") {
      if (options.writing && bot.blockedBy.has(room.chat.id)) throw botBlocked();
      return room;
    }
    const status = room.members.get(bot.user.id);
    if (status === "kicked") throw forbidden(`bot was kicked from the ${room.chat.type} chat`);
    if (status === undefined || status === "left") throw forbidden(`bot is not a member of the ${room.chat.type} chat`);
    return room;
  }

  /** Appends a message to a room's history with the next id and the current date. */
  addMessage(room: Room, from: User, content: Partial<Message>): Message {
    const message = { message_id: ++room.lastMessageId, from, chat: room.chat, date: this.date(), ...content } as Message;
    this.store(room, message);
    if (room.messages.size > this.options.historyLimit) room.messages.delete(room.messages.keys().next().value!);
    return message;
  }

  /** Replaces a stored message (an edit) or stores a new one, and wakes the watchers. */
  store(room: Room, message: Message): void {
    room.messages.set(message.message_id, message);
    this.changed();
  }

  /** Queues an update for each bot in the room (the sender excepted) that is a member. */
  notifyBots(room: Room, update: UpdateContent, exceptId?: number): void {
    for (const [memberId, status] of room.members) {
      if (memberId === exceptId || status === "left" || status === "kicked") continue;
      const bot = this.botsById.get(memberId);
      if (bot) bot.updates.push(update);
    }
  }

  /** Registers a query for the bot to answer; returns its id. */
  addQuery(botId: number): string {
    const id = `${botId}${String(this.nextQueryId++).padStart(9, "0")}`;
    this.queries.set(id, { botId, date: this.date() });
    return id;
  }

  /** Calls `watcher` after every change to messages or answers; returns the unsubscribe function. */
  watch(watcher: () => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  changed(): void {
    for (const watcher of this.watchers) watcher();
  }

  /** Forgets every bot, user, chat, file and query, as a fresh Telegram (ids keep counting). */
  reset(): void {
    for (const map of [this.bots, this.users, this.rooms, this.queries, this.botsById]) map.clear();
    this.files.clear();
  }

  private addRoom(key: string, chat: Chat, members: Array<[number, MemberStatus]>): Room {
    const room: Room = { key, chat, messages: new Map(), lastMessageId: 0, members: new Map(members), restrictions: new Map() };
    this.rooms.set(key, room);
    return room;
  }
}
