import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { engines, usePlatform } from "../support/platform.js";
import { signUp } from "../support/accounts.js";

const LOGIN_BOT_TOKEN = "7000000001:AAFakeLoginBotTokenForTestsOnly_123456";

/** Signs widget fields as Telegram does: HMAC-SHA256 of the sorted lines, keyed with SHA-256(token). */
function signWidget(fields: Record<string, string>, token = LOGIN_BOT_TOKEN): Record<string, string> {
  const checkString = Object.keys(fields).sort().map((k) => `${k}=${fields[k]}`).join("\n");
  const key = createHash("sha256").update(token).digest();
  return { ...fields, hash: createHmac("sha256", key).update(checkString).digest("hex") };
}

describe.each(engines())("Telegram login on %s", (engine) => {
  const t = usePlatform(engine, {
    TELEGRAM_LOGIN_BOT_TOKEN: LOGIN_BOT_TOKEN,
    TELEGRAM_LOGIN_BOT_USERNAME: "BotyardLoginBot",
    PUBLIC_URL: "https://botyard.example",
  });
  const widget = (id: number, extra: Record<string, string> = {}) =>
    signWidget({ id: String(id), first_name: "Ada", username: "ada", auth_date: String(Math.floor(t.clock.now() / 1000)), ...extra });
  const login = (fields: Record<string, string>) => t.app.inject({ method: "GET", url: "/v2/auth/telegram", query: fields });

  it("answers the login page URL of the platform's login bot", async () => {
    const response = await t.app.inject({ method: "POST", url: "/v2/auth/telegram_login_url", payload: { return_to: "https://botyard.example/after" } });
    expect(response.statusCode).toBe(200);
    const url = new URL(response.json().url);
    expect(url.origin).toBe("https://oauth.telegram.org");
    expect(url.searchParams.get("bot_id")).toBe("7000000001");
    expect(url.searchParams.get("origin")).toBe("https://botyard.example");
    expect(url.searchParams.get("return_to")).toBe("https://botyard.example/after");
    const path = await t.app.inject({ method: "POST", url: "/v2/auth/telegram_login_url", payload: { return_to: "/dashboard?x=1" } });
    expect(new URL(path.json().url).searchParams.get("return_to")).toBe("https://botyard.example/dashboard?x=1");
  });

  it("sends the signed login to the sign-in endpoint by default, and takes it as an address", async () => {
    for (const payload of [{}, { return_to: "/v2/auth/telegram" }, { return_to: "https://botyard.example/v2/auth/telegram" }]) {
      const response = await t.app.inject({ method: "POST", url: "/v2/auth/telegram_login_url", payload });
      expect(new URL(response.json().url).searchParams.get("return_to")).toBe("https://botyard.example/v2/auth/telegram");
    }
  });

  it("refuses to send the signed login anywhere but the sign-in endpoint or a dashboard page", async () => {
    const elsewhere = ["https://evil.example/", "//evil.example/after", "javascript:alert(1)", "https://botyard.example.evil.example/", "http://botyard.example/", "https://botyard.example:8443/"];
    // The platform's own addresses that serve what bot owners wrote, or keep a stranger's name in the address.
    const ownerContent = ["/v1/bots/7/new-webhook?command=x&redirect_to=https://evil.example/", "/v2/bots/7/web-app/page", "/telegram/webhook/7", "/docs", "https://evil.example@botyard.example/after", "/..//evil.example"];
    // Escapes the router decodes before it matches a route, and broken ones.
    ownerContent.push("/%76%31/bots/7/new-webhook?command=x", "/v%32/bots/7/web-app/page", "/V1/bots/7/new-webhook", "/%2F/evil.example", "/%E0%A4%A");
    for (const return_to of [...elsewhere, ...ownerContent]) {
      const response = await t.app.inject({ method: "POST", url: "/v2/auth/telegram_login_url", payload: { return_to } });
      expect(response.statusCode, return_to).toBe(422);
      expect(response.json()).toEqual({ errors: ["Return to must be https://botyard.example/v2/auth/telegram or a dashboard page on https://botyard.example (a path is enough)"] });
    }
  });

  it("keeps a login to the platform from a bot's public links, which their owners read", async () => {
    const webApp = `/v2/bots/1/web-app/page?secret=${t.platform.webApps.secretFor(1, "page")}&`;
    // The link may hold a field the user's login lacks (no last name): Telegram adds its own after it.
    for (const path of [webApp, `${webApp}last_name=&`, "/v1/bots/1/new-webhook?command=x&", "/v1/bots/1/new-webhook?command=x&photo_url=x&"]) {
      const refused = await t.app.inject({ method: "GET", url: path + new URLSearchParams(widget(5550009)).toString() });
      expect(refused.statusCode, path).toBe(403);
      expect(refused.json()).toEqual({ error: "A bot's link does not take a Telegram login to this platform: sign in at /v2/auth/telegram" });
      // The same fields signed by another bot (a bot's own login widget) are the bot's business.
      const own = await t.app.inject({ method: "GET", url: path + new URLSearchParams(signWidget({ id: "5550009", auth_date: "1" }, "8000000001:AAOtherBotTokenOtherBotTokenOther_123")).toString() });
      expect(own.json().error, path).not.toMatch(/Telegram login/);
    }
  });

  it("serves bots' web apps as JSON only by default, a login being readable on the platform's origin", () => {
    expect(t.platform.config.webAppHtml).toBe(false);
  });

  it("signs in with signed widget data, creating the account once and reusing it", async () => {
    const first = await login(widget(5550001));
    expect(first.statusCode).toBe(200);
    expect(first.json().data.telegram_id).toBe(5550001);
    expect(first.json().data.name).toBe("Ada");
    expect(first.headers["access-token"]).toBeTruthy();
    t.clock.advance(60_000);
    const second = await login(widget(5550001, { first_name: "Ada L." }));
    expect(second.statusCode).toBe(200);
    expect(second.json().data.id).toBe(first.json().data.id);
    const linked = await t.app.inject({ method: "GET", url: "/v2/user/linked_accounts", headers: { "access-token": String(second.headers["access-token"]), client: String(second.headers.client), uid: String(second.headers.uid) } });
    expect(linked.json()).toEqual([
      { id: expect.any(Number), telegramid: 5550001, first_name: "Ada L.", last_name: null, username: "ada", photo_url: null, created_at: expect.any(String) },
    ]);
  });

  it("refuses a forged hash, a token of another bot and tampered fields", async () => {
    const good = widget(5550002);
    const forged = [
      { ...good, hash: "0".repeat(64) },
      signWidget({ id: "5550002", first_name: "Ada", auth_date: good.auth_date! }, "123:another-bot-token"),
      { ...good, id: "5550003" },
    ];
    for (const fields of forged) {
      const response = await login(fields);
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ errors: ["Telegram login data is not authentic"] });
    }
  });

  it("refuses data signed more than a day ago", async () => {
    const old = widget(5550004);
    t.clock.advance(24 * 3600 * 1000 + 1000);
    const response = await login(old);
    expect(response.statusCode).toBe(401);
    expect(response.json().errors[0]).toMatch(/outdated/);
  });

  it("links an account through the login bot's /start link_<token>, once", async () => {
    const { apiKey } = await signUp(t.app);
    const response = await t.app.inject({ method: "GET", url: `/v2/user/telegram_link_url?api_key=${apiKey}` });
    expect(response.statusCode).toBe(200);
    const url = new URL(response.json().url);
    expect(`${url.origin}${url.pathname}`).toBe("https://t.me/BotyardLoginBot");
    const start = url.searchParams.get("start")!;
    expect(start).toMatch(/^link_[A-Za-z0-9_-]{1,59}$/);
    const token = start.slice("link_".length);

    const identity = { id: 5550005, first_name: "Grace", username: "grace" };
    expect(await t.platform.telegramLogin.completeLink(token, identity)).toBe("linked");
    expect(await t.platform.telegramLogin.completeLink(token, identity)).toBe("invalid_token");
    const user = await t.app.inject({ method: "GET", url: `/v2/user?api_key=${apiKey}` });
    expect(user.json().telegram_id).toBe(5550005);

    const other = await signUp(t.app);
    const otherUrl = new URL((await t.app.inject({ method: "GET", url: `/v2/user/telegram_link_url?api_key=${other.apiKey}` })).json().url);
    const otherToken = otherUrl.searchParams.get("start")!.slice("link_".length);
    expect(await t.platform.telegramLogin.completeLink(otherToken, identity)).toBe("linked_elsewhere");
  });

  it("lets a link token expire after an hour", async () => {
    const { apiKey } = await signUp(t.app);
    const url = new URL((await t.app.inject({ method: "GET", url: `/v2/user/telegram_link_url?api_key=${apiKey}` })).json().url);
    t.clock.advance(3600 * 1000 + 1);
    expect(await t.platform.telegramLogin.completeLink(url.searchParams.get("start")!.slice(5), { id: 5550006 })).toBe("invalid_token");
  });
});

describe("Telegram login when no login bot is configured", () => {
  const t = usePlatform("sqlite");
  const notConfigured = { errors: ["Telegram login is not configured"] };

  it("answers a clear 422 on every Telegram endpoint", async () => {
    const { apiKey } = await signUp(t.app);
    const responses = await Promise.all([
      t.app.inject({ method: "POST", url: "/v2/auth/telegram_login_url" }),
      t.app.inject({ method: "GET", url: "/v2/auth/telegram", query: signWidget({ id: "1", first_name: "A", auth_date: String(Math.floor(t.clock.now() / 1000)) }) }),
      t.app.inject({ method: "GET", url: `/v2/user/telegram_link_url?api_key=${apiKey}` }),
    ]);
    for (const response of responses) {
      expect(response.statusCode).toBe(422);
      expect(response.json()).toEqual(notConfigured);
    }
  });
});
