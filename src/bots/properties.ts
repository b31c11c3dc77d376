import type { Kysely, Selectable } from "kysely";
import { isoNow, type Clock } from "../clock.js";
import type { PropertiesTable, Schema } from "../db/schema.js";
import { fetchPage, type Page, type Window } from "../db/paging.js";
import { prepared, preparedFirst } from "../db/prepared.js";
import { NotFoundError, ValidationError } from "../errors.js";
import { propertyBytes, type StorageQuota } from "./storage-quota.js";

/** A stored property; read its value with `propertyValue` or `propertyJson`. */
export type Property = Selectable<PropertiesTable>;

/** The value types of spec/bjs.md §3. */
export const PROPERTY_TYPES = ["integer", "float", "boolean", "string", "text", "json", "datetime"] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

/** Who a property belongs to: the whole bot, or one of its users. */
export type PropertyScope = "bot" | "user";
export const PROPERTY_SCOPES = ["bot", "user"] as const;

/** The largest serialised value, in bytes (Bots.Business's "about 10 KB"). */
export const MAX_PROPERTY_BYTES = 10_240;

/** Longer strings are `text` rather than `string` when the type is inferred. */
const STRING_LIMIT = 255;

/** The user a user-scoped property belongs to (internal bot user id). */
export interface PropertyOwner {
  userId?: number;
}

/** Which properties a listing shows. */
export interface PropertyFilter {
  scope?: PropertyScope;
  userId?: number;
  name?: string;
  type?: PropertyType;
}

const problem = (sentence: string) => new ValidationError([sentence]);

/** The type a value gets when none is given (spec/bjs.md §3 "type inference"). */
export function inferPropertyType(value: unknown): PropertyType {
  if (typeof value === "string") return value.length > STRING_LIMIT ? "text" : "string";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "float";
  if (typeof value === "boolean") return "boolean";
  if (Array.isArray(value)) throw problem('Property value is an array: give the type "json" to store it');
  if (value instanceof Date) throw problem('Property value is a date: give the type "datetime" to store it');
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) return "json";
  throw problem(`Property value of this kind (${typeof value}) cannot be stored`);
}

/** The value converted to its type's JSON form; throws a sentence when it does not fit the type. */
function normalize(value: unknown, type: PropertyType): unknown {
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  switch (type) {
    case "integer":
      if (typeof number === "number" && Number.isSafeInteger(number)) return number;
      throw problem("Property value is not an integer");
    case "float":
      if (typeof number === "number" && Number.isFinite(number)) return number;
      throw problem("Property value is not a number");
    case "boolean":
      if (typeof value === "boolean") return value;
      if (value === "true" || value === "false") return value === "true";
      throw problem("Property value is not true or false");
    case "string":
    case "text":
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
      throw problem("Property value is not a string");
    case "json":
      if (value === undefined || typeof value === "function" || typeof value === "bigint") throw problem("Property value is not JSON");
      return value;
    case "datetime": {
      const date = value instanceof Date ? value : typeof value === "string" || typeof value === "number" ? new Date(value) : undefined;
      if (date && !Number.isNaN(date.getTime())) return date.toISOString();
      throw problem("Property value is not a date");
    }
  }
}

/** A property's value for BJS: numbers, booleans, strings, parsed JSON, or a Date for datetime. */
export function propertyValue(property: Pick<Property, "value" | "value_type">): unknown {
  const value = propertyJson(property);
  return property.value_type === "datetime" ? new Date(value as string) : value;
}

/** A property's value as JSON (datetime as its ISO string), as the API shows it. */
export function propertyJson(property: Pick<Property, "value">): unknown {
  return JSON.parse(property.value);
}

/**
 * Bot- and user-scoped key/value data (spec/bjs.md §3): typed reads and writes for the
 * runtime, listing and deletion for the API.
 */
