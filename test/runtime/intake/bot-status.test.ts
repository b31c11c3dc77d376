import pino from "pino";
import { Registry } from "prom-client";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { BotRuntime } from "../../../src/runtime/bot-runtime.js";
import { TelegramSender } from "../../../src/runtime/telegram-sender.js";
import { freePort } from "../../support/net.js";
import type { BotHandle } from "../../../src/telegram/emulator/index.js";
import { createBot, signUpClient, useEmulator, type ApiClient } from "../../support/bots.js";
import { engines, usePlatform } from "../../support/platform.js";
import { RecordingHandler } from "./recording-handler.js";

describe.each(engines())("starting and stopping bots with long polling on %s", (engine) => {
  const emulator = useEmulator();
  const t = usePlatform(engine, emulator.env);
  // The processor handles only a working bot's updates: each must find the bot "works".
  const handler = new RecordingHandler(async (botId) => (await t.platform.bots.store.byId(botId))?.status);
  let api: ApiClient;
  beforeAll(async () => {
    await t.platform.runtime.start(handler);
    api = (await signUpClient(t.app)).api;
  });

  async function telegramBot(): Promise<{ tg: BotHandle; id: number }> {
    const tg = await emulator.running.client.registerBot();
    return { tg, id: (await createBot(api, { token: tg.token })).id };
  }
  const setStatus = (id: number, status: string) => api.post(`/v2/bots/${id}/status`, { status });

  /** Makes Telegram forget the token, and ends the bot's waiting long poll so the loop notices. */
  function revoke(tg: BotHandle): void {
    const { world, polling } = emulator.running.emulator;
    const account = world.bots.get(tg.token)!;
    world.bots.delete(tg.token);
    polling.end(account);
  }

  it("starts a bot: works, polling, and a user's messages reach the handler in order", async () => {
    const { tg, id } = await telegramBot();
    t.clock.advance(1000);
    const response = await setStatus(id, "start_launch");
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id, status: "works", status_error: null, username: tg.username, last_run_at: new Date(t.clock.now()).toISOString() });
    expect(t.platform.runtime.runner.isPolling(id)).toBe(true);

    const alice = await emulator.running.client.createUser({ first_name: "Alice" });
    const chat = await alice.privateChat(tg);
    const before = handler.handled.length;
    await alice.sendText(chat, "one");
    await alice.sendText(chat, "two");
    await alice.sendText(chat, "three");
    await handler.waitForHandled(before + 3);
    expect(handler.handledIds(id)).toEqual([1, 2, 3]);
  });

  it("stops a bot: the loop ends, Telegram keeps what comes after, and a new start picks it up", async () => {
    const { tg, id } = await telegramBot();
    await setStatus(id, "start_launch");
    const response = await setStatus(id, "start_stopping");
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: "stopped", status_error: null });
    expect(t.platform.runtime.runner.isPolling(id)).toBe(false);

    const bob = await emulator.running.client.createUser({ first_name: "Bob" });
    await bob.sendText(await bob.privateChat(tg), "while stopped");
    expect(emulator.running.emulator.world.bots.get(tg.token)!.updates.pending).toHaveLength(1);
    expect(handler.handledIds(id)).toEqual([]);

    const before = handler.handled.length;
    await setStatus(id, "start_launch");
    await handler.waitForHandled(before + 1);
    expect(handler.handled.filter((h) => h.botId === id)).toEqual([{ botId: id, updateId: 1, probed: "works" }]);
  });

  it("puts a bot whose token Telegram refuses in error, with Telegram's description", async () => {
    const { tg, id } = await telegramBot();
    revoke(tg);
    const response = await setStatus(id, "start_launch");
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: "error", status_error: "Unauthorized" });
    expect(t.platform.runtime.runner.isPolling(id)).toBe(false);
  });

  it("puts a polling bot in error when its token is revoked", async () => {
    const { tg, id } = await telegramBot();
    await setStatus(id, "start_launch");
    revoke(tg);
    await vi.waitFor(async () => expect(await statusOf(api, id)).toBe("error"));
    expect((await api.get(`/v2/bots/${id}`)).json().status_error).toBe("Unauthorized");
    expect(t.platform.runtime.runner.isPolling(id)).toBe(false);
  });

  it("follows a new token: polling moves to the new bot, the old one is left alone", async () => {
    const { tg: old, id } = await telegramBot();
    await setStatus(id, "start_launch");
    const next = await emulator.running.client.registerBot();
    const response = await api.put(`/v2/bots/${id}`, { token: next.token });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: "works", username: next.username });
    expect(t.platform.runtime.runner.isPolling(id)).toBe(true);

    const carol = await emulator.running.client.createUser({ first_name: "Carol" });
    await carol.sendText(await carol.privateChat(old), "to the old bot");
    const before = handler.handled.length;
    await carol.sendText(await carol.privateChat(next), "to the new bot");
    await handler.waitForHandled(before + 1);
    expect(handler.handled.slice(before)).toEqual([{ botId: id, updateId: 1, probed: "works" }]);
    expect(emulator.running.emulator.world.bots.get(old.token)!.updates.pending).toHaveLength(1);
  });

  it("stops a running bot whose token is removed", async () => {
    const { id } = await telegramBot();
    await setStatus(id, "start_launch");
    const response = await api.put(`/v2/bots/${id}`, { token: null });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: "stopped", token: null, username: null });
    expect(t.platform.runtime.runner.isPolling(id)).toBe(false);
  });

  it("refuses to start a bot without a token (422), and any status but the two (422)", async () => {
    const { id } = await createBot(api);
    const response = await setStatus(id, "start_launch");
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ errors: ["Token can't be blank: add the bot's Telegram token before starting it, or connect it to the playground first (POST /v2/bots/{id}/playground)"] });
    expect(await statusOf(api, id)).toBe("stopped");

    for (const body of [{ status: "works" }, { status: "" }, {}]) {
      const bad = await api.post(`/v2/bots/${id}/status`, body);
      expect(bad.statusCode).toBe(422);
      expect(bad.json().errors).toHaveLength(1);
    }
    expect((await api.post(`/v2/bots/${id}/status`, { status: "works" })).json()).toEqual({ errors: ["Status must be one of: start_launch, start_stopping"] });
  });

  it("answers 404 for another user's bot and leaves it alone", async () => {
    const { id } = await telegramBot();
    const stranger = (await signUpClient(t.app)).api;
    const response = await stranger.post(`/v2/bots/${id}/status`, { status: "start_launch" });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: "Bot not found" });
    expect(await statusOf(api, id)).toBe("stopped");
  });

  it("stops the polling loop of a bot that is deleted", async () => {
    const { id } = await telegramBot();
    await setStatus(id, "start_launch");
    expect(t.platform.runtime.runner.isPolling(id)).toBe(true);
    expect((await api.delete(`/v2/bots/${id}`)).statusCode).toBe(200);
    expect(t.platform.runtime.runner.isPolling(id)).toBe(false);
  });

  it("starting a running bot again keeps one loop and loses nothing", async () => {
    const { tg, id } = await telegramBot();
    await Promise.all([setStatus(id, "start_launch"), setStatus(id, "start_launch")]);
    expect(await statusOf(api, id)).toBe("works");
    const carol = await emulator.running.client.createUser({ first_name: "Carol" });
    const before = handler.handled.length;
    await carol.sendText(await carol.privateChat(tg), "hi");
    await handler.waitForHandled(before + 1);
    expect(handler.handledIds(id)).toEqual([1]);
  });
});

