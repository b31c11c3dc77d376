import type { Update } from "@grammyjs/types";
import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import { Dispatcher } from "../../../src/runtime/intake/dispatcher.js";
import { Inbox } from "../../../src/runtime/intake/inbox.js";
import { BotApi } from "../../../src/telegram/bot-api.js";
import { engines } from "../../support/platform.js";
import { metricValue } from "../../support/metrics.js";
import { useRuntime, type TestBot } from "../../support/runtime.js";

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

  it("finishes an update while its messages wait out a 5xx, sends them after in order, and logs a refusal that comes late", async () => {
    const bot = await r.bot([{ command: "/two", bjs_code: 'Bot.sendMessage("first"); Bot.sendMessage("second")' }]);
    const user = await r.emulator.client.createUser({ first_name: "Dee" });
    const chat = await user.privateChat(bot.telegram);
    const messages = async () => (await chat.history()).filter((message) => message.from?.is_bot).map((message) => message.text);

    await r.emulator.client.injectFault({ method: "sendMessage", kind: 500 });
    await user.sendText(chat, "/two");
    await bot.deliver(); // returns although "first" waits for its retry
    expect(await messages()).toEqual([]);
    await r.t.clock.advanceAsync(500);
    await vi.waitFor(async () => expect(await messages()).toEqual(["first"]));
    // The failed attempt counted against the chat (Telegram may have seen it): "second" takes the next window.
    await r.t.clock.advanceAsync(1501);
    await vi.waitFor(async () => expect(await messages()).toEqual(["first", "second"]));
    await r.t.clock.advanceAsync(2001);

    // Every attempt fails: the refusal is logged after the last, and "second" goes after it.
    const failures = () => metricValue(r.t.app, 'botyard_telegram_calls_total{outcome="server_error"}');
    const errors = async () => (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/error_logs?api_key=${bot.apiKey}` })).json();
    const before = await failures();
    await r.emulator.client.injectFault({ method: "sendMessage", kind: 500, count: 5 });
    await user.sendText(chat, "/two");
    await bot.deliver();
    // Back-offs of 0.5, 1, 2 and 4 s, and chat windows: move the clock a second at a time until all is through.
    const through = async () => (await errors()).length === 1 && (await messages()).length === 3;
    for (let second = 0; second < 30 && !(await through()); second++) await r.t.clock.advanceAsync(1000);
    expect(await messages()).toEqual(["first", "second", "second"]);
    expect((await errors()).map((entry: { title: string }) => entry.title)).toEqual(["Telegram refused sendMessage: Internal Server Error"]);
    expect((await failures()) - before).toBe(5);
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

/**
 * Through the embedded intake (SQLite: a run's writes are seen at once, so the lane need not
 * wait for its commit; PostgreSQL's journal commits a run at its end and never releases it).
 */
describe("a chat's updates while a reply is on its way, on sqlite", () => {
  const r = useRuntime("sqlite");

  /** The embedded intake over the suite's database, handing updates to the real processor. */
  async function intake() {
    const inbox = new Inbox(r.t.platform.database, r.t.clock);
    const dispatcher = new Dispatcher(inbox, pino({ level: "silent" }));
    await dispatcher.start(r.processing.processor);
    /** Hands the bot's updates waiting in the emulator to the dispatcher. */
    const accept = async (bot: TestBot) => {
      const updates = (await new BotApi(bot.telegram.token, { apiRoot: r.emulator.apiRoot }).call("getUpdates", { timeout: 0 })) as Update[];
      await dispatcher.accept(bot.id, updates);
    };
    return { inbox, dispatcher, accept };
  }

  /** Telegram answers `method` this late (real time) while `test` runs. */
  async function slow(method: string, ms: number, test: () => Promise<void>): Promise<void> {
    await r.emulator.client.setLatency({ method, ms });
    try {
      await test();
    } finally {
      await r.emulator.client.setLatency({ method, ms: 0 });
    }
  }

  it("runs a chat's next update while the last one's reply is on its way, and marks each done once its reply is through", async () => {
    const bot = await r.bot([{ command: "/count", bjs_code: 'var n = User.getProp("n", 0) + 1; User.setProp("n", n, "integer"); Bot.sendMessage("n=" + n)' }]);
    const user = await r.emulator.client.createUser({ first_name: "Pia" });
    const chat = await user.privateChat(bot.telegram);
    const { inbox, dispatcher, accept } = await intake();
    const counted = async () => {
      const member = await r.t.platform.botUsers.byTelegramId(bot.id, user.id);
      return member && r.t.platform.properties.get(bot.id, "user", "n", { userId: member.id });
    };
    const replies = async () => (await chat.history()).filter((message) => message.from?.is_bot).map((message) => message.text);
    // Telegram takes the replies but answers none until the test says so.
    const { emulator } = r.emulator;
    const call = emulator.call.bind(emulator);
    let answer!: () => void;
    const answering = new Promise<void>((resolve) => (answer = resolve));
    emulator.call = async (token, method, ...rest) => (method === "sendMessage" && (await answering), call(token, method, ...rest));
    try {
      for (let i = 0; i < 3; i++) await user.sendText(chat, "/count");
      await accept(bot);
      // The second update ran while the first reply was on its way.
      await vi.waitFor(async () => expect(await counted()).toBe(2), { timeout: 15_000, interval: 20 });
      expect(await replies()).toEqual([]);
      expect(await inbox.counts(bot.id)).toEqual({ pending: 3 });
      answer();
      await vi.waitFor(async () => expect(await replies()).toEqual(["n=1", "n=2", "n=3"]), { timeout: 15_000, interval: 20 });
    } finally {
      answer();
      emulator.call = call;
    }
    await dispatcher.stop();
    expect(await inbox.counts(bot.id)).toEqual({ done: 3 });
  });

  it("makes a run's calls, and its chat's next update's, in the order they were made: a read after a write sees it", async () => {
    const commands = [{ command: "a", description: "A" }];
    const bot = await r.bot([
      { command: "/reset", bjs_code: `Api.deleteMyCommands(); Api.setMyCommands({commands: ${JSON.stringify(commands)}})` },
      { command: "/read", bjs_code: 'Api.getMyCommands({result_to_bot_property: "commands"})' },
    ]);
    const user = await r.emulator.client.createUser({ first_name: "Ola" });
    const chat = await user.privateChat(bot.telegram);
    const { dispatcher, accept } = await intake();
    await slow("deleteMyCommands", 300, async () => {
      await slow("setMyCommands", 300, async () => {
        await user.sendText(chat, "/reset");
        await user.sendText(chat, "/read");
        await accept(bot);
        await vi.waitFor(async () => expect(await r.t.platform.properties.get(bot.id, "bot", "commands")).toBeDefined(), { timeout: 5000, interval: 20 });
      });
    });
    await dispatcher.stop();
    expect(await r.t.platform.properties.get(bot.id, "bot", "commands")).toEqual(commands);
    expect(await new BotApi(bot.telegram.token, { apiRoot: r.emulator.apiRoot }).call("getMyCommands")).toEqual(commands);
  });

  it("sends a chat's next Answer only once Telegram has answered the last", async () => {
    const bot = await r.bot([
      { command: "/one", answer: "One" },
      { command: "/two", answer: "Two" },
    ]);
    const user = await r.emulator.client.createUser({ first_name: "Ida" });
    const chat = await user.privateChat(bot.telegram);
    const { emulator } = r.emulator;
    const { world } = emulator;
    const sentBefore = emulator.counters.calls.sendMessage ?? 0;
    // How many replies had reached Telegram when it stored the first.
    let reachedWhenFirstStored: number | undefined;
    const addMessage = world.addMessage.bind(world);
    world.addMessage = (room, from, content) => {
      if (from.is_bot && content.text === "One") reachedWhenFirstStored = (emulator.counters.calls.sendMessage ?? 0) - sentBefore;
      return addMessage(room, from, content);
    };
    const { dispatcher, accept } = await intake();
    try {
      await slow("sendMessage", 300, async () => {
        await user.sendText(chat, "/one");
        await user.sendText(chat, "/two");
        await accept(bot);
        await vi.waitFor(async () => expect((await chat.history()).filter((message) => message.from?.is_bot).map((message) => message.text)).toEqual(["One", "Two"]), { timeout: 5000, interval: 20 });
      });
    } finally {
      world.addMessage = addMessage;
    }
    await dispatcher.stop();
    expect(reachedWhenFirstStored).toBe(1);
  });

  it("keeps a chat's calls behind its message that Telegram must be asked again: the farewell still arrives first", async () => {
    const bot = await r.bot([{ command: "/bye", bjs_code: 'Bot.sendMessage("Bye all"); Api.leaveChat({chat_id: chat.chatid})' }]);
    const alice = await r.emulator.client.createUser({ first_name: "Ann" });
    const group = await r.emulator.client.createGroup({ title: "Club", members: [alice] });
    await group.add(bot.telegram, { by: alice });
    const { inbox, dispatcher, accept } = await intake();
    await r.emulator.client.injectFault({ method: "sendMessage", kind: 500 });
    await alice.sendText(group, "/bye");
    await accept(bot);
    // The farewell waits out its back-off on the clock; leaveChat waits behind it.
    await vi.waitFor(async () => expect((await r.t.app.inject({ method: "GET", url: "/metrics" })).body).toMatch(/botyard_telegram_calls_total\{outcome="server_error"\} [1-9]/), { timeout: 5000, interval: 20 });
    expect(await group.history()).not.toContainEqual(expect.objectContaining({ text: "Bye all" }));
    await r.t.clock.advanceAsync(500);
    await vi.waitFor(async () => expect((await group.history()).filter((message) => message.from?.is_bot).map((message) => message.text)).toEqual(["Bye all"]), { timeout: 5000, interval: 20 });
    await vi.waitFor(async () => expect(await inbox.counts(bot.id)).not.toHaveProperty("pending"), { timeout: 5000, interval: 20 });
    await dispatcher.stop();
    const errors = (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/error_logs?api_key=${bot.apiKey}` })).json();
    expect(errors).toEqual([]);
  });

  it("keeps a call that is not a message behind the messages made before it: the farewell arrives before the bot leaves", async () => {
    const bot = await r.bot([{ command: "/bye", bjs_code: 'Bot.sendMessage("Bye all"); Api.leaveChat({chat_id: chat.chatid})' }]);
    const alice = await r.emulator.client.createUser({ first_name: "Alice" });
    const group = await r.emulator.client.createGroup({ title: "Team", members: [alice] });
    await group.add(bot.telegram, { by: alice });
    const { dispatcher, accept } = await intake();
    await slow("sendMessage", 300, async () => {
      await alice.sendText(group, "/bye");
      await accept(bot);
      await vi.waitFor(async () => expect((await group.history()).filter((message) => message.from?.is_bot).map((message) => message.text)).toEqual(["Bye all"]), { timeout: 5000, interval: 20 });
    });
    await dispatcher.stop();
    const errors = (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/error_logs?api_key=${bot.apiKey}` })).json();
    expect(errors).toEqual([]);
  });
});