export class PropertyStore {
  /** The statements BJS's reads and writes take: built once. */
  private readonly findRow;
  private readonly upsertRow;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly clock: Clock,
    private readonly quota: StorageQuota,
  ) {
    this.findRow = preparedFirst(db, 3, (botId, userId, name) => db.selectFrom("properties").selectAll().where("bot_id", "=", botId).where("user_id", "=", userId).where("name", "=", name));
    this.upsertRow = prepared(db, 6, (bot_id, user_id, name, value_type, value, now) =>
      db
        .insertInto("properties")
        .values({ bot_id, user_id, name, value_type, value, created_at: now, updated_at: now })
        .onConflict((oc) => oc.columns(["bot_id", "user_id", "name"]).doUpdateSet({ value_type, value, updated_at: now }))
        .returningAll(),
    );
  }

  /** The stored property, or undefined. */
  find(botId: number, scope: PropertyScope, name: string, owner: PropertyOwner = {}): Promise<Property | undefined> {
    return this.findRow(botId, userKey(scope, owner), name);
  }

  /** The property's value (see `propertyValue`), or undefined when it is not set. */
  async get(botId: number, scope: PropertyScope, name: string, owner: PropertyOwner = {}): Promise<unknown> {
    const property = await this.find(botId, scope, name, owner);
    return property && propertyValue(property);
  }

  /**
   * Stores a value, inferring its type unless one is given; null or undefined deletes the
   * property (`setProp(name, null)`). A value that does not fit its type, or whose JSON is
   * larger than 10 KB, is refused with a sentence saying why. `charge` is told what the write
   * counts (StorageQuota's measure) before it is made, and refuses it by throwing.
   */
  async set(botId: number, scope: PropertyScope, name: string, value: unknown, options: PropertyOwner & { type?: PropertyType; charge?: (bytes: number) => void } = {}): Promise<Property | undefined> {
    const user_id = userKey(scope, options);
    if (name === "" || name.length > STRING_LIMIT) throw problem(`Property name must be 1 to ${STRING_LIMIT} characters`);
    if (value === null || value === undefined) {
      await this.db.deleteFrom("properties").where("bot_id", "=", botId).where("user_id", "=", user_id).where("name", "=", name).execute();
      return undefined;
    }
    const value_type = options.type ?? inferPropertyType(value);
    if (!PROPERTY_TYPES.includes(value_type)) throw problem(`Property type must be one of: ${PROPERTY_TYPES.join(", ")}`);
    const json = JSON.stringify(normalize(value, value_type));
    const bytes = Buffer.byteLength(json);
    if (bytes > MAX_PROPERTY_BYTES) throw problem(`Property value is too large: ${bytes} bytes (the limit is ${MAX_PROPERTY_BYTES})`);
    options.charge?.(propertyBytes(name, json));
    await this.refuseWhenFull(botId, user_id, name, bytes);
    return (await this.upsertRow(botId, user_id, name, value_type, json, isoNow(this.clock))).rows[0]!;
  }

  /** Once the bot's data fill their quota, a new property or a larger value is refused (StorageQuota). */
  private async refuseWhenFull(botId: number, userId: number, name: string, bytes: number): Promise<void> {
    const used = await this.quota.full(botId);
    if (used === undefined) return;
    const old = await this.findRow(botId, userId, name);
    if (old && Buffer.byteLength(old.value) >= bytes) return;
    throw this.quota.refusal(`Property ${name} not saved`, used);
  }

  /** One page of the bot's properties in id order, filtered. */
  list(botId: number, filter: PropertyFilter, window: Window): Promise<Page<Property>> {
    let query = this.db.selectFrom("properties").selectAll().where("bot_id", "=", botId).orderBy("id");
    if (filter.scope) query = query.where("user_id", filter.scope === "bot" ? "=" : "!=", 0);
    if (filter.userId !== undefined) query = query.where("user_id", "=", filter.userId);
    if (filter.name !== undefined) query = query.where("name", "=", filter.name);
    if (filter.type) query = query.where("value_type", "=", filter.type);
    return fetchPage(query, window);
  }

  /** Deletes one of the bot's properties by id. */
  async delete(botId: number, id: number): Promise<void> {
    const result = await this.db.deleteFrom("properties").where("bot_id", "=", botId).where("id", "=", id).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError("Property");
  }
}

/** The stored `user_id`: 0 for the bot scope, the user's id for the user scope. */
function userKey(scope: PropertyScope, owner: PropertyOwner): number {
  if (scope === "bot") return 0;
  if (!owner.userId || owner.userId < 1) throw problem("A user property needs a user");
  return owner.userId;
}

/** The API's `scope` of a stored property. */
export function propertyScope(property: Pick<Property, "user_id">): PropertyScope {
  return property.user_id === 0 ? "bot" : "user";
}
