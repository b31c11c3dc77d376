import { describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../../src/telegram/emulator/index.js";
import { scene, telegramError } from "./harness.js";

describe("getUpdates (long polling)", () => {
  it("returns pending updates with increasing ids until an offset confirms them", async () => {
    const { api, alice, chat } = await scene();
    await alice.sendText(chat, "one");
    await alice.sendText(chat, "two");
    await alice.sendText(chat, "three");
    const all = (await api("getUpdates")).body.result;
    expect(all.map((u: any) => u.message.text)).toEqual(["one", "two", "three"]);
    expect(all[1].update_id).toBe(all[0].update_id + 1);
    const limited = (await api("getUpdates", { limit: 1 })).body.result;
    expect(limited.map((u: any) => u.message.text)).toEqual(["one"]);
    const rest = (await api("getUpdates", { offset: all[0].update_id + 1 })).body.result;
    expect(rest.map((u: any) => u.message.text)).toEqual(["two", "three"]);
    expect((await api("getUpdates", { offset: -1 })).body.result.map((u: any) => u.message.text)).toEqual(["three"]);
    expect((await api("getUpdates", { offset: all[2].update_id + 1 })).body.result).toEqual([]);
  });

  /** Resolves once the emulator holds the bot's getUpdates. */
  const held = (emulator: RunningEmulator, token: string) => expect.poll(() => emulator.emulator.polling.isWaiting(emulator.emulator.world.bots.get(token)!)).toBe(true);

  it("holds a poll until an update arrives", async () => {
    const { api, alice, chat, emulator, bot } = await scene();
    const poll = api("getUpdates", { timeout: 10 });
    await held(emulator, bot.token);
    const started = performance.now();
    await alice.sendText(chat, "wake up");
    const answer = await poll;
    expect(answer.body.result.map((u: any) => u.message.text)).toEqual(["wake up"]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("answers an empty list when the timeout passes", async () => {
    const { api } = await scene();
    const started = performance.now();
    expect((await api("getUpdates", { timeout: 1 })).body).toEqual({ ok: true, result: [] });
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("ends the older of two concurrent polls with 409", async () => {
    const { api, emulator, bot } = await scene();
    const first = api("getUpdates", { timeout: 10 });
    await held(emulator, bot.token);
    const second = api("getUpdates", { timeout: 0 });
    expect(await first).toEqual(
      telegramError(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"),
    );
    expect((await second).body).toEqual({ ok: true, result: [] });
  });

  it("filters by allowed_updates from then on", async () => {
    const { api, alice, chat, bot } = await scene();
    await api("getUpdates", { allowed_updates: ["callback_query"] });
    await alice.sendText(chat, "ignored");
    const sent = (await api("sendMessage", { chat_id: alice.id, text: "k", reply_markup: { inline_keyboard: [[{ text: "B", callback_data: "b" }]] } })).body.result;
    await alice.pressButton(sent, "b");
    const updates = (await api("getUpdates")).body.result;
    expect(updates.map((u: any) => Object.keys(u)[1])).toEqual(["callback_query"]);
    expect(bot.id).toBe(updates[0].callback_query.message.from.id);
  });

  it("refuses getUpdates while a webhook is set", async () => {
    const { api } = await scene();
    await api("setWebhook", { url: "http://127.0.0.1:9/hook" });
    expect(await api("getUpdates")).toEqual(
      telegramError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"),
    );
    expect((await api("deleteWebhook")).body).toEqual({ ok: true, result: true, description: "Webhook was deleted" });
    expect((await api("getUpdates")).status).toBe(200);
  });

  it("validates setWebhook and says when nothing changed", async () => {
    const { api } = await scene();
    expect(await api("setWebhook", { url: "ftp://x/hook" })).toEqual(
      telegramError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"),
    );
    expect(await api("setWebhook", { url: "http://127.0.0.1:9/hook", secret_token: "not allowed!" })).toEqual(
      telegramError(400, "Bad Request: secret token contains unallowed characters"),
    );
    expect((await api("deleteWebhook")).body).toEqual({ ok: true, result: true, description: "Webhook is already deleted" });
    await api("setWebhook", { url: "http://127.0.0.1:9/hook" });
    expect((await api("setWebhook", { url: "http://127.0.0.1:9/hook" })).body.description).toBe("Webhook is already set");
  });
});
