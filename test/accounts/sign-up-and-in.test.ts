import { describe, expect, it } from "vitest";
import { engines, usePlatform } from "../support/platform.js";
import { PASSWORD, signUp, uniqueEmail } from "../support/accounts.js";

export const UNAUTHORIZED = { errors: ["You need to sign in or sign up before continuing."] };

describe.each(engines())("sign up and sign in on %s", (engine) => {
  const t = usePlatform(engine);

  it("signs up, answering UserPublic and the session headers", async () => {
    const email = uniqueEmail();
    const response = await t.app.inject({
      method: "POST",
      url: "/v2/auth",
      payload: { email: email.toUpperCase(), password: PASSWORD, password_confirmation: PASSWORD },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.status).toBe("success");
    expect(Object.keys(body.data).sort()).toEqual(
      ["ads_enabled", "api_key", "created_at", "email", "id", "iterations_limit", "name", "payment_plan", "telegram_id", "updated_at"].sort(),
    );
    expect(body.data.email).toBe(email);
    expect(body.data.api_key).toMatch(/^[A-Za-z0-9_-]{40}$/);
    expect(body.data.payment_plan).toBe("free");
    expect(body.data.iterations_limit).toBe(t.config.freePlan.iterationsPerMonth);
    expect(body.data.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(response.headers["access-token"]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.headers.client).toBeTruthy();
    expect(response.headers.uid).toBe(email);
    expect(response.headers["token-type"]).toBe("Bearer");
    expect(Number(response.headers.expiry)).toBe(Math.floor(t.clock.now() / 1000) + 14 * 24 * 3600);
  });

  it("stores an argon2id hash, never the password", async () => {
    const { email } = await signUp(t.app);
    const row = await t.platform.database.db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
  });

  it.each([
    [{ email: "not-an-email", password: PASSWORD }, ["Email is not an email"]],
    // An invisible character would make an account that looks like another's.
    [{ email: "a\u200b@example.com", password: PASSWORD }, ["Email is not an email"]],
    [{ email: "a\u034f@example.com", password: PASSWORD }, ["Email is not an email"]],
    [{ email: "a\u3164@example.com", password: PASSWORD }, ["Email is not an email"]],
    [{ email: "a@exa\u0000mple.com".replace("\u0000", "\u0007"), password: PASSWORD }, ["Email is not an email"]],
    // The address Telegram login gives a new account: taken first, it would lock that Telegram user out.
    [{ email: "Telegram-222@users.botyard.INVALID", password: PASSWORD }, ["Email is at a .invalid domain, which receives no mail"]],
    [{ email: "short@example.com", password: "short" }, ["Password is too short (minimum is 8 characters)"]],
    // Four emoji are eight UTF-16 units but four characters.
    [{ email: "emoji@example.com", password: "😀😀😀😀" }, ["Password is too short (minimum is 8 characters)"]],
    [{ email: "mismatch@example.com", password: PASSWORD, password_confirmation: "other" }, ["Password confirmation doesn't match Password"]],
    [{ password: PASSWORD }, ["Email can't be blank"]],
    [{ email: "", password: "" }, ["Email can't be blank", "Password is too short (minimum is 8 characters)"]],
    [{ email: 42, password: PASSWORD }, ["Email must be a string"]],
  ])("refuses a bad sign-up %j with 422", async (payload, errors) => {
    const response = await t.app.inject({ method: "POST", url: "/v2/auth", payload });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ errors });
  });

  it("takes a null password_confirmation as none sent", async () => {
    const response = await t.app.inject({ method: "POST", url: "/v2/auth", payload: { email: "null-confirmation@example.com", password: PASSWORD, password_confirmation: null } });
    expect(response.statusCode).toBe(200);
    expect(response.json().data.email).toBe("null-confirmation@example.com");
  });

  it("refuses a taken email, whatever its case", async () => {
    const { email } = await signUp(t.app);
    const response = await t.app.inject({ method: "POST", url: "/v2/auth", payload: { email: ` ${email.toUpperCase()} `, password: PASSWORD } });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ errors: ["Email has already been taken"] });
  });

  it("signs in with the right password and refuses a wrong one or an unknown email alike", async () => {
    const { email } = await signUp(t.app);
    const ok = await t.app.inject({ method: "POST", url: "/v2/auth/sign_in", payload: { email, password: PASSWORD } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().data.email).toBe(email);
    expect(ok.headers["access-token"]).toBeTruthy();
    const invalid = { errors: ["Invalid login credentials. Please try again."] };
    for (const payload of [{ email, password: "wrong password" }, { email: uniqueEmail(), password: PASSWORD }]) {
      const refused = await t.app.inject({ method: "POST", url: "/v2/auth/sign_in", payload });
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toEqual(invalid);
      expect(refused.headers["access-token"]).toBeUndefined();
    }
  });

  it("authenticates with ?api_key= and refuses a missing or wrong key with the contract's 401", async () => {
    const { apiKey, email } = await signUp(t.app);
    const ok = await t.app.inject({ method: "GET", url: `/v2/user?api_key=${apiKey}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().email).toBe(email);
    for (const url of ["/v2/user", "/v2/user?api_key=", `/v2/user?api_key=${apiKey}x`]) {
      const refused = await t.app.inject({ method: "GET", url });
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toEqual(UNAUTHORIZED);
    }
  });

  it("resets the api key: the new one works and the old one stops at once", async () => {
    const { apiKey } = await signUp(t.app);
    const reset = await t.app.inject({ method: "POST", url: `/v2/user/api_key?api_key=${apiKey}` });
    expect(reset.statusCode).toBe(200);
    const fresh = reset.json().api_key;
    expect(fresh).not.toBe(apiKey);
    expect((await t.app.inject({ method: "GET", url: `/v2/user?api_key=${apiKey}` })).statusCode).toBe(401);
    expect((await t.app.inject({ method: "GET", url: `/v2/user?api_key=${fresh}` })).statusCode).toBe(200);
  });

  it("keeps the api key sealed at rest", async () => {
    const { apiKey, email } = await signUp(t.app);
    const row = await t.platform.database.db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(apiKey);
  });
});
