import type { Kysely, Selectable } from "kysely";
import type { Chat as TelegramChat, User as TelegramUser } from "@grammyjs/types";
import { isoNow, type Clock } from "../clock.js";
import type { BotUsersTable, ChatsTable, Schema } from "../db/schema.js";
import { fetchPage, type Page, type Window } from "../db/paging.js";
import { preparedFirst } from "../db/prepared.js";
import { NotFoundError } from "../errors.js";

/** A Telegram user as one bot knows them; `id` is the internal id BJS calls `user.id`. */
export type BotUser = Selectable<BotUsersTable>;

/** A chat a bot is in; `id` is the internal id the API and `Bot.blockChat` use. */
export type Chat = Selectable<ChatsTable>;

/** The chat types a listing filters by. */
export const CHAT_TYPES = ["private", "group", "supergroup", "channel"] as const;

/** A row the runtime met, and whether this update is the first time (BJS `user.just_created`). */
export interface Remembered<T> {
  row: T;
  justCreated: boolean;
}

/**
 * Finds the row by its natural key or inserts it; a concurrent insert of the same key is
 * found rather than failed, and does not count as created here.
 */
async function remember<T>(find: () => Promise<T | undefined>, insert: () => Promise<T | undefined>, refresh: (row: T) => Promise<T>): Promise<Remembered<T>> {
  const found = await find();
  if (found) return { row: await refresh(found), justCreated: false };
  const inserted = await insert();
  if (inserted) return { row: inserted, justCreated: true };
  return { row: (await find())!, justCreated: false };
}

