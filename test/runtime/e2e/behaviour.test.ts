import { describe, expect, it } from "vitest";
import { DEFAULT_ERROR_REPLY } from "../../../src/runtime/command-runner.js";
import { engines } from "../../support/platform.js";
import { metricValue } from "../../support/metrics.js";
import { useRuntime, type CommandSpec } from "../../support/runtime.js";

describe.each(engines())("bot behaviour, end to end on %s", (engine) => {
  const r = useRuntime(engine, { FREE_PLAN_COMMAND_TIMEOUT_S: "1" });

  async function setup(commands: CommandSpec[]) {
    const bot = await r.bot(commands);
    const user = await r.emulator.client.createUser({ first_name: "Bob" });
    const chat = await user.privateChat(bot.telegram);
    const say = async (text: string, count = 1) => {
      await user.sendText(chat, text);
      await bot.deliver();
      return count === 0 ? [] : (await chat.waitForBotMessages({ count, timeoutMs: 3000 })).map((m) => m.text);
    };
    const errors = async () => (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/error_logs?api_key=${bot.apiKey}` })).json();
    return { bot, user, chat, say, errors };
  }

  it("logs an error with its command, the line inside that command's code, and the stack", async () => {
    const { say, errors } = await setup([
      { command: "@", bjs_code: "// before all\nvar greeting = 'hi';" },
      { command: "/boom", bjs_code: "var a = 1;\n\nundefinedFunction(a);" },
    ]);
    expect(await say("/boom")).toEqual([DEFAULT_ERROR_REPLY]);
    const [entry] = await errors();
    expect(entry.title).toBe("undefinedFunction is not defined");
    expect(entry.scenario).toEqual({ bot_command: { id: expect.any(Number), command: "/boom" } });
    expect(entry.stack_trace).toContain("ReferenceError: undefinedFunction is not defined");
    expect(entry.stack_trace).toContain("/boom:3:");
    const row = await r.t.platform.database.db.selectFrom("error_logs").selectAll().where("id", "=", entry.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ segment: "cmd", line: 3, command_name: "/boom", trigger: "match" });
  });

  it("reports an error in the @ hook as that segment's line", async () => {
    const { say, errors } = await setup([
      { command: "@", bjs_code: "var x = 1;\nx.y.z = 2;" },
      { command: "/ok", bjs_code: "Bot.sendMessage('never')" },
    ]);
    await say("/ok");
    const row = await r.t.platform.database.db.selectFrom("error_logs").selectAll().where("id", "=", (await errors())[0].id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ segment: "@", line: 2 });
  });

  it("answers a private-chat error with the ! command, which does not recurse when it fails too", async () => {
    const { say, errors } = await setup([
      { command: "/fail", bjs_code: "throw new Error('first')" },
      { command: "!", answer: "Something broke", bjs_code: "Bot.sendMessage('details: ' + options.error.message); throw new Error('second')" },
    ]);
    expect(await say("/fail", 2)).toEqual(["Something broke", "details: first"]);
    expect((await errors()).map((e: { title: string }) => e.title)).toEqual(["second", "first"]);
  });

  it("logs group errors without a reply in the group", async () => {
    const bot = await r.bot([{ command: "/fail", bjs_code: "throw new Error('in group')" }, { command: "/ping", answer: "pong" }]);
    const alice = await r.emulator.client.createUser({ first_name: "Alice" });
    const group = await r.emulator.client.createGroup({ title: "Team", members: [alice] });
    await group.add(bot.telegram, { by: alice });
    await alice.sendText(group, "/fail");
    await alice.sendText(group, "/ping");
    await bot.deliver();
    expect((await group.waitForBotMessages({ count: 1, from: bot.telegram })).map((m) => m.text)).toEqual(["pong"]);
    const errors = (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/error_logs?api_key=${bot.apiKey}` })).json();
    expect(errors.map((e: { title: string }) => e.title)).toEqual(["in group"]);
  });

  it("routes /cmd@ThisBot in groups and a new member to *", async () => {
    const bot = await r.bot([
      { command: "/help", answer: "Help here" },
      { command: "*", bjs_code: "if (request.new_chat_members) Bot.sendMessage('welcome ' + request.new_chat_members[0].first_name)" },
    ]);
    const alice = await r.emulator.client.createUser({ first_name: "Alice" });
    const carol = await r.emulator.client.createUser({ first_name: "Carol" });
    const group = await r.emulator.client.createGroup({ title: "Team", members: [alice] });
    await group.add(bot.telegram, { by: alice });
    await alice.sendText(group, `/help@${bot.telegram.username}`);
    await group.add(carol, { by: alice });
    await bot.deliver();
    expect((await group.waitForBotMessages({ count: 2, from: bot.telegram })).map((m) => m.text)).toEqual(["Help here", "welcome Carol"]);
  });

  it("holds a Wait for answer dialog: ask, take the reply with the stored options, re-ask on bad input", async () => {
    const { say, user, bot } = await setup([
      { command: "/age", answer: "How old are you?", need_reply: true, bjs_code: "if (isNaN(parseInt(message))) { Bot.sendMessage('A number, please'); Bot.runCommand('/age'); return; }\nUser.setProp('age', parseInt(message)); Bot.sendMessage('Age saved: ' + message)" },
      { command: "/start", bjs_code: "Bot.runCommand('/age', {from: 'start'})" },
      { command: "/cancel", answer: "Cancelled" },
    ]);
    expect(await say("/age")).toEqual(["How old are you?"]);
    expect(await say("old", 2)).toEqual(["A number, please", "How old are you?"]);
    expect(await say("42")).toEqual(["Age saved: 42"]);
    expect(await say("43", 0)).toEqual([]);
    expect((await r.t.platform.properties.get(bot.id, "user", "age", { userId: (await r.t.platform.botUsers.byTelegramId(bot.id, user.id))!.id }))).toBe(42);
    expect(await say("/age")).toEqual(["How old are you?"]);
    expect(await say("/cancel")).toEqual(["Cancelled"]);
    expect(await say("44", 0)).toEqual([]);
  });

  it("hands a waiting command a contact before *, and restores the options of the ask phase", async () => {
    const { chat, user, bot, say } = await setup([
      { command: "/phone", answer: "Share your phone", need_reply: true, bjs_code: "Bot.sendMessage('got ' + request.contact.phone_number + ' for ' + options.purpose)" },
      { command: "/begin", bjs_code: "Bot.runCommand('/phone', {purpose: 'delivery'})" },
      { command: "*", answer: "fallback" },
    ]);
    expect(await say("/begin")).toEqual(["Share your phone"]);
    await user.sendContact(chat, { phone_number: "+100", first_name: "Bob" });
    await bot.deliver();
    expect((await chat.waitForReply()).text).toBe("got +100 for delivery");
  });

  it("answers inline queries through /inlineQuery with request = InlineQuery", async () => {
    const bot = await r.bot([
      { command: "/inlineQuery", bjs_code: "Api.answerInlineQuery({inline_query_id: request.id, results: [{type: 'article', id: '1', title: 'You said ' + request.query, input_message_content: {message_text: request.query}}], cache_time: 0})" },
    ]);
    const user = await r.emulator.client.createUser({ first_name: "Dan" });
    const query = await user.inlineQuery(bot.telegram, "cats");
    await bot.deliver();
    const answer = await r.emulator.client.answerTo(query);
    expect(answer.results).toEqual([{ type: "article", id: "1", title: "You said cats", input_message_content: { message_text: "cats" } }]);
  });

  it("fills <property> placeholders in Answers from the user, then the bot", async () => {
    const { say } = await setup([
      { command: "/set", bjs_code: "User.setProp('nick', 'Bobby'); Bot.setProp('shop', 'Corner Shop'); Bot.setProp('nick', 'ignored')" },
      { command: "/hello", answer: "Hi <nick>, welcome to <shop><none>" },
    ]);
    await say("/set", 0);
    expect(await say("/hello")).toEqual(["Hi Bobby, welcome to Corner Shop"]);
  });

  it("passes a /start deep link as params, and sends the Answer before the BJS messages", async () => {
    const { chat, user, bot } = await setup([{ command: "/start", answer: "Welcome", bjs_code: "Bot.sendMessage('ref=' + params, {parse_mode: null})" }]);
    await user.start(chat, "friend_7");
    await bot.deliver();
    expect((await chat.waitForBotMessages({ count: 2 })).map((m) => m.text)).toEqual(["Welcome", "ref=friend_7"]);
  });

  it("contains hostile BJS: a loop, a stalled built-in and a huge error are logged while another bot keeps answering", async () => {
    const outcomes = ["ok", "timeout", "error"].map((outcome) => `botyard_bjs_executions_total{outcome="${outcome}"}`);
    const before = await Promise.all(outcomes.map((series) => metricValue(r.t.app, series)));
    const hostile = await setup([
      { command: "/loop", bjs_code: "while (true) {}" },
      // A built-in that never checks the time limit: only the watchdog ends it.
      { command: "/stall", bjs_code: "new Array(6e7).fill(1)" },
      // 5 MB: ~15 ms of work. 50 MB took ~150 ms, and a loaded CI machine stretched that past the 1 s limit (a wall-clock one).
      { command: "/huge", bjs_code: "throw new Error('y'.repeat(5e6))" },
    ]);
    const calm = await setup([{ command: "/ping", answer: "pong", bjs_code: "Bot.sendMessage('still here')" }]);
    await hostile.user.sendText(hostile.chat, "/loop");
    const looping = hostile.bot.deliver();
    for (let i = 0; i < 5; i++) expect(await calm.say("/ping", 2)).toEqual(["pong", "still here"]);
    await looping;
    await hostile.say("/stall", 1);
    await hostile.say("/huge", 1);
    const titles = (await hostile.errors()).map((e: { title: string }) => e.title);
    expect(titles.slice(1)).toEqual(["Command timed out: BJS ran longer than 1 s", "Command timed out: BJS ran longer than 1 s"]);
    // The 5 MB message reaches the log cut to bounded text.
    expect(titles[0]).toMatch(/^y{1000,2000}…?$/);
    expect(await calm.say("/ping", 2)).toEqual(["pong", "still here"]);
    const after = await Promise.all(outcomes.map((series) => metricValue(r.t.app, series)));
    expect(after.map((value, i) => value - before[i]!)).toEqual([6, 2, 1]);
    expect(await metricValue(r.t.app, 'botyard_telegram_calls_total{outcome="ok"}')).toBeGreaterThanOrEqual(12);
  });

  it("meters iterations per update and sub-command, and stops the bot's commands when the quota is used up", async () => {
    const { say, bot } = await setup([{ command: "/two", bjs_code: "Bot.runCommand('/one')" }, { command: "/one", answer: "one" }]);
    const ownerId = (await r.t.platform.bots.store.byId(bot.id))!.owner_id;
    await say("/two");
    await r.processing.budget.flush();
    const usage = (await r.t.app.inject({ method: "GET", url: `/v2/user/iterations?api_key=${bot.apiKey}` })).json();
    expect(usage.used).toBe(2);
    expect(usage.bots).toEqual([{ bot_id: bot.id, name: bot.telegram.username, used: 2 }]);

    await r.t.platform.iterations.add(ownerId, bot.id, r.t.config.freePlan.iterationsPerMonth);
    r.t.clock.advance(10_000);
    expect(await say("/one", 0)).toEqual([]);
    const shown = (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}?api_key=${bot.apiKey}` })).json();
    expect(shown.status_error).toMatch(/^Iteration quota used up/);
  });
});
