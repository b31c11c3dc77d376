import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProcessing, type Processing } from "../../src/runtime/processing.js";
import { apiClient, createBot, signUpClient, useEmulator, type ApiClient } from "../support/bots.js";
import { engines, usePlatform } from "../support/platform.js";

describe.each(engines())("the playground on %s", (engine) => {
  const telegram = useEmulator();
  const t = usePlatform(engine, telegram.env);
  let processing: Processing;
  beforeAll(async () => {
    processing = createProcessing(t.platform);
    await t.platform.runtime.start(processing.processor);
  });
  afterAll(async () => {
    await t.platform.runtime.close();
    await processing.close();
  });

  /** A new owner's bot in the playground, with these commands, started. */
  async function playgroundBot(commands: Array<Record<string, unknown>>) {
    const { api, user } = await signUpClient(t.app);
    const bot = await createBot(api, { name: "Shop" });
    const connected = await api.post(`/v2/bots/${bot.id}/playground`);
    expect(connected.statusCode).toBe(200);
    for (const command of commands) expect((await api.post(`/v2/bots/${bot.id}/commands`, command)).statusCode).toBe(200);
    const started = await api.post(`/v2/bots/${bot.id}/status`, { status: "start_launch" });
    expect(started.json()).toMatchObject({ status: "works", status_error: null });
    return { api, user, bot, connected: connected.json(), base: `/v2/bots/${bot.id}/playground` };
  }

  /** The bot messages after `after`, waiting for them. */
  async function botMessages(api: ApiClient, base: string, after: number) {
    const chat = (await api.get(`${base}?after_message_id=${after}&wait_s=5`)).json();
    return chat.messages.filter((message: { from: string }) => message.from === "bot");
  }

  it("gives a bot its playground token and talks to it: formatting, reply keyboard, inline buttons", async () => {
    const { api, bot, connected, base } = await playgroundBot([
      { command: "/start", answer: "Hello *there*", keyboard_body: "Help, Shop", bjs_code: "" },
      { command: "Shop", bjs_code: "Bot.sendInlineKeyboard([{title: 'Buy', command: '/buy'}], 'Pick one')" },
      { command: "/buy", bjs_code: "Bot.sendMessage('Bought')" },
    ]);
    expect(connected.token).toMatch(/^9\d+:pg[0-9a-f]{40}$/);
    expect(connected.username).toBe(`playground_${bot.id}_bot`);
    expect((await api.get(base)).json()).toEqual({ connected: true, messages: [], reply_keyboard: null });

    const sent = await api.post(`${base}/messages`, { text: "/start" });
    expect(sent.json()).toMatchObject({ from: "user", text: "/start", entities: [{ type: "bot_command", offset: 0, length: 6 }] });
    const [hello] = await botMessages(api, base, sent.json().message_id);
    expect(hello).toMatchObject({ from: "bot", text: "Hello there", entities: [{ type: "bold", offset: 6, length: 5 }], media: null, edited: false });
    const chat = (await api.get(base)).json();
    expect(chat.reply_keyboard).toEqual({ keyboard: [[{ text: "Help" }, { text: "Shop" }]], resize_keyboard: true, one_time_keyboard: false });

    const pressed = await api.post(`${base}/messages`, { text: "Shop" });
    const [menu] = await botMessages(api, base, pressed.json().message_id);
    expect(menu).toMatchObject({ text: "Pick one", inline_keyboard: [[{ text: "Buy", callback_data: "/buy" }]] });
    t.clock.advance(5_000); // Telegram's per-chat burst refills
    expect((await api.post(`${base}/buttons`, { message_id: menu.message_id, callback_data: "/buy" })).json()).toEqual({ message: "Button pressed" });
    const [bought] = await botMessages(api, base, menu.message_id);
    expect(bought.text).toBe("Bought");
  });

  it("renders Telegram's entities for HTML answers", async () => {
    const { api, base } = await playgroundBot([{ command: "/f", bjs_code: "Bot.sendMessage('<b>B</b> <a href=\"https://example.com\">link</a> <code>x</code>', {parse_mode: 'HTML'})" }]);
    const sent = await api.post(`${base}/messages`, { text: "/f" });
    const [formatted] = await botMessages(api, base, sent.json().message_id);
    expect(formatted.text).toBe("B link x");
    expect(formatted.entities).toEqual([
      { type: "bold", offset: 0, length: 1 },
      { type: "text_link", offset: 2, length: 4, url: "https://example.com" },
      { type: "code", offset: 7, length: 1 },
    ]);
  });

  it("keeps other bots on TELEGRAM_API_ROOT, and refuses to replace a Telegram token or accept a forged one", async () => {
    const { api } = await signUpClient(t.app);
    const real = await telegram.running.client.registerBot({ username: "real_bot" });
    const bot = await createBot(api, { token: real.token });
    expect(bot.username).toBe("real_bot");
    const refused = await api.post(`/v2/bots/${bot.id}/playground`);
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toEqual({ errors: ["This bot has a Telegram token; copy the bot to try it in the playground"] });
    expect(t.platform.playground.isPlaygroundToken(t.platform.bots.store.tokenOf((await t.platform.bots.store.byId(bot.id))!)!)).toBe(false);

    // A token shaped like a playground one but not issued by the platform goes to Telegram, which refuses it.
    const other = await createBot(api, { name: "Other" });
    const forged = t.platform.playground.tokenFor(other.id).replace(/.$/, (last) => (last === "0" ? "1" : "0"));
    expect((await api.put(`/v2/bots/${other.id}`, { token: forged })).statusCode).toBe(422);
  });

  it("answers 422 for a bot outside the playground or a missing button, and 404 for another owner's bot", async () => {
    const { api, base } = await playgroundBot([{ command: "/start", answer: "hi" }]);
    const outside = await createBot(api, { name: "Outside" });
    expect((await api.get(`/v2/bots/${outside.id}/playground`)).json()).toEqual({ connected: false, messages: [], reply_keyboard: null });
    expect((await api.post(`/v2/bots/${outside.id}/playground/messages`, { text: "hi" })).statusCode).toBe(422);
    const noButton = await api.post(`${base}/buttons`, { message_id: 999, callback_data: "x" });
    expect(noButton.statusCode).toBe(422);
    expect(noButton.json().errors).toEqual([expect.stringMatching(/no bot message 999/)]);
    expect((await api.post(`${base}/messages`, { text: "   " })).statusCode).toBe(422);

    const stranger = apiClient(t.app, (await signUpClient(t.app)).user.apiKey);
    for (const response of [
      await stranger.get(base),
      await stranger.post(base),
      await stranger.post(`${base}/messages`, { text: "hi" }),
    ]) {
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: "Bot not found" });
    }
  });

  it("serves only the Bot API on its port: the emulator's control API is not reachable over HTTP", async () => {
    const { connected } = await playgroundBot([]);
    const root = (t.platform.apiRoot as (token: string) => string)(connected.token);
    expect(root).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await (await fetch(`${root}/bot${connected.token}/getMe`, { method: "POST" })).json()).result.username).toBe(connected.username);
    const control = await fetch(`${root}/control/createUser`, { method: "POST", body: JSON.stringify({ first_name: "Eve" }) });
    expect(control.status).toBe(404);
  });

  it("waits for the bot's reply when asked to, and answers at once when nothing comes", async () => {
    const { api, base } = await playgroundBot([{ command: "/slow", bjs_code: "Bot.sendMessage('done')" }]);
    const waiting = api.get(`${base}?after_message_id=1&wait_s=5`);
    await api.post(`${base}/messages`, { text: "/slow" });
    expect((await waiting).json().messages.map((m: { text: string }) => m.text)).toEqual(["done"]);
    const nothing = (await api.get(`${base}?after_message_id=2`)).json();
    expect(nothing.messages).toEqual([]);
  });
});
