import { createHash, createHmac } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import type { Clock } from "../clock.js";
import type { Schema, TelegramAccountsTable } from "../db/schema.js";
import { UnauthorizedError, UnprocessableError, ValidationError } from "../errors.js";
import { isApiPath } from "../net/api-paths.js";
import { randomToken, safeEqual, type Secrets } from "./secrets.js";

export type TelegramAccount = Selectable<TelegramAccountsTable>;

/** A Telegram user as the Login Widget or a bot update describes them. */
export interface TelegramIdentity {
  id: number;
  first_name?: string | null;
  last_name?: string | null;
  username?: string | null;
  photo_url?: string | null;
}

export const LOGIN_MAX_AGE_S = 24 * 3600;
export const LINK_TOKEN_TTL_MS = 3600 * 1000;
const NOT_CONFIGURED = "Telegram login is not configured";
/** What a bot's public link answers (403) to a login the platform's login bot signed. */
export const PLATFORM_LOGIN_REFUSED = "A bot's link does not take a Telegram login to this platform: sign in at /v2/auth/telegram";
/** The fields Telegram signs (besides `hash`) in every login, and those it adds when the user has them. */
const LOGIN_FIELDS_ALWAYS = ["id", "auth_date"];
const LOGIN_FIELDS_IF_SET = ["first_name", "last_name", "username", "photo_url"];
/** The endpoint that takes the Login Widget's signed fields. */
const SIGN_IN_PATH = "/v2/auth/telegram";

/** What `/start link_<token>` did, for the login bot to tell the user. */
export type LinkOutcome = "linked" | "already_linked" | "linked_elsewhere" | "invalid_token";

/**
 * Telegram login (the Login Widget's signed data) and account linking through the login
 * bot's `/start link_<token>`.
 */
