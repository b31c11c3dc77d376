import type { Kysely, Selectable } from "kysely";
import { LocalCacheBus, type CacheBus } from "../cache-bus.js";
import type { Clock } from "../clock.js";
import { isoNow } from "../clock.js";
import type { Schema, UsersTable } from "../db/schema.js";
import { ValidationError } from "../errors.js";
import { randomToken, type Secrets } from "./secrets.js";

export type User = Selectable<UsersTable>;

// Each part holds no control character, nor one that renders as nothing (zero-width, variation
// selectors, fillers): "a\u200b@example.com" would be an account that looks like another's.
const EMAIL_PART = String.raw`[^\s@\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]+`;
const EMAIL = new RegExp(String.raw`^${EMAIL_PART}@${EMAIL_PART}\.${EMAIL_PART}$`, "u");

/** Emails compare case-insensitively; they are stored trimmed and lower-cased. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * The address an account made by Telegram login holds until its owner sets one. `.invalid` is
 * reserved (RFC 2606): it never receives mail, and no one may sign up or change to such an
 * address, so no one can take a Telegram user's before their first login.
 */
export function telegramPlaceholderEmail(telegramId: number): string {
  return `telegram-${telegramId}@users.botyard.invalid`;
}

/** Problems with an email address as sentences; empty when it is acceptable. */
export function emailProblems(email: string): string[] {
  if (email === "") return ["Email can't be blank"];
  if (email.length > 254 || !EMAIL.test(email)) return ["Email is not an email"];
  if (email.endsWith(".invalid")) return ["Email is at a .invalid domain, which receives no mail"];
  return [];
}

/** 40 url-safe characters, as the reference's keys. */
function newApiKey(): string {
  return randomToken(30);
}

/** The users table: accounts, their api keys (hashed for look-up, sealed for display). */
export class UserStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly secrets: Secrets,
    private readonly clock: Clock,
    /** Where a change to an account is told to the processes that cache owner rows (the runtime). */
    private readonly bus: CacheBus = new LocalCacheBus(),
  ) {}

  /** Creates an account; a taken email is a validation error. */
  async create(input: { email: string; passwordHash: string | null; name?: string | null; plan: string }): Promise<User> {
    const email = normalizeEmail(input.email);
    const now = isoNow(this.clock);
    const apiKey = newApiKey();
    try {
      return await this.db
        .insertInto("users")
        .values({
          email,
          name: input.name ?? null,
          password_hash: input.passwordHash,
          api_key_hash: this.secrets.hash(apiKey),
          api_key_sealed: this.secrets.seal(apiKey),
          ads_enabled: 1,
          payment_plan: input.plan,
          extra_points: 0,
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (error) {
      if (isUniqueViolation(error)) throw new ValidationError(["Email has already been taken"]);
      throw error;
    }
  }

  byId(id: number): Promise<User | undefined> {
    return this.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
  }

  byEmail(email: string): Promise<User | undefined> {
    return this.db.selectFrom("users").selectAll().where("email", "=", normalizeEmail(email)).executeTakeFirst();
  }

  byApiKey(apiKey: string): Promise<User | undefined> {
    return this.db
      .selectFrom("users")
      .selectAll()
      .where("api_key_hash", "=", this.secrets.hash(apiKey))
      .executeTakeFirst();
  }

  /** The user's api key in clear, for the account page. */
  apiKeyOf(user: User): string {
    return this.secrets.unseal(user.api_key_sealed);
  }

  async update(
    id: number,
    changes: Partial<Pick<User, "email" | "password_hash" | "ads_enabled" | "name">>,
  ): Promise<User> {
    let user: User;
    try {
      user = await this.db
        .updateTable("users")
        .set({ ...changes, updated_at: isoNow(this.clock) })
        .where("id", "=", id)
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (error) {
      if (isUniqueViolation(error)) throw new ValidationError(["Email has already been taken"]);
      throw error;
    }
    await this.bus.changed("owner", id);
    return user;
  }

  /**
   * Replaces the api key the user had when read; the old one stops working at once. Resets sent
   * at once agree on one new key: a reset that finds the key already replaced answers that one
   * (each used to write its own, so all but the last caller held a key that did not work).
   */
  async rotateApiKey(user: User): Promise<User> {
    const apiKey = newApiKey();
    const rotated = await this.db
      .updateTable("users")
      .set({
        api_key_hash: this.secrets.hash(apiKey),
        api_key_sealed: this.secrets.seal(apiKey),
        updated_at: isoNow(this.clock),
      })
      .where("id", "=", user.id)
      .where("api_key_hash", "=", user.api_key_hash)
      .returningAll()
      .executeTakeFirst();
    return rotated ?? this.db.selectFrom("users").selectAll().where("id", "=", user.id).executeTakeFirstOrThrow();
  }
}

/** True for a unique-constraint failure on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string };
  return e?.code === "23505" || e?.code === "SQLITE_CONSTRAINT_UNIQUE";
}
