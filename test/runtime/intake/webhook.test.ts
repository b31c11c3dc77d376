import { beforeAll, describe, expect, it, vi } from "vitest";
import { safeEqual } from "../../../src/accounts/secrets.js";
import { BotApi } from "../../../src/telegram/bot-api.js";
import type { BotHandle } from "../../../src/telegram/emulator/index.js";
import { createBot, signUpClient, useEmulator, type ApiClient } from "../../support/bots.js";
import { freePort } from "../../support/serve-process.js";
import { engines, usePlatform } from "../../support/platform.js";
import { metricValue } from "../../support/metrics.js";
import { RecordingHandler, textUpdate } from "./recording-handler.js";

vi.mock("../../../src/accounts/secrets.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../../src/accounts/secrets.js")>();
  return { ...actual, safeEqual: vi.fn(actual.safeEqual) };
});

describe.each(engines())("webhook mode on %s", (engine) => {
  const emulator = useEmulator();
  let port = 0;
  beforeAll(async () => {
    port = await freePort();
  });
  const t = usePlatform(engine, () => ({ ...emulator.env(), PUBLIC_URL: `http://127.0.0.1:${port}` }));
  const handler = new RecordingHandler(async (botId) => (await t.platform.bots.store.byId(botId))?.status);
  let api: ApiClient;
  beforeAll(async () => {
    await t.app.listen({ port, host: "127.0.0.1" });
    await t.platform.runtime.start(handler);
    api = (await signUpClient(t.app)).api;
  });

  /** A bot created and started through the API, with its webhook secret. */
  async function startedBot(): Promise<{ tg: BotHandle; id: number; secret: string }> {
    const tg = await emulator.running.client.registerBot();
    const { id } = await createBot(api, { token: tg.token });
    expect((await api.post(`/v2/bots/${id}/status`, { status: "start_launch" })).json().status).toBe("works");
    const secret = (await t.platform.bots.store.byId(id))!.webhook_secret;
    return { tg, id, secret };
  }
  const post = (id: number, body: unknown, headers: Record<string, string> = {}) =>
    t.app.inject({ method: "POST", url: `/telegram/${id}`, headers: { "content-type": "application/json", ...headers }, payload: typeof body === "string" ? body : JSON.stringify(body) });

  it("sets the webhook with the bot's secret; Telegram's deliveries reach the handler in order", async () => {
    const { tg, id } = await startedBot();
    const info = await new BotApi(tg.token, { apiRoot: emulator.running.apiRoot }).call("getWebhookInfo");
    expect(info.url).toBe(`http://127.0.0.1:${port}/telegram/${id}`);
    expect(info.allowed_updates).toContain("chat_member");
    expect(t.platform.runtime.runner.isPolling(id)).toBe(false);

    const alice = await emulator.running.client.createUser({ first_name: "Alice" });
    const chat = await alice.privateChat(tg);
    const before = handler.handled.length;
    for (const text of ["one", "two", "three"]) await alice.sendText(chat, text);
    await handler.waitForHandled(before + 3);
    expect(handler.handledIds(id)).toEqual([1, 2, 3]);
    expect(emulator.running.emulator.counters.webhookFailures).toBe(0);
  });

  it("answers one 404 for an unknown bot, a malformed id, a stopped bot and a missing or wrong secret (compared in constant time)", async () => {
    const { id, secret } = await startedBot();
    const notFound = async (response: { statusCode: number; json(): unknown }) => {
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: "Bot not found" });
    };
    await notFound(await post(id, textUpdate(1, 1)));
    vi.mocked(safeEqual).mockClear();
    const wrong = `${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`;
    await notFound(await post(id, textUpdate(1, 1), { "x-telegram-bot-api-secret-token": wrong }));
    expect(vi.mocked(safeEqual)).toHaveBeenCalledWith(wrong, secret);
    const headers = { "x-telegram-bot-api-secret-token": secret };
    for (const path of ["999999", "abc", "0"]) {
      await notFound(await t.app.inject({ method: "POST", url: `/telegram/${path}`, headers: { ...headers, "content-type": "application/json" }, payload: "{}" }));
    }
    expect(await t.platform.runtime.inbox.counts(id)).toEqual({});
    await api.post(`/v2/bots/${id}/status`, { status: "start_stopping" });
    await notFound(await post(id, textUpdate(1, 1), headers));
  });

  it("refuses a body that is not an update with 400", async () => {
    const { id, secret } = await startedBot();
    const headers = { "x-telegram-bot-api-secret-token": secret };
    for (const [body, error] of [
      ["{\"update_id\": 1,", "Malformed JSON in request body"],
      ["[1]", "An update must be a JSON object"],
      ["42", "An update must be a JSON object"],
      [{ message: {} }, "An update needs a numeric update_id"],
      [{ update_id: "7" }, "An update needs a numeric update_id"],
      [`{"update_id": 1, "message": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`, "An update is nested too deeply (the limit is 100 levels)"],
    ] as const) {
      const response = await post(id, body, headers);
      expect(response.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(response.json()).toEqual({ error });
    }
    expect(await t.platform.runtime.inbox.counts(id)).toEqual({});
  });

  it("answers 200 to a redelivered update but handles it once", async () => {
    const { id, secret } = await startedBot();
    const headers = { "x-telegram-bot-api-secret-token": secret };
    const before = handler.handled.length;
    for (let i = 0; i < 3; i++) {
      const response = await post(id, textUpdate(77, 9), headers);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({});
    }
    await post(id, textUpdate(78, 9), headers);
    await handler.waitForHandled(before + 2);
    expect(handler.handledIds(id)).toEqual([77, 78]);
  });

  it("counts what came in and how its handling went on /metrics", async () => {
    const { id, secret } = await startedBot();
    const headers = { "x-telegram-bot-api-secret-token": secret };
    const series = ['botyard_updates_received_total{kind="new"}', 'botyard_updates_received_total{kind="redelivered"}', 'botyard_update_handlings_total{outcome="handled"}'];
    const before = await Promise.all(series.map((name) => metricValue(t.app, name)));
    const handled = handler.handled.length;
    await post(id, textUpdate(501, 5), headers);
    await post(id, textUpdate(501, 5), headers);
    await post(id, textUpdate(502, 5), headers);
    await handler.waitForHandled(handled + 2);
    const after = await Promise.all(series.map((name) => metricValue(t.app, name)));
    expect(after.map((value, i) => value - before[i]!)).toEqual([2, 1, 2]);
    expect(await metricValue(t.app, "botyard_update_handling_seconds_count")).toBeGreaterThanOrEqual(2);
  });

  it("keeps an update whose text holds a NUL character (the API's text guard is for stored fields)", async () => {
    const { id, secret } = await startedBot();
    const before = handler.handled.length;
    const response = await post(id, textUpdate(5, 9, "a\u0000b"), { "x-telegram-bot-api-secret-token": secret });
    expect(response.statusCode).toBe(200);
    await handler.waitForHandled(before + 1);
  });

  it("delivers what waited at Telegram to a bot that is already working", async () => {
    const tg = await emulator.running.client.registerBot();
    const { id } = await createBot(api, { token: tg.token });
    const frank = await emulator.running.client.createUser({ first_name: "Frank" });
    await frank.sendText(await frank.privateChat(tg), "sent before the start");
    const before = handler.handled.length;
    await api.post(`/v2/bots/${id}/status`, { status: "start_launch" });
    await handler.waitForHandled(before + 1);
    expect(handler.handled.filter((h) => h.botId === id)).toEqual([{ botId: id, updateId: 1, probed: "works" }]);
  });

  it("moves the webhook to a new token", async () => {
    const { tg: old, id } = await startedBot();
    const next = await emulator.running.client.registerBot();
    expect((await api.put(`/v2/bots/${id}`, { token: next.token })).json()).toMatchObject({ status: "works", username: next.username });
    const webhookOf = async (tg: BotHandle) => (await new BotApi(tg.token, { apiRoot: emulator.running.apiRoot }).call("getWebhookInfo")).url;
    expect(await webhookOf(old)).toBe("");
    expect(await webhookOf(next)).toBe(`http://127.0.0.1:${port}/telegram/${id}`);
  });

  it("removes the webhook on stop", async () => {
    const { tg, id } = await startedBot();
    expect((await api.post(`/v2/bots/${id}/status`, { status: "start_stopping" })).json().status).toBe("stopped");
    expect((await new BotApi(tg.token, { apiRoot: emulator.running.apiRoot }).call("getWebhookInfo")).url).toBe("");
  });

  it("takes a run of posts over HTTP, each recorded before its 200, handled once and in order per chat", async () => {
    const { id, secret } = await startedBot();
    const url = `http://127.0.0.1:${port}/telegram/${id}`;
    const headers = { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret };
    const before = handler.handled.length;
    for (let i = 1; i <= 100; i++) {
      const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(textUpdate(1000 + i, 1000 + (i % 10))) });
      expect(response.status).toBe(200);
      const rows = Object.values(await t.platform.runtime.inbox.counts(id)).reduce((sum, n) => sum + n, 0);
      expect(rows).toBe(i);
    }
    await handler.waitForHandled(before + 100);
    const ids = handler.handledIds(id);
    expect(new Set(ids).size).toBe(100);
    for (let chat = 0; chat < 10; chat++) {
      const ofChat = ids.filter((updateId) => (updateId - 1000) % 10 === chat);
      expect(ofChat).toEqual([...ofChat].sort((a, b) => a - b));
    }
  });
});
