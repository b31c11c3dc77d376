import { describe, expect, it, vi } from "vitest";
import { engines } from "../../support/platform.js";
import { metricValue } from "../../support/metrics.js";
import { useRuntime } from "../../support/runtime.js";

describe.each(engines())("a bot's replies through the sender, with Telegram's limits on, on %s", (engine) => {
  const r = useRuntime(engine, { TELEGRAM_LIMITS: "on" });

  it("sends two messages to a chat at once and the third a window later, in order, and shows the wait on /metrics", async () => {
    const bot = await r.bot([{ command: "/news", bjs_code: 'Bot.sendMessage("one"); Bot.sendMessage("two"); Bot.sendMessage("three")' }]);
    const user = await r.emulator.client.createUser({ first_name: "Ada" });
    const chat = await user.privateChat(bot.telegram);
    await user.sendText(chat, "/news");
    const handling = bot.deliver();
    expect((await chat.waitForBotMessages({ count: 2 })).map((message) => message.text)).toEqual(["one", "two"]);
    await vi.waitFor(async () => expect(await metricValue(r.t.app, 'botyard_telegram_queued_calls{priority="interactive"}')).toBe(1));
    await r.t.clock.advanceAsync(2001);
    await handling;
    expect((await chat.history()).filter((message) => message.from?.is_bot).map((message) => message.text)).toEqual(["one", "two", "three"]);
    expect(await metricValue(r.t.app, 'botyard_telegram_queued_calls{priority="interactive"}')).toBe(0);
  });

  it("hands BJS a blocked user's 403 as Telegram's error", async () => {
    const bot = await r.bot([
      { command: "/tell", bjs_code: 'Api.sendMessage({chat_id: params, text: "hi", on_error: "/failed"})' },
      { command: "/failed", bjs_code: 'Bot.sendMessage("failed: " + options.error.code + " " + options.error.description)' },
    ]);
    const blocker = await r.emulator.client.createUser({ first_name: "Bea" });
    await blocker.privateChat(bot.telegram);
    await blocker.block(bot.telegram);
    const user = await r.emulator.client.createUser({ first_name: "Cy" });
    const chat = await user.privateChat(bot.telegram);
    await user.sendText(chat, `/tell ${blocker.id}`);
    await bot.deliver();
    expect((await chat.waitForReply()).text).toBe("failed: 403 Forbidden: bot was blocked by the user");
  });
});
