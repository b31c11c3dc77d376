import type { Kysely } from "kysely";
import { isoNow, type Clock } from "../clock.js";
import type { Schema } from "../db/schema.js";
import { ValidationError } from "../errors.js";
import type { Mailer } from "./mailer.js";
import { hashPassword, passwordProblems } from "./passwords.js";
import { randomToken, type Secrets } from "./secrets.js";
import type { SessionStore } from "./sessions.js";
import { normalizeEmail } from "./users.js";

export const RESET_TOKEN_TTL_MS = 3600 * 1000;

/** Password reset by email: a single-use token, valid for one hour, stored as a hash. */
export class PasswordResets {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly secrets: Secrets,
    private readonly sessions: SessionStore,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
    private readonly resetPageUrl: string,
  ) {}

  /** Mails a reset token when the account exists; says nothing either way (no enumeration). */
  async request(email: string): Promise<void> {
    const user = await this.db
      .selectFrom("users")
      .select(["id", "email"])
      .where("email", "=", normalizeEmail(email))
      .executeTakeFirst();
    if (!user) return;
    const token = randomToken();
    const now = this.clock.now();
    await this.db
      .insertInto("password_resets")
      .values({
        user_id: user.id,
        token_hash: this.secrets.hash(token),
        expires_at: new Date(now + RESET_TOKEN_TTL_MS).toISOString(),
        created_at: new Date(now).toISOString(),
      })
      .execute();
    const link = `${this.resetPageUrl}?reset_password_token=${token}`;
    await this.mailer.send({
      to: user.email,
      subject: "Reset your Botyard password",
      text: [
        "Someone asked to reset the password of your Botyard account.",
        "",
        `Reset token: ${token}`,
        `Or open: ${link}`,
        "",
        "It works once, within one hour. If you did not ask for it, ignore this mail.",
      ].join("\n"),
    });
  }

  /** Sets a new password with a reset token, then signs out every session of the account. */
  async complete(token: string, password: string, confirmation?: string | null): Promise<void> {
    const problems = passwordProblems(password, confirmation);
    if (problems.length > 0) throw new ValidationError(problems);
    const passwordHash = await hashPassword(password);
    const now = isoNow(this.clock);
    const userId = await this.db.transaction().execute(async (trx) => {
      const reset = await trx
        .updateTable("password_resets")
        .set({ used_at: now })
        .where("token_hash", "=", this.secrets.hash(token))
        .where("used_at", "is", null)
        .where("expires_at", ">", now)
        .returning("user_id")
        .executeTakeFirst();
      if (!reset) return undefined;
      await trx.updateTable("users").set({ password_hash: passwordHash, updated_at: now }).where("id", "=", reset.user_id).execute();
      return reset.user_id;
    });
    if (userId === undefined) throw new ValidationError(["Reset password token is invalid or has expired"]);
    await this.sessions.revokeAll(userId);
  }
}
