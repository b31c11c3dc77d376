import type { Update } from "@grammyjs/types";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoginBot, runLoginBot } from "../../src/runtime/login-bot.js";
import { BotApi } from "../../src/telegram/bot-api.js";
import { startEmulator, type BotHandle, type RunningEmulator } from "../../src/telegram/emulator/index.js";
import { engines, usePlatform } from "../support/platform.js";
import { signUp } from "../support/accounts.js";

describe.each(engines())("the login bot on %s", (engine) => {
  let emulator: RunningEmulator;
  let loginBot: BotHandle;
  beforeAll(async () => {
    emulator = await startEmulator({ limits: { enabled: false } });
    loginBot = await emulator.client.registerBot({ username: "BotyardLoginBot" });
  });
  afterAll(() => emulator.close());
  const t = usePlatform(engine, () => ({ TELEGRAM_API_ROOT: emulator.apiRoot, TELEGRAM_LOGIN_BOT_TOKEN: loginBot.token, TELEGRAM_LOGIN_BOT_USERNAME: loginBot.username }));

  /** Hands the login bot's waiting updates to it, as its polling loop does. */
  async function deliver(bot: LoginBot): Promise<void> {
    const api = new BotApi(loginBot.token, { apiRoot: emulator.apiRoot });
    const updates = (await api.call("getUpdates", { timeout: 0 })) as Update[];
    for (const update of updates) await bot.handle(update);
    if (updates.length) await api.call("getUpdates", { offset: updates.at(-1)!.update_id + 1, timeout: 0 });
  }

  it("links the account of a user who presses Start on their link, once", async () => {
    const bot = new LoginBot(loginBot.token, t.platform.telegramLogin, t.platform.sender, pino({ level: "silent" }));
    const { apiKey } = await signUp(t.app);
    const url = new URL((await t.app.inject({ method: "GET", url: `/v2/user/telegram_link_url?api_key=${apiKey}` })).json().url);
    const payload = url.searchParams.get("start")!;

    const grace = await emulator.client.createUser({ first_name: "Grace", username: "grace" });
    const chat = await grace.privateChat(loginBot);
    await grace.start(chat, payload);
    await deliver(bot);
    expect((await chat.waitForReply()).text).toMatch(/^Your Telegram account is now linked/);
    const user = (await t.app.inject({ method: "GET", url: `/v2/user?api_key=${apiKey}` })).json();
    expect(user.telegram_id).toBe(grace.id);

    await grace.start(chat, payload);
    await deliver(bot);
    expect((await chat.waitForReply()).text).toMatch(/^This link has expired or was already used/);
    await grace.start(chat);
    await deliver(bot);
    expect((await chat.waitForReply()).text).toMatch(/^This is Botyard's login bot/);
  });

  it("runs as the platform runs it: polling, linking from a Start press, stopping cleanly", async () => {
    const loop = await runLoginBot(t.platform);
    expect(loop).toBeDefined();
    try {
      const { apiKey } = await signUp(t.app);
      const url = new URL((await t.app.inject({ method: "GET", url: `/v2/user/telegram_link_url?api_key=${apiKey}` })).json().url);
      const hopper = await emulator.client.createUser({ first_name: "Grace", last_name: "Hopper" });
      const chat = await hopper.privateChat(loginBot);
      await hopper.start(chat, url.searchParams.get("start")!);
      expect((await chat.waitForReply({ timeoutMs: 5000 })).text).toMatch(/^Your Telegram account is now linked/);
      const linked = (await t.app.inject({ method: "GET", url: `/v2/user/linked_accounts?api_key=${apiKey}` })).json();
      expect(linked).toEqual([expect.objectContaining({ telegramid: hopper.id, first_name: "Grace", last_name: "Hopper" })]);
    } finally {
      await loop!.stop();
    }
  });
});
