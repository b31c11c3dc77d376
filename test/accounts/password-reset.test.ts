import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { engines, usePlatform } from "../support/platform.js";
import { PASSWORD, signUp, uniqueEmail } from "../support/accounts.js";
import { useSmtpPeer } from "../support/smtp.js";

const NEW_PASSWORD = "another fine password";

function tokenIn(mail: string): string {
  const match = /Reset token: ([A-Za-z0-9_-]+)/.exec(mail);
  if (!match) throw new Error(`no reset token in mail:\n${mail}`);
  return match[1]!;
}

describe.each(engines())("password reset by email on %s", (engine) => {
  const smtp = useSmtpPeer();
  const t = usePlatform(engine, () => ({ SMTP_URL: smtp.url, MAIL_FROM: "Botyard <robot@botyard.test>" }));
  const requestReset = (email: string) => t.app.inject({ method: "POST", url: "/v2/user/reset_password", payload: { email } });
  const complete = (token: string, password = NEW_PASSWORD) =>
    t.app.inject({ method: "PUT", url: "/v2/user/password", payload: { reset_password_token: token, password } });
  const signIn = (email: string, password: string) => t.app.inject({ method: "POST", url: "/v2/auth/sign_in", payload: { email, password } });

  it("mails a single-use token that sets a new password and signs out every session", async () => {
    const { email, headers } = await signUp(t.app);
    const before = smtp.inbox.length;
    const response = await requestReset(email);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ message: expect.any(String) });
    expect(smtp.inbox).toHaveLength(before + 1);
    const mail = smtp.inbox.at(-1)!;
    expect(mail.to).toEqual([email]);
    expect(mail.raw).toContain("robot@botyard.test");

    const token = tokenIn(mail.raw);
    expect((await complete(token)).statusCode).toBe(200);
    expect((await signIn(email, NEW_PASSWORD)).statusCode).toBe(200);
    expect((await signIn(email, PASSWORD)).statusCode).toBe(401);
    expect((await t.app.inject({ method: "GET", url: "/v2/user", headers })).statusCode).toBe(401);

    const again = await complete(token, "yet another password");
    expect(again.statusCode).toBe(422);
    expect(again.json()).toEqual({ errors: ["Reset password token is invalid or has expired"] });
  });

  it("answers the same for an unknown email and sends nothing", async () => {
    const before = smtp.inbox.length;
    const response = await requestReset(uniqueEmail("nobody"));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ message: expect.any(String) });
    expect(smtp.inbox).toHaveLength(before);
  });

  it("refuses a token older than one hour", async () => {
    const { email } = await signUp(t.app);
    await requestReset(email);
    const token = tokenIn(smtp.inbox.at(-1)!.raw);
    t.clock.advance(3600 * 1000 + 1);
    expect((await complete(token)).statusCode).toBe(422);
    expect((await signIn(email, PASSWORD)).statusCode).toBe(200);
    // A link cut short sends a blank token: said so, not taken for a signed-in change (401).
    expect((await complete("  ")).json()).toEqual({ errors: ["Reset password token can't be blank: use the link from the reset mail"] });
  });

  it("checks the new password and keeps the token usable after a refusal", async () => {
    const { email } = await signUp(t.app);
    await requestReset(email);
    const token = tokenIn(smtp.inbox.at(-1)!.raw);
    const weak = await complete(token, "short");
    expect(weak.statusCode).toBe(422);
    expect(weak.json()).toEqual({ errors: ["Password is too short (minimum is 8 characters)"] });
    expect((await complete(token)).statusCode).toBe(200);
  });

  it("stores only a hash of the token", async () => {
    const { email, id } = await signUp(t.app);
    await requestReset(email);
    const token = tokenIn(smtp.inbox.at(-1)!.raw);
    const rows = await t.platform.database.db.selectFrom("password_resets").selectAll().where("user_id", "=", id).execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token);
  });
});

describe("password reset without SMTP", () => {
  const t = usePlatform("sqlite");

  it("writes the mail to DATA_DIR/outbox instead", async () => {
    const { email } = await signUp(t.app);
    expect((await t.app.inject({ method: "POST", url: "/v2/user/reset_password", payload: { email } })).statusCode).toBe(200);
    const outbox = join(t.config.dataDir, "outbox");
    const files = readdirSync(outbox);
    expect(files).toHaveLength(1);
    const mail = readFileSync(join(outbox, files[0]!), "utf8");
    expect(mail).toContain(`To: ${email}`);
    const token = tokenIn(mail);
    const done = await t.app.inject({ method: "PUT", url: "/v2/user/password", payload: { reset_password_token: token, password: NEW_PASSWORD } });
    expect(done.statusCode).toBe(200);
  });
});