/** The Telegram users of each bot, with their BB user group (spec/bjs.md §1.8). */
export class BotUserStore {
  private readonly findByTelegramId: (botId: number, telegramid: number) => Promise<BotUser | undefined>;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock,
  ) {
    this.findByTelegramId = preparedFirst(db, 2, (botId, telegramid) => db.selectFrom("bot_users").selectAll().where("bot_id", "=", botId).where("telegramid", "=", telegramid));
  }

  /** Records the sender of an update, refreshing their names; tells whether they are new. */
  remember(botId: number, from: TelegramUser): Promise<Remembered<BotUser>> {
    const profile = { first_name: from.first_name, last_name: from.last_name ?? null, username: from.username ?? null, language_code: from.language_code ?? null };
    return remember(
      () => this.byTelegramId(botId, from.id),
      () => {
        const now = isoNow(this.clock);
        return this.db
          .insertInto("bot_users")
          .values({ bot_id: botId, telegramid: from.id, ...profile, user_group: null, created_at: now, updated_at: now })
          .onConflict((oc) => oc.columns(["bot_id", "telegramid"]).doNothing())
          .returningAll()
          .executeTakeFirst();
      },
      async (user) => {
        const same = (Object.keys(profile) as (keyof typeof profile)[]).every((key) => user[key] === profile[key]);
        return same ? user : this.update(user, profile);
      },
    );
  }

  /** The bot's user with that internal id. */
  /** How many users the bot has met. */
  async count(botId: number): Promise<number> {
    const row = await this.db.selectFrom("bot_users").select((eb) => eb.fn.countAll<number>().as("n")).where("bot_id", "=", botId).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  byId(botId: number, id: number): Promise<BotUser | undefined> {
    return this.db.selectFrom("bot_users").selectAll().where("bot_id", "=", botId).where("id", "=", id).executeTakeFirst();
  }

  /** The bot's user with that Telegram id. */
  byTelegramId(botId: number, telegramid: number): Promise<BotUser | undefined> {
    return this.findByTelegramId(botId, telegramid);
  }

  /** Puts the user in one group, replacing any other (`User.addToGroup`); null removes it (`User.removeGroup`). */
  async setGroup(user: BotUser, group: string | null): Promise<BotUser> {
    return this.update(user, { user_group: group });
  }

  private update(user: BotUser, fields: Partial<BotUser>): Promise<BotUser> {
    return this.db
      .updateTable("bot_users")
      .set({ ...fields, updated_at: isoNow(this.clock) })
      .where("id", "=", user.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}

/** The chats of each bot and their administrator block (not Telegram's user-side block). */
export class ChatStore {
  private readonly findByChatId: (botId: number, chatid: string) => Promise<Chat | undefined>;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock,
  ) {
    this.findByChatId = preparedFirst(db, 2, (botId, chatid) => db.selectFrom("chats").selectAll().where("bot_id", "=", botId).where("chatid", "=", chatid));
  }

  /** Records the chat of an update (a private chat with its bot user); tells whether it is new. */
  remember(botId: number, chat: TelegramChat, userId: number | null = null): Promise<Remembered<Chat>> {
    const details = {
      chat_type: chat.type,
      title: "title" in chat ? (chat.title ?? null) : null,
      username: "username" in chat ? (chat.username ?? null) : null,
    };
    const chatid = String(chat.id);
    return remember(
      () => this.byChatId(botId, chatid),
      () => {
        const now = isoNow(this.clock);
        return this.db
          .insertInto("chats")
          .values({ bot_id: botId, chatid, ...details, user_id: userId, blocked: 0, created_at: now, updated_at: now })
          .onConflict((oc) => oc.columns(["bot_id", "chatid"]).doNothing())
          .returningAll()
          .executeTakeFirst();
      },
      async (row) => {
        // A chat that writes again is reachable again (it had blocked the bot, and unblocked it).
        const same = row.chat_type === details.chat_type && row.title === details.title && row.username === details.username && (userId === null || row.user_id === userId) && row.unreachable === 0;
        return same ? row : this.update(row.id, { ...details, ...(userId !== null && { user_id: userId }), unreachable: 0 });
      },
    );
  }

  /** One page of the bot's chats, oldest first, optionally of one type. */
  list(botId: number, filter: { chatType?: string }, window: Window): Promise<Page<Chat>> {
    let query = this.db.selectFrom("chats").selectAll().where("bot_id", "=", botId).orderBy("id");
    if (filter.chatType) query = query.where("chat_type", "=", filter.chatType);
    return fetchPage(query, window);
  }

  /** How many chats the bot is in, by type. */
  async countByType(botId: number): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom("chats").select(["chat_type", (eb) => eb.fn.countAll<number>().as("n")]).where("bot_id", "=", botId).groupBy("chat_type").execute();
    return Object.fromEntries(rows.map((row) => [row.chat_type, Number(row.n)]));
  }

  /** The bot's chat with that internal id. */
  byId(botId: number, id: number): Promise<Chat | undefined> {
    return this.db.selectFrom("chats").selectAll().where("bot_id", "=", botId).where("id", "=", id).executeTakeFirst();
  }

  /** The bot's chat with that Telegram chat id. */
  byChatId(botId: number, chatid: number | string): Promise<Chat | undefined> {
    return this.findByChatId(botId, String(chatid));
  }

  /** The user's private chat with the bot (internal ids), or undefined. */
  privateOf(botId: number, userId: number): Promise<Chat | undefined> {
    return this.db.selectFrom("chats").selectAll().where("bot_id", "=", botId).where("user_id", "=", userId).where("chat_type", "=", "private").orderBy("id").executeTakeFirst();
  }

  /** The bot's first chat with that title (`Bot.sendMessageToChat`). */
  byTitle(botId: number, title: string): Promise<Chat | undefined> {
    return this.db.selectFrom("chats").selectAll().where("bot_id", "=", botId).where("title", "=", title).orderBy("id").executeTakeFirst();
  }

  /** Blocks or unblocks a chat by its internal id (`Bot.blockChat` / `unblockChat`, the API). */
  async setBlocked(botId: number, id: number, blocked: boolean): Promise<Chat> {
    const chat = await this.byId(botId, id);
    if (!chat) throw new NotFoundError("Chat");
    return chat.blocked === Number(blocked) ? chat : this.update(id, { blocked: blocked ? 1 : 0 });
  }

  /** Marks a chat whose user blocked the bot (Telegram answered 403): broadcasts skip it until it writes again. */
  async markUnreachable(botId: number, id: number): Promise<void> {
    await this.db.updateTable("chats").set({ unreachable: 1, updated_at: isoNow(this.clock) }).where("bot_id", "=", botId).where("id", "=", id).execute();
  }

  private update(id: number, fields: Partial<Chat>): Promise<Chat> {
    return this.db
      .updateTable("chats")
      .set({ ...fields, updated_at: isoNow(this.clock) })
      .where("id", "=", id)
      .returningAll()
      .executeTakeFirstOrThrow();
  }
}
