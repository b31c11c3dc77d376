import type { Kysely, Selectable } from "kysely";
import type { Clock } from "../clock.js";
import type { Schema, SessionsTable } from "../db/schema.js";
import { randomToken, safeEqual, type Secrets } from "./secrets.js";

type Session = Selectable<SessionsTable>;

/** How long a token stays valid after it was replaced, so parallel requests do not fail. */
export const BATCH_WINDOW_MS = 5_000;
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
export const MAX_CLIENTS_PER_USER = 10;

/** What the client must send back: devise_token_auth's `access-token`, `client`, `expiry`. */
export interface SessionTokens {
  client: string;
  accessToken: string;
  /** Unix seconds. */
  expiry: number;
}

/** The headers a client sends to authenticate. */
export interface SessionCredentials {
  uid: string;
  client: string;
  accessToken: string;
}

/** A passed check: whose session it is, and the token to hand back (none when superseded). */
export interface SessionCheck {
  userId: number;
  tokens?: SessionTokens;
}

const iso = (ms: number) => new Date(ms).toISOString();
const ms = (isoString: string) => Date.parse(isoString);

/**
 * An email as the `uid` header carries it: a header takes ASCII only (an email with `Ā` failed
 * every answer that signs in, and one with `ü` came back mangled), so `%` and what lies past
 * ASCII go percent-encoded; a client sends it back as it came.
 */
export function uidOf(email: string): string {
  return email.replace(/[^\x21-\x7e]|%/gu, (c) => encodeURIComponent(c));
}

/**
 * Session clients with rotating tokens, devise_token_auth style. Only token hashes are
 * stored. Each use of a token older than the batch window replaces it; the replaced token
 * keeps working for the batch window.
 */
export class SessionStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly secrets: Secrets,
    private readonly clock: Clock,
  ) {}

  /** Opens a new client for the user, dropping the least recently used beyond the limit. */
  async open(userId: number): Promise<SessionTokens> {
    const now = this.clock.now();
    const tokens: SessionTokens = {
      client: randomToken(16),
      accessToken: randomToken(),
      expiry: Math.floor((now + SESSION_TTL_MS) / 1000),
    };
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("sessions").where("user_id", "=", userId).where("expires_at", "<=", iso(now)).execute();
      const keep = await trx
        .selectFrom("sessions")
        .select("id")
        .where("user_id", "=", userId)
        .orderBy("updated_at", "desc")
        .orderBy("id", "desc")
        .limit(MAX_CLIENTS_PER_USER - 1)
        .execute();
      let evict = trx.deleteFrom("sessions").where("user_id", "=", userId);
      if (keep.length > 0) evict = evict.where("id", "not in", keep.map((row) => row.id));
      await evict.execute();
      await trx
        .insertInto("sessions")
        .values({
          user_id: userId,
          client: tokens.client,
          token_hash: this.secrets.hash(tokens.accessToken),
          token_issued_at: iso(now),
          expires_at: iso(now + SESSION_TTL_MS),
          created_at: iso(now),
          updated_at: iso(now),
        })
        .execute();
    });
    return tokens;
  }

  /** Checks the headers of a request (`uid` the email, or as `uidOf` sends it); undefined when they do not open a live session. */
  async check(credentials: SessionCredentials, emailOf: (userId: number) => Promise<string | undefined>): Promise<SessionCheck | undefined> {
    const now = this.clock.now();
    const session = await this.db.selectFrom("sessions").selectAll().where("client", "=", credentials.client).executeTakeFirst();
    if (!session || ms(session.expires_at) <= now) return undefined;
    const email = await emailOf(session.user_id);
    const uid = credentials.uid.trim().toLowerCase();
    if (!email || !(safeEqual(email, uid) || safeEqual(uidOf(email).toLowerCase(), uid))) return undefined;

    const sentHash = this.secrets.hash(credentials.accessToken);
    if (safeEqual(sentHash, session.token_hash)) {
      if (now - ms(session.token_issued_at) < BATCH_WINDOW_MS) {
        const tokens = { client: session.client, accessToken: credentials.accessToken, expiry: Math.floor(ms(session.expires_at) / 1000) };
        return { userId: session.user_id, tokens };
      }
      const rotated = await this.rotate(session, now);
      return { userId: session.user_id, tokens: rotated };
    }
    if (
      session.previous_token_hash &&
      session.previous_valid_until &&
      safeEqual(sentHash, session.previous_token_hash) &&
      now < ms(session.previous_valid_until)
    ) {
      return { userId: session.user_id };
    }
    return undefined;
  }

  /** Replaces the token; a parallel request that rotated first wins and this one hands none back. */
  private async rotate(session: Session, now: number): Promise<SessionTokens | undefined> {
    const accessToken = randomToken();
    const result = await this.db
      .updateTable("sessions")
      .set({
        token_hash: this.secrets.hash(accessToken),
        token_issued_at: iso(now),
        previous_token_hash: session.token_hash,
        previous_valid_until: iso(now + BATCH_WINDOW_MS),
        expires_at: iso(now + SESSION_TTL_MS),
        updated_at: iso(now),
      })
      .where("id", "=", session.id)
      .where("token_hash", "=", session.token_hash)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return undefined;
    return { client: session.client, accessToken, expiry: Math.floor((now + SESSION_TTL_MS) / 1000) };
  }

  /** The user's live client ids, most recently used first. */
  async clients(userId: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom("sessions")
      .select("client")
      .where("user_id", "=", userId)
      .where("expires_at", ">", iso(this.clock.now()))
      .orderBy("updated_at", "desc")
      .execute();
    return rows.map((row) => row.client);
  }

  /** Signs out every client of the user, except one when given. */
  async revokeAll(userId: number, exceptClient?: string): Promise<void> {
    let query = this.db.deleteFrom("sessions").where("user_id", "=", userId);
    if (exceptClient) query = query.where("client", "!=", exceptClient);
    await query.execute();
  }
}
