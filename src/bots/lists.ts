import type { Kysely, Selectable } from "kysely";
import { isoNow, type Clock } from "../clock.js";
import type { BotListsTable, Schema } from "../db/schema.js";
import { propertyJson } from "./properties.js";
import { LIST_MEMBER_BYTES, listBytes, type StorageQuota } from "./storage-quota.js";

/** A list of a bot (`user_id` 0) or of one of its users (spec/bjs.md §2.9). */
export type BotList = Selectable<BotListsTable>;

/** Where a list lives: its bot, its user (0 for a bot list), its name. */
export interface ListKey {
  botId: number;
  userId: number;
  name: string;
}

/** A user as a list shows it (`list.getUsers()`, a record's `user`). */
export interface ListUser {
  id: number;
  telegramid: number;
  first_name: string | null;
  last_name: string | null;
  username: string | null;
}

/** A property of a list as `list.get()` answers it. */
export interface ListRecord {
  name: string;
  value: unknown;
  value_type: string;
  created_at: string;
  updated_at: string;
  user: ListUser | null;
}

/** The most records or users one page may hold. */
export const MAX_LIST_PAGE = 100;

const USER_COLUMNS = ["bot_users.id", "bot_users.telegramid", "bot_users.first_name", "bot_users.last_name", "bot_users.username"] as const;

/**
 * Lists of properties and users (`new List`): a property belongs to one list at most
 * (attaching moves it, nothing is copied); pages come in property (or membership) id order,
 * the order Bots.Business answers in today.
 */
export class ListStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock,
    private readonly quota: StorageQuota,
  ) {}

  find(key: ListKey): Promise<BotList | undefined> {
    return this.db.selectFrom("bot_lists").selectAll().where("bot_id", "=", key.botId).where("user_id", "=", key.userId).where("name", "=", key.name).executeTakeFirst();
  }

  /** The list, created when missing (unless the bot's data fill their quota); `charge` is told what a creation stores. */
  async ensure(key: ListKey, charge?: (bytes: number) => void): Promise<BotList> {
    const found = await this.find(key);
    if (found) return found;
    const used = await this.quota.full(key.botId);
    if (used !== undefined) throw this.quota.refusal(`List ${key.name} not created`, used);
    charge?.(listBytes(key.name));
    const now = isoNow(this.clock);
    await this.db
      .insertInto("bot_lists")
      .values({ bot_id: key.botId, user_id: key.userId, name: key.name, created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(["bot_id", "user_id", "name"]).doNothing())
      .execute();
    return (await this.find(key))!;
  }

  /** Moves one of the bot's properties into the list. */
  async attach(list: BotList, propertyId: number): Promise<void> {
    await this.db.updateTable("properties").set({ list_id: list.id }).where("id", "=", propertyId).where("bot_id", "=", list.bot_id).execute();
  }

  async count(list: BotList): Promise<number> {
    const row = await this.db.selectFrom("properties").select((eb) => eb.fn.countAll<number>().as("n")).where("list_id", "=", list.id).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async usersCount(list: BotList): Promise<number> {
    const row = await this.db.selectFrom("bot_list_users").select((eb) => eb.fn.countAll<number>().as("n")).where("list_id", "=", list.id).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** One page (1-based) of the list's properties, each with its user for a user property. */
  async records(list: BotList, page: number, perPage: number): Promise<ListRecord[]> {
    const rows = await this.db
      .selectFrom("properties")
      .leftJoin("bot_users", "bot_users.id", "properties.user_id")
      .select(["properties.name", "properties.value", "properties.value_type", "properties.created_at", "properties.updated_at", ...USER_COLUMNS])
      .where("properties.list_id", "=", list.id)
      .orderBy("properties.id")
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute();
    return rows.map((row) => ({
      name: row.name,
      value: propertyJson(row),
      value_type: row.value_type,
      created_at: row.created_at,
      updated_at: row.updated_at,
      user: row.id === null ? null : { id: row.id, telegramid: Number(row.telegramid), first_name: row.first_name, last_name: row.last_name, username: row.username },
    }));
  }

  /** One page (1-based) of the list's users, in the order they were added. */
  async users(list: BotList, page: number, perPage: number): Promise<ListUser[]> {
    const rows = await this.db
      .selectFrom("bot_list_users")
      .innerJoin("bot_users", "bot_users.id", "bot_list_users.bot_user_id")
      .select([...USER_COLUMNS])
      .where("bot_list_users.list_id", "=", list.id)
      .orderBy("bot_list_users.id")
      .limit(perPage)
      .offset((page - 1) * perPage)
      .execute();
    return rows.map((row) => ({ ...row, telegramid: Number(row.telegramid) }));
  }

  /** The list's user with that internal id, or undefined. */
  async user(list: BotList, botUserId: number): Promise<ListUser | undefined> {
    const row = await this.db
      .selectFrom("bot_list_users")
      .innerJoin("bot_users", "bot_users.id", "bot_list_users.bot_user_id")
      .select([...USER_COLUMNS])
      .where("bot_list_users.list_id", "=", list.id)
      .where("bot_users.id", "=", botUserId)
      .executeTakeFirst();
    return row && { ...row, telegramid: Number(row.telegramid) };
  }

  /** Adds one of the bot's users (once); `charge` is told what the addition stores. */
  async addUser(list: BotList, botUserId: number, charge?: (bytes: number) => void): Promise<void> {
    const user = await this.db.selectFrom("bot_users").select("id").where("id", "=", botUserId).where("bot_id", "=", list.bot_id).executeTakeFirst();
    if (!user) return;
    const member = await this.db.selectFrom("bot_list_users").select("id").where("list_id", "=", list.id).where("bot_user_id", "=", botUserId).executeTakeFirst();
    if (member) return;
    const used = await this.quota.full(list.bot_id);
    if (used !== undefined) throw this.quota.refusal(`User ${botUserId} not added to list ${list.name}`, used);
    charge?.(LIST_MEMBER_BYTES);
    await this.db
      .insertInto("bot_list_users")
      .values({ list_id: list.id, bot_id: list.bot_id, bot_user_id: botUserId, created_at: isoNow(this.clock) })
      .onConflict((oc) => oc.columns(["list_id", "bot_user_id"]).doNothing())
      .execute();
  }

  /** Takes one user, or all, off the list. */
  async rejectUsers(list: BotList, botUserId?: number): Promise<void> {
    let query = this.db.deleteFrom("bot_list_users").where("list_id", "=", list.id);
    if (botUserId !== undefined) query = query.where("bot_user_id", "=", botUserId);
    await query.execute();
  }

  /** Detaches the list's properties of that name (all when none is named); they stay. */
  async rejectProperties(list: BotList, name?: string): Promise<void> {
    let query = this.db.updateTable("properties").set({ list_id: null }).where("list_id", "=", list.id);
    if (name !== undefined) query = query.where("name", "=", name);
    await query.execute();
  }

  /** Deletes the list's properties of that name (all when none is named). */
  async removeProperties(list: BotList, name?: string): Promise<void> {
    let query = this.db.deleteFrom("properties").where("list_id", "=", list.id);
    if (name !== undefined) query = query.where("name", "=", name);
    await query.execute();
  }

  /** Deletes the list (its users with it); its properties stay, detached. */
  async remove(list: BotList): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable("properties").set({ list_id: null }).where("list_id", "=", list.id).execute();
      await trx.deleteFrom("bot_lists").where("id", "=", list.id).execute();
    });
  }
}
