import { UnauthorizedError, ValidationError } from "../errors.js";
import { FREE_PLAN } from "../catalog/plans.js";
import { hashPassword, passwordProblems, verifyPassword } from "./passwords.js";
import type { SessionStore, SessionTokens } from "./sessions.js";
import type { TelegramIdentity, TelegramLogin } from "./telegram-login.js";
import { emailProblems, normalizeEmail, telegramPlaceholderEmail, type User, type UserStore } from "./users.js";

export const INVALID_CREDENTIALS = "Invalid login credentials. Please try again.";

/** A signed-in user and the session tokens their client must send back. */
export interface SignedIn {
  user: User;
  tokens: SessionTokens;
}

// Verified against when the email is unknown, so a miss costs what a hit costs (no enumeration by timing).
const decoyHash = hashPassword("decoy password that matches nothing");

/** Sign-up, sign-in and the account changes that need a password. */
export class AccountService {
  constructor(
    private readonly users: UserStore,
    private readonly sessions: SessionStore,
    private readonly telegram: TelegramLogin,
  ) {}

  async signUp(input: { email: string; password: string; password_confirmation?: string | null }): Promise<SignedIn> {
    const email = normalizeEmail(input.email);
    const problems = [...emailProblems(email), ...passwordProblems(input.password, input.password_confirmation)];
    if (problems.length > 0) throw new ValidationError(problems);
    const user = await this.users.create({ email, passwordHash: await hashPassword(input.password), plan: FREE_PLAN });
    return { user, tokens: await this.sessions.open(user.id) };
  }

  async signIn(input: { email: string; password: string }): Promise<SignedIn> {
    const user = await this.users.byEmail(input.email);
    const passwordHash = user?.password_hash ?? (await decoyHash);
    const matches = await verifyPassword(passwordHash, input.password);
    if (!user || !matches) throw new UnauthorizedError(INVALID_CREDENTIALS);
    return { user, tokens: await this.sessions.open(user.id) };
  }

  /** Signs in the account linked to a verified Telegram user, creating one on first login. */
  async signInWithTelegram(identity: TelegramIdentity): Promise<SignedIn> {
    const linked = await this.telegram.accountOf(identity.id);
    let user = linked ? await this.users.byId(linked.user_id) : undefined;
    if (!user) {
      const name = [identity.first_name, identity.last_name].filter(Boolean).join(" ") || null;
      user = await this.users.create({ email: telegramPlaceholderEmail(identity.id), passwordHash: null, name, plan: FREE_PLAN });
    }
    await this.telegram.link(user.id, identity);
    return { user, tokens: await this.sessions.open(user.id) };
  }

  /** Checks the current password; an account created by Telegram login has none to check. */
  private async confirm(user: User, currentPassword: string | undefined): Promise<void> {
    if (user.password_hash === null) return;
    if (!currentPassword) throw new ValidationError(["Current password can't be blank"]);
    if (!(await verifyPassword(user.password_hash, currentPassword))) throw new ValidationError(["Current password is invalid"]);
  }

  async changeEmail(user: User, email: string, currentPassword?: string): Promise<User> {
    const normalized = normalizeEmail(email);
    const problems = emailProblems(normalized);
    if (problems.length > 0) throw new ValidationError(problems);
    await this.confirm(user, currentPassword);
    return this.users.update(user.id, { email: normalized });
  }

  /** Sets a new password and signs out every other session of the account. */
  async changePassword(
    user: User,
    input: { current_password?: string; password: string; password_confirmation?: string | null },
    keepClient?: string,
  ): Promise<void> {
    const problems = passwordProblems(input.password, input.password_confirmation);
    if (problems.length > 0) throw new ValidationError(problems);
    await this.confirm(user, input.current_password);
    await this.users.update(user.id, { password_hash: await hashPassword(input.password) });
    await this.sessions.revokeAll(user.id, keepClient);
  }
}
