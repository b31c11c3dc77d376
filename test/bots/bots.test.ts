import { beforeAll, describe, expect, it } from "vitest";
import { BotApi } from "../../src/telegram/bot-api.js";
import { engines, usePlatform } from "../support/platform.js";
import { createBot, signUpClient, useEmulator } from "../support/bots.js";
import { freePort } from "../support/net.js";

const BOT_FIELDS = [
  "id", "name", "token", "status", "status_error", "username", "pic_url", "csv_url", "git_remote",
  "store_bot_id", "last_run_at", "commands_count", "chats_count", "created_at", "updated_at",
].sort();
const WELL_FORMED_UNKNOWN_TOKEN = "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

describe.each(engines())("bots on %s", (engine) => {
  const emulator = useEmulator();
  // Each case signs up an owner of its own: more than the sign-up limit of one address allows.
  const t = usePlatform(engine, () => ({ ...emulator.env(), AUTH_LIMIT_PER_IP: "1000" }));

  it("creates a stopped bot without a token, answering Bot field for field", async () => {
    const { api } = await signUpClient(t.app);
    const response = await api.post("/v2/bots", { name: "  Shop bot  ", pic_url: "https://example.com/p.png" });
    expect(response.statusCode).toBe(200);
    const bot = response.json();
    expect(Object.keys(bot).sort()).toEqual(BOT_FIELDS);
    expect(bot).toMatchObject({ name: "Shop bot", token: null, username: null, status: "stopped", status_error: null, pic_url: "https://example.com/p.png", commands_count: 0, chats_count: 0 });
    expect(bot.created_at).toBe(new Date(t.clock.now()).toISOString());
  });

  it("checks a token with getMe, stores the username, and keeps the token sealed at rest", async () => {
    const tg = await emulator.running.client.registerBot({ username: "shop_test_bot" });
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api, { token: tg.token });
    expect(bot.token).toBe(tg.token);
    expect(bot.username).toBe("shop_test_bot");
    const row = await t.platform.database.db.selectFrom("bots").selectAll().where("id", "=", bot.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(tg.token);
    expect(row.webhook_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it.each<[Record<string, unknown>, string[]]>([
    [{ token: WELL_FORMED_UNKNOWN_TOKEN }, ["Token is rejected by Telegram: Unauthorized"]],
    [{ token: "not-a-token" }, ["Token is invalid (expected the form 123456789:AAE... that @BotFather gives)"]],
    [{ token: 42 }, ["Token must be a string"]],
    [{ name: "" }, ["Name can't be blank"]],
    [{ name: "   " }, ["Name can't be blank"]],
    [{ name: "x".repeat(65) }, ["Name is too long (maximum is 64 characters)"]],
    // Only invisible or combining characters, or a control character: nothing a list could show.
    ...["\u200b", "\u202e\u200b", "\u0301", "a\u0007b", "a\nb", "\u3164", "\u115f\u1160", "\u2800", "abc\u202egnp.exe"].map((name): [Record<string, unknown>, string[]] => [{ name }, ["Name must show a visible character, and hold no control character"]]),
  ])("refuses %j with 422", async (body, errors) => {
    const { api } = await signUpClient(t.app);
    const response = await api.post("/v2/bots", { name: "Bot", ...body });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ errors });
    expect((await api.get("/v2/bots")).json()).toEqual([]);
  });

  it("takes names in any script, with emoji and the joiners their sequences use", async () => {
    const { api } = await signUpClient(t.app);
    for (const name of ["Магазин", "مرحبا\u200f", "👨\u200d👩\u200d👧 family", "Café", "ไทย", "हिन्दी", "🇺🇦", "❤️"]) expect((await api.post("/v2/bots", { name })).json(), name).toMatchObject({ name });
  });

  it("refuses a bot without a name", async () => {
    const { api } = await signUpClient(t.app);
    const response = await api.post("/v2/bots", {});
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ errors: ["Name can't be blank"] });
  });

  it("refuses a token another bot already uses, whoever owns it", async () => {
    const tg = await emulator.running.client.registerBot();
    await createBot((await signUpClient(t.app)).api, { token: tg.token });
    for (const { api } of [await signUpClient(t.app)]) {
      const response = await api.post("/v2/bots", { name: "Copycat", token: tg.token });
      expect(response.statusCode).toBe(422);
      expect(response.json()).toEqual({ errors: ["Token is already used by another bot"] });
    }
  });

  it("lists only the user's bots, page by page, with X-Total-Count and Link", async () => {
    const { api } = await signUpClient(t.app);
    await createBot((await signUpClient(t.app)).api, { name: "Someone else's" });
    for (const name of ["A", "B", "C"]) await createBot(api, { name });
    const first = await api.get("/v2/bots?per_page=2");
    expect(first.statusCode).toBe(200);
    expect(first.json().map((b: { name: string }) => b.name)).toEqual(["A", "B"]);
    expect(first.headers["x-total-count"]).toBe("3");
    expect(first.headers.link).toContain('rel="next"');
    const second = await api.get("/v2/bots?per_page=2&page=2");
    expect(second.json().map((b: { name: string }) => b.name)).toEqual(["C"]);
    expect((await api.get("/v2/bots?page=9")).json()).toEqual([]);
    // Digits only; an empty value is the default.
    for (const query of ["page=0x2", "page=1e1", "per_page=2.0", "page=abc"]) expect((await api.get(`/v2/bots?${query}`)).statusCode, query).toBe(422);
    expect((await api.get("/v2/bots?page=&per_page=2")).json().map((b: { name: string }) => b.name)).toEqual(["A", "B"]);
  });

  it("answers one bot with its libs and its counts", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    await api.post(`/v2/bots/${bot.id}/commands`, { command: "/start" });
    await api.post(`/v2/bots/${bot.id}/libs`, { lib_id: "Lang" });
    const response = await api.get(`/v2/bots/${bot.id}`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(Object.keys(body).sort()).toEqual([...BOT_FIELDS, "libs"].sort());
    expect(body.commands_count).toBe(1);
    expect(body.libs.map((lib: { name: string }) => lib.name)).toEqual(["Lang"]);
  });

  it("edits only the fields given", async () => {
    const tg = await emulator.running.client.registerBot({ username: "edit_me_bot" });
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api, { token: tg.token, csv_url: "https://example.com/a.csv" });
    t.clock.advance(1000);
    const renamed = await api.put(`/v2/bots/${bot.id}`, { name: "Renamed" });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: "Renamed", token: tg.token, username: "edit_me_bot", csv_url: "https://example.com/a.csv" });
    expect(renamed.json().updated_at).not.toBe(bot.updated_at);

    const other = await emulator.running.client.registerBot({ username: "other_name_bot" });
    expect((await api.put(`/v2/bots/${bot.id}`, { token: other.token })).json()).toMatchObject({ token: other.token, username: "other_name_bot" });
    expect((await api.put(`/v2/bots/${bot.id}`, { token: other.token })).statusCode).toBe(200); // its own token again
    const rejected = await api.put(`/v2/bots/${bot.id}`, { token: WELL_FORMED_UNKNOWN_TOKEN });
    expect(rejected.statusCode).toBe(422);
    expect(rejected.json()).toEqual({ errors: ["Token is rejected by Telegram: Unauthorized"] });
    expect((await api.put(`/v2/bots/${bot.id}`, { token: null })).json()).toMatchObject({ token: null, username: null, name: "Renamed" });
    expect((await api.put(`/v2/bots/${bot.id}`, { name: "" })).json()).toEqual({ errors: ["Name can't be blank"] });
  });

  it("deletes a bot: it stops (its webhook is removed) and is gone", async () => {
    const tg = await emulator.running.client.registerBot();
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api, { token: tg.token });
    const telegram = new BotApi(tg.token, { apiRoot: emulator.running.apiRoot });
    await telegram.call("setWebhook", { url: "https://example.com/hook" });
    const response = await api.delete(`/v2/bots/${bot.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ message: "Bot deleted" });
    expect((await telegram.call("getWebhookInfo")).url).toBe("");
    expect((await api.get(`/v2/bots/${bot.id}`)).json()).toEqual({ error: "Bot not found" });
    expect((await api.delete(`/v2/bots/${bot.id}`)).statusCode).toBe(404);
    // The token is free again.
    expect((await createBot(api, { token: tg.token })).token).toBe(tg.token);
  });

  it("deletes a bot even when Telegram refuses to remove its webhook", async () => {
    const tg = await emulator.running.client.registerBot();
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api, { token: tg.token });
    await emulator.running.client.injectFault({ method: "deleteWebhook", kind: 500 });
    expect((await api.delete(`/v2/bots/${bot.id}`)).statusCode).toBe(200);
  });

  it.each(["abc", "0", "-1", "1.5", "99999999999999999999", "9007199254740993"])("answers 404 for the bot id %s", async (id) => {
    const { api } = await signUpClient(t.app);
    for (const response of [await api.get(`/v2/bots/${id}`), await api.get(`/v2/bots/${id}/commands`), await api.put(`/v2/bots/${id}`, { name: "x" })]) {
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: "Bot not found" });
    }
  });

  it("names each bot in the iteration usage, and keeps a deleted bot's usage as bot 0", async () => {
    const { api, user } = await signUpClient(t.app);
    const bot = await createBot(api, { name: "Counted" });
    await t.platform.iterations.add(user.id, bot.id, 7);
    await t.platform.iterations.add(user.id, 0, 2);
    expect((await api.get("/v2/user/iterations")).json().bots).toEqual([
      { bot_id: 0, name: null, used: 2 },
      { bot_id: bot.id, name: "Counted", used: 7 },
    ]);
    await api.delete(`/v2/bots/${bot.id}`);
    const usage = (await api.get("/v2/user/iterations")).json();
    expect(usage.used).toBe(9);
    expect(usage.bots).toEqual([{ bot_id: 0, name: null, used: 9 }]);
  });
});

describe.each(engines())("bot limits and an unreachable Telegram on %s", (engine) => {
  let port = 0;
  beforeAll(async () => {
    // A local port nothing listens on.
    port = await freePort();
  });
  const t = usePlatform(engine, () => ({ FREE_PLAN_BOTS: "2", TELEGRAM_API_ROOT: `http://127.0.0.1:${port}` }));

  it("limits bots per owner by the plan", async () => {
    const { api } = await signUpClient(t.app);
    await createBot(api);
    await createBot(api);
    const response = await api.post("/v2/bots", { name: "Third" });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: "Your plan allows 2 bots; delete a bot or choose a bigger plan" });
  });

  it("lets exactly one of several parallel creates take the plan's last place", async () => {
    const { api } = await signUpClient(t.app);
    await createBot(api);
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => api.post("/v2/bots", { name: `Racer ${i}` })));
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 403, 403, 403, 403, 403]);
    expect((await api.get("/v2/bots")).headers["x-total-count"]).toBe("2");
  });

  it("answers 422 with a clear sentence when Telegram cannot be reached", async () => {
    const { api } = await signUpClient(t.app);
    const response = await api.post("/v2/bots", { name: "Offline", token: WELL_FORMED_UNKNOWN_TOKEN });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ errors: ["Token could not be checked: Telegram could not be reached for getMe: ECONNREFUSED"] });
  });
});