describe.each(engines())("resuming at platform start on %s", (engine) => {
  const emulator = useEmulator();
  const t = usePlatform(engine, emulator.env);

  it("polls again for the bots that were running, and handles what the inbox held", async () => {
    const { api } = await signUpClient(t.app);
    const running = await emulator.running.client.registerBot();
    const idle = await emulator.running.client.registerBot();
    const runningId = (await createBot(api, { token: running.token })).id;
    const idleId = (await createBot(api, { token: idle.token })).id;
    await t.platform.runtime.start(new RecordingHandler());
    await api.post(`/v2/bots/${runningId}/status`, { status: "start_launch" });

    // The process goes down; an update was accepted but not handled yet.
    await t.platform.runtime.close();
    await t.platform.runtime.intake.accept(runningId, [
      { update_id: 900, message: { message_id: 1, date: 0, chat: { id: 5, type: "private", first_name: "Dan" }, text: "held" } } as never,
    ]);
    expect(await statusOf(api, runningId)).toBe("works");

    const next = new BotRuntime({ database: t.platform.database, clock: t.clock, log: pino({ level: "silent" }), store: t.platform.bots.store, sender: t.platform.sender, config: t.config, metrics: new Registry(), jobs: t.platform.jobs, errorLog: t.platform.errorLog });
    const handler = new RecordingHandler(async (botId) => (await t.platform.bots.store.byId(botId))?.status);
    try {
      await next.start(handler);
      expect(next.runner.isPolling(runningId)).toBe(true);
      expect(next.runner.isPolling(idleId)).toBe(false);
      const erin = await emulator.running.client.createUser({ first_name: "Erin" });
      await erin.sendText(await erin.privateChat(running), "after restart");
      await handler.waitForHandled(2);
      expect(handler.handled).toEqual([900, 1].map((updateId) => ({ botId: runningId, updateId, probed: "works" })));
      expect(await statusOf(api, idleId)).toBe("stopped");
    } finally {
      await next.close();
    }
  });

  it("tries again on the clock when Telegram cannot be reached at resume, keeping the bot working", async () => {
    const { api } = await signUpClient(t.app);
    const tg = await emulator.running.client.registerBot();
    const id = (await createBot(api, { token: tg.token })).id;
    await t.platform.bots.store.setStatus(id, { status: "works" });

    // Telegram is away (nothing listens there) until the test brings it back.
    let apiRoot = `http://127.0.0.1:${await freePort()}`;
    const sender = new TelegramSender({ apiRoot: () => apiRoot, clock: t.clock, limits: t.config.sending });
    const next = new BotRuntime({ database: t.platform.database, clock: t.clock, log: pino({ level: "silent" }), store: t.platform.bots.store, sender, config: t.config, metrics: new Registry(), jobs: t.platform.jobs, errorLog: t.platform.errorLog });
    try {
      await next.start(new RecordingHandler());
      expect(next.runner.isPolling(id)).toBe(false);
      expect(await statusOf(api, id)).toBe("works");
      const retryAt = t.clock.nextTimerAt!;
      expect(retryAt - t.clock.now()).toBe(2000);

      apiRoot = emulator.running.apiRoot;
      t.clock.advance(1999);
      expect(next.runner.isPolling(id)).toBe(false);
      t.clock.advance(1);
      await vi.waitFor(() => expect(next.runner.isPolling(id)).toBe(true));
      expect(await statusOf(api, id)).toBe("works");
    } finally {
      await next.close();
    }
  });
});

async function statusOf(api: ApiClient, id: number): Promise<string> {
  return (await api.get(`/v2/bots/${id}`)).json().status as string;
}