export class TelegramLogin {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly secrets: Secrets,
    private readonly clock: Clock,
    private readonly bot: { token?: string; username?: string; origin: string },
  ) {}

  private configuredToken(): string {
    if (!this.bot.token) throw new UnprocessableError(NOT_CONFIGURED);
    return this.bot.token;
  }

  /** The Telegram OAuth page that signs the user in with the platform's login bot. */
  loginUrl(returnTo?: string): string {
    const botId = this.configuredToken().split(":")[0]!;
    const url = new URL("https://oauth.telegram.org/auth");
    url.searchParams.set("bot_id", botId);
    url.searchParams.set("origin", this.bot.origin);
    url.searchParams.set("request_access", "write");
    url.searchParams.set("return_to", this.ownAddress(returnTo ?? SIGN_IN_PATH));
    return url.toString();
  }

  /**
   * `returnTo` as an address of the platform where the signed login may go: the sign-in
   * endpoint, or a dashboard page, given whole on the origin or as a path. Telegram puts the
   * login in the address's fragment, so any other address could hand it to someone else:
   * another origin, or the platform's own addresses that serve what bot owners wrote (web
   * apps, Webhooks links that redirect).
   */
  private ownAddress(returnTo: string): string {
    const origin = new URL(this.bot.origin).origin;
    const url = URL.canParse(returnTo, `${origin}/`) ? new URL(returnTo, `${origin}/`) : undefined;
    // The router decodes a path before matching it (`/%76%31/` is `/v1/`): so is the check.
    const path = url && decodedPath(url.pathname);
    const safe =
      url?.origin === origin &&
      path !== undefined &&
      !url.username &&
      !url.password &&
      !path.startsWith("//") &&
      (path === SIGN_IN_PATH || !isApiPath(path.toLowerCase()));
    if (!safe) throw new ValidationError([`Return to must be ${origin}${SIGN_IN_PATH} or a dashboard page on ${origin} (a path is enough)`]);
    return url.toString();
  }

  /** Checks Login Widget data: signed by the login bot, with an `auth_date` less than a day old. */
  verify(data: Record<string, string>): TelegramIdentity {
    const present = [...LOGIN_FIELDS_ALWAYS, ...LOGIN_FIELDS_IF_SET].filter((key) => data[key] !== undefined);
    if (!signed(data, present, signingKey(this.configuredToken()))) throw new UnauthorizedError("Telegram login data is not authentic");
    const age = this.clock.now() / 1000 - Number(data.auth_date);
    if (!Number.isFinite(age) || age > LOGIN_MAX_AGE_S || age < -300) {
      throw new UnauthorizedError("Telegram login data is outdated; sign in with Telegram again");
    }
    const id = Number(data.id);
    if (!Number.isSafeInteger(id) || id <= 0) throw new ValidationError(["Id is not a Telegram user id"]);
    return { id, first_name: data.first_name, last_name: data.last_name, username: data.username, photo_url: data.photo_url };
  }

  /**
   * Whether `fields` are a login the platform's login bot signed, of any age: what a bot's
   * public link (a web app, a Webhooks link) must refuse. Telegram sends a login to any address
   * on the platform's domain, so an owner could have one sent to their bot's link.
   */
  isPlatformLogin(query: Record<string, string | undefined>): boolean {
    const { token } = this.bot;
    if (token === undefined || typeof query.hash !== "string" || LOGIN_FIELDS_ALWAYS.some((key) => query[key] === undefined)) return false;
    // The link may already hold a field this user's login lacks (`&last_name=`): Telegram signed
    // some of the optional fields present, so each choice of them is tried (16 at most).
    const optional = LOGIN_FIELDS_IF_SET.filter((key) => query[key] !== undefined);
    const key = signingKey(token);
    for (let choice = 0; choice < 1 << optional.length; choice++) {
      if (signed(query, [...LOGIN_FIELDS_ALWAYS, ...optional.filter((_, i) => choice & (1 << i))], key)) return true;
    }
    return false;
  }

  /** The account linked to this Telegram user, if any. */
  async accountOf(telegramId: number): Promise<TelegramAccount | undefined> {
    return this.db.selectFrom("telegram_accounts").selectAll().where("telegramid", "=", telegramId).executeTakeFirst();
  }

  /** Links a Telegram user to an account, or refreshes their names when already linked. */
  async link(userId: number, identity: TelegramIdentity, db: Kysely<Schema> = this.db): Promise<void> {
    const details = {
      first_name: identity.first_name ?? null,
      last_name: identity.last_name ?? null,
      username: identity.username ?? null,
      photo_url: identity.photo_url ?? null,
    };
    await db
      .insertInto("telegram_accounts")
      .values({ user_id: userId, telegramid: identity.id, ...details, created_at: new Date(this.clock.now()).toISOString() })
      .onConflict((oc) => oc.column("telegramid").doUpdateSet(details))
      .execute();
  }

  /** The user's linked Telegram accounts, oldest first. */
  linkedAccounts(userId: number): Promise<TelegramAccount[]> {
    return this.db.selectFrom("telegram_accounts").selectAll().where("user_id", "=", userId).orderBy("id").execute();
  }

  /** A one-time `t.me` link: pressing Start in the login bot links the Telegram account. */
  async linkUrl(userId: number): Promise<string> {
    this.configuredToken();
    if (!this.bot.username) throw new UnprocessableError(`${NOT_CONFIGURED}: TELEGRAM_LOGIN_BOT_USERNAME is not set`);
    const token = randomToken(24);
    const now = this.clock.now();
    await this.db
      .insertInto("telegram_link_tokens")
      .values({
        user_id: userId,
        token_hash: this.secrets.hash(token),
        expires_at: new Date(now + LINK_TOKEN_TTL_MS).toISOString(),
        created_at: new Date(now).toISOString(),
      })
      .execute();
    return `https://t.me/${this.bot.username}?start=link_${token}`;
  }

  /** Completes a link when the login bot receives `/start link_<token>` from `identity`. */
  async completeLink(token: string, identity: TelegramIdentity): Promise<LinkOutcome> {
    const now = new Date(this.clock.now()).toISOString();
    return this.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .deleteFrom("telegram_link_tokens")
        .where("token_hash", "=", this.secrets.hash(token))
        .where("expires_at", ">", now)
        .returning("user_id")
        .executeTakeFirst();
      if (!claimed) return "invalid_token";
      const existing = await trx.selectFrom("telegram_accounts").select("user_id").where("telegramid", "=", identity.id).executeTakeFirst();
      if (existing && existing.user_id !== claimed.user_id) return "linked_elsewhere";
      await this.link(claimed.user_id, identity, trx);
      return existing ? "already_linked" : "linked";
    });
  }
}

/** What Telegram keys a login's signature with: the SHA-256 of the login bot's token. */
function signingKey(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}

/**
 * Telegram's check of `keys` among `fields` (a link's own query may hold others): the
 * HMAC-SHA256 of their sorted `key=value` lines, keyed with `signingKey`.
 */
function signed(fields: Record<string, string | undefined>, keys: readonly string[], key: Buffer): boolean {
  const { hash } = fields;
  const checkString = [...keys]
    .sort()
    .map((name) => `${name}=${fields[name]}`)
    .join("\n");
  const expected = createHmac("sha256", key).update(checkString).digest("hex");
  return typeof hash === "string" && safeEqual(expected, hash.toLowerCase());
}

/** A URL's path with its escapes decoded; undefined when one is broken. */
function decodedPath(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}
