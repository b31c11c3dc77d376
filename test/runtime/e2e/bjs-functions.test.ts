import { describe, expect, it, vi } from "vitest";
import { DEFAULT_ERROR_REPLY } from "../../../src/runtime/command-runner.js";
import { engines } from "../../support/platform.js";
import { useRuntime, type CommandSpec } from "../../support/runtime.js";
import { MAX_ACTIONS_PER_UPDATE, MAX_LOGGED_PER_UPDATE } from "../../../src/runtime/invocation.js";
import { KEYBOARD_ONLY_TEXT } from "../../../src/runtime/answer.js";

describe.each(engines())("BJS functions, end to end on %s", (engine) => {
  const r = useRuntime(engine);

  /** A bot with these commands and a user in a private chat with it. */
  async function setup(commands: CommandSpec[]) {
    const bot = await r.bot(commands);
    const user = await r.emulator.client.createUser({ first_name: "Ada", username: "ada" });
    const chat = await user.privateChat(bot.telegram);
    /** Sends a text, delivers it, and answers the bot's next `count` replies. */
    const say = async (text: string, count = 1) => {
      await user.sendText(chat, text);
      await bot.deliver();
      return count === 0 ? [] : chat.waitForBotMessages({ count, timeoutMs: 3000 });
    };
    const errors = async () => (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/error_logs?api_key=${bot.apiKey}` })).json();
    return { bot, user, chat, say, errors };
  }

  it("globals: message, params, user, chat, bot, command, request, tgUpdate, options, completed_commands_count", async () => {
    const { say, bot } = await setup([
      {
        command: "/who",
        bjs_code: `Bot.sendMessage([message, params, user.first_name, user.telegramid > 0, user.just_created, chat.chat_type, chat.chatid === request.chat.id,
          bot.name, command.name, tgUpdate.update_id > 0, options === null, completed_commands_count, typeof user.id].join("|"), {parse_mode: null})`,
      },
    ]);
    const [reply] = await say("/who a b");
    expect(reply!.text).toBe(`/who a b|a b|Ada|true|true|private|true|${bot.telegram.username}|/who|true|true|0|number`);
    const [again] = await say("/who");
    expect(again!.text).toContain("|false|private|");
  });

  it("Bot.sendMessage: Markdown by default, plain with parse_mode null, object form with chat_id", async () => {
    const { say, chat } = await setup([
      { command: "/md", bjs_code: 'Bot.sendMessage("*bold*"); Bot.sendMessage("*raw*", {parse_mode: null}); Bot.sendMessage({text: "obj", chat_id: chat.chatid})' },
    ]);
    const [bold, raw, obj] = await say("/md", 3);
    expect(bold!.text).toBe("bold");
    expect(bold!.entities).toEqual([{ type: "bold", offset: 0, length: 4 }]);
    expect(raw!.text).toBe("*raw*");
    expect(obj!.text).toBe("obj");
    expect(obj!.chat.id).toBe(chat.id);
  });

  it("Bot.inspect and inspect()", async () => {
    const { say } = await setup([{ command: "/i", bjs_code: 'Bot.inspect({a: [1, "x"]}); Bot.sendMessage(inspect({b: null}), {parse_mode: null})' }]);
    const [first, second] = await say("/i", 2);
    expect(JSON.parse(first!.text!)).toEqual({ a: [1, "x"] });
    expect(JSON.parse(second!.text!)).toEqual({ b: null });
  });

  it("Bot.sendKeyboard with only its buttons sends them with the keyboard-only text, as an Answer with only a keyboard does", async () => {
    const { say, errors } = await setup([{ command: "/keys", bjs_code: 'Bot.sendKeyboard("Yes, No")' }]);
    const [reply] = await say("/keys");
    expect(reply!.text).toBe(KEYBOARD_ONLY_TEXT);
    expect(await errors()).toEqual([]);
  });

  it("Bot.sendKeyboard lays out rows, and a pressed label reaches its alias", async () => {
    const { say, chat, user, bot } = await setup([
      { command: "/menu", bjs_code: 'Bot.sendKeyboard("Help, About\\nContact", "Choose")' },
      { command: "/about", aliases: "about", answer: "About us" },
    ]);
    const [menu] = await say("/menu");
    expect(menu!.text).toBe("Choose");
    expect(await chat.replyKeyboard()).toMatchObject({ keyboard: [[{ text: "Help" }, { text: "About" }], [{ text: "Contact" }]], resize_keyboard: true });
    await user.pressKeyboardButton(chat, "About");
    await bot.deliver();
    expect((await chat.waitForReply()).text).toBe("About us");
  });

  it("Bot.sendInlineKeyboard, callback routing with request = CallbackQuery, and Bot.editInlineKeyboard", async () => {
    const { say, user, bot, chat } = await setup([
      { command: "/shop", bjs_code: 'Bot.sendInlineKeyboard([[{title: "Buy", command: "/buy red"}, {title: "Site", url: "https://example.com"}], {title: "Back", command: "/back"}], "Shop")' },
      { command: "/buy", bjs_code: 'Bot.editInlineKeyboard([{title: "Bought " + params, command: "/back"}]); Bot.sendMessage("bought " + params + " via " + request.data)' },
    ]);
    const [shop] = await say("/shop");
    expect(shop!.reply_markup!.inline_keyboard).toEqual([
      [{ text: "Buy", callback_data: "/buy red" }, { text: "Site", url: "https://example.com" }],
      [{ text: "Back", callback_data: "/back" }],
    ]);
    await user.pressButton(shop!, { text: "Buy" });
    await bot.deliver();
    expect((await chat.waitForReply()).text).toBe("bought red via /buy red");
    const edited = (await chat.history()).find((m) => m.message_id === shop!.message_id)!;
    expect(edited.reply_markup!.inline_keyboard).toEqual([[{ text: "Bought red", callback_data: "/back" }]]);
  });

  it("Bot.editMessage without an id, in a button's callback, edits the message whose button was pressed", async () => {
    const { say, user, bot, chat } = await setup([
      { command: "/vote", bjs_code: 'Bot.sendInlineKeyboard([{title: "Yes", command: "/yes"}], "Vote?")' },
      { command: "/yes", bjs_code: 'Bot.editMessage("Thanks for voting")' },
    ]);
    const [vote] = await say("/vote");
    await user.pressButton(vote!, { text: "Yes" });
    await bot.deliver();
    await vi.waitFor(async () => expect((await chat.history()).find((m) => m.message_id === vote!.message_id)!.text).toBe("Thanks for voting"));
  });

  it("acknowledges a pressed button automatically unless BJS answered it", async () => {
    const { say, user, bot } = await setup([
      { command: "/menu", bjs_code: 'Bot.sendInlineKeyboard([{title: "Plain", command: "/plain"}, {title: "Own", command: "/own"}], "Menu")' },
      { command: "/plain", bjs_code: "void 0;" },
      { command: "/own", bjs_code: 'Api.answerCallbackQuery({callback_query_id: request.id, text: "Done!", show_alert: true})' },
    ]);
    const [menu] = await say("/menu");
    const plain = await user.pressButton(menu!, { text: "Plain" });
    await bot.deliver();
    // An answer came (waiting for one would time out otherwise), with no text: the automatic one.
    expect(await r.emulator.client.answerTo(plain, { timeoutMs: 2000 })).toEqual({});
    const own = await user.pressButton(menu!, { text: "Own" });
    await bot.deliver();
    expect(await r.emulator.client.answerTo(own)).toMatchObject({ text: "Done!", show_alert: true });
  });

  it("Bot.editMessage edits a message of the current chat, found through on_result", async () => {
    const { say, chat } = await setup([
      { command: "/count", bjs_code: 'Api.sendMessage({text: "1", on_result: "/edit"})' },
      { command: "/edit", bjs_code: 'Bot.editMessage("2", options.result.message_id)' },
    ]);
    const [sent] = await say("/count");
    const history = await chat.history();
    expect(history.find((m) => m.message_id === sent!.message_id)!.text).toBe("2");
  });

  it("Api.* fills chat_id, runs on_result with options.result and bb_options, stores result_to_bot_property", async () => {
    const { say } = await setup([
      { command: "/api", bjs_code: 'Api.sendMessage({text: "hi", on_result: "/done", bb_options: {tag: 7}, result_to_bot_property: "last"})' },
      { command: "/done", bjs_code: 'Bot.sendMessage("id " + (options.result.message_id > 0) + " ok " + options.ok + " tag " + options.bb_options.tag)' },
      { command: "/last", bjs_code: 'Bot.sendMessage("stored " + Bot.getProp("last").text)' },
    ]);
    const [hi, done] = await say("/api", 2);
    expect(hi!.text).toBe("hi");
    expect(done!.text).toBe("id true ok true tag 7");
    expect((await say("/last"))[0]!.text).toBe("stored hi");
  });

  it("Api.* runs on_error with options.error, or logs the refusal without it", async () => {
    const { say, errors } = await setup([
      { command: "/bad", bjs_code: 'Api.sendMessage({chat_id: 12345, text: "x", on_error: "/oops"}); Api.sendMessage({chat_id: 12345, text: "y"})' },
      { command: "/oops", bjs_code: 'Bot.sendMessage("failed: " + options.error.description, {parse_mode: null})' },
    ]);
    const [reply] = await say("/bad");
    expect(reply!.text).toBe("failed: Bad Request: chat not found");
    expect((await errors())[0].title).toBe("Telegram refused sendMessage: Bad Request: chat not found");
  });

  it("Api.call converts names and refuses methods outside the allowlist", async () => {
    const { say, errors } = await setup([
      { command: "/call", bjs_code: 'Api.call("send_message", {text: "via call"}); Api.call("logOut", {})' },
    ]);
    const [reply] = await say("/call");
    expect(reply!.text).toBe("via call");
    expect((await errors())[0].title).toBe('Api.call: "logOut" is not an allowed Telegram method');
  });

  it("Bot.runCommand: the child runs when its action comes up in the caller's queue, with options, params and depth", async () => {
    const { say } = await setup([
      { command: "/a", bjs_code: 'Bot.runCommand("/b x y", {n: 1}); Bot.sendMessage("a done")' },
      { command: "/b", bjs_code: 'Bot.sendMessage("b " + params + " " + options.n + " " + completed_commands_count)' },
    ]);
    const replies = await say("/a", 2);
    expect(replies.map((m) => m.text)).toEqual(["b x y 1 1", "a done"]);
  });

  it("Bot.run without run_after is an immediate sub-command; with it, a stored run (runs.test.ts)", async () => {
    const { say, errors, bot } = await setup([
      { command: "/r", bjs_code: 'Bot.run({command: "/t", options: {v: 3}})' },
      { command: "/t", bjs_code: 'Bot.sendMessage("t " + options.v)' },
      { command: "/later", bjs_code: 'Bot.run({command: "/t", run_after: 60})' },
    ]);
    expect((await say("/r"))[0]!.text).toBe("t 3");
    await say("/later", 0);
    expect(await errors()).toEqual([]);
    const scheduled = (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/scheduled_runs?api_key=${bot.apiKey}` })).json();
    expect(scheduled).toHaveLength(1);
  });

  it("stops an endless chain of sub-commands with 'Too many sub commands', an error logged and answered", async () => {
    const { say, errors } = await setup([{ command: "/loop", bjs_code: 'Bot.sendMessage("n" + completed_commands_count); Bot.runCommand("/loop")' }]);
    const replies = await say("/loop", 12);
    expect(replies.slice(-2).map((reply) => reply.text)).toEqual(["n10", DEFAULT_ERROR_REPLY]);
    expect((await errors()).map((entry: { title: string }) => entry.title)).toEqual(["Too many sub commands"]);
  });

  it("stops a chain whose executions produced more actions than an update may, once the cap is reached", async () => {
    // Each execution queues 500 actions (its own cap): the tenth reaches the update's.
    const { say, errors } = await setup([
      { command: "/fan", bjs_code: 'Bot.setProp("runs", completed_commands_count + 1); for (var i = 0; i < 498; i++) Bot.setProp("k", i); Bot.runCommand("/fan")' },
      { command: "/runs", bjs_code: 'Bot.sendMessage(String(Bot.getProp("runs")))' },
    ]);
    expect((await say("/fan")).map((reply) => reply.text)).toEqual([DEFAULT_ERROR_REPLY]);
    expect(MAX_ACTIONS_PER_UPDATE / 500).toBe(10);
    expect((await say("/runs"))[0]!.text).toBe("10");
    expect((await errors()).map((entry: { title: string }) => entry.title)).toEqual([`Too many actions in one update (the limit is ${MAX_ACTIONS_PER_UPDATE})`]);
  }, 60_000); // 5,000 actions made, checked and stored: seconds of CPU that a loaded CI machine stretches

  it("counts a cached run's replayed actions against the update's cap, as the run's own", async () => {
    const { say, errors } = await setup([
      { command: "/cached", bjs_code: 'Bot.setCache(3600); for (var i = 0; i < 498; i++) Bot.setProp("k", i)' },
      { command: "/fan", bjs_code: 'for (var i = 0; i < 20; i++) Bot.runCommand("/cached")' },
    ]);
    await say("/cached", 0);
    expect(await errors()).toEqual([]);
    await say("/fan");
    expect((await errors()).map((entry: { title: string }) => entry.title)).toEqual([`Too many actions in one update (the limit is ${MAX_ACTIONS_PER_UPDATE})`]);
  });

  it("logs at most one error per execution an update may start, then says the rest are left out", async () => {
    const { say, errors, bot } = await setup([{ command: "/refused", bjs_code: 'for (var i = 0; i < 300; i++) Bot.clearCache("nope" + i); Bot.sendMessage("done")' }]);
    const [reply] = await say("/refused");
    expect(reply!.text).toBe("done");
    const [last, before] = await errors();
    expect([last.title, before.title]).toEqual([`More went wrong in this update: only its first ${MAX_LOGGED_PER_UPDATE} errors are logged`, "Bot.clearCache: there is no command nope99"]);
    const { n } = await r.t.platform.database.db.selectFrom("error_logs").select((eb) => eb.fn.countAll<number>().as("n")).where("bot_id", "=", bot.id).executeTakeFirstOrThrow();
    expect(Number(n)).toBe(MAX_LOGGED_PER_UPDATE + 1);
  });

  it("Bot properties: types, long names, deleteProp, null deletes, read-your-writes, defaults", async () => {
    const { say } = await setup([
      {
        command: "/set",
        bjs_code: `Bot.setProp("n", 5); Bot.setProperty("f", 1.5, "float"); Bot.setProp("b", false); Bot.setProp("o", {k: [1]}); Bot.setProp("arr", [1, 2], "json");
          Bot.setProp("d", new Date("2026-01-02T03:04:05Z"), "datetime"); Bot.setProp("gone", "x"); Bot.deleteProp("gone"); Bot.setProp("gone2", "y"); Bot.setProp("gone2", null);
          Bot.sendMessage([Bot.getProp("n") + 1, Bot.getProperty("f"), Bot.getProp("b"), Bot.getProp("gone", "dflt")].join(","), {parse_mode: null})`,
      },
      {
        command: "/get",
        bjs_code: `var d = Bot.getProp("d"); Bot.sendMessage([typeof Bot.getProp("n"), Bot.getProp("b") === false, Bot.getProp("o").k[0], Bot.getProp("arr").length,
          d instanceof Date, d.toISOString(), Bot.getProp("gone"), Bot.getProp("gone2"), Bot.getProp({name: "missing", default_value: 9})].join(","), {parse_mode: null})`,
      },
    ]);
    expect((await say("/set"))[0]!.text).toBe("6,1.5,false,dflt");
    expect((await say("/get"))[0]!.text).toBe("number,true,1,2,true,2026-01-02T03:04:05.000Z,,,9");
  });

  it("property limits and type errors are BJS errors with a clear message", async () => {
    const { say, errors } = await setup([
      { command: "/big", bjs_code: 'Bot.setProp("big", "x".repeat(11000))' },
      { command: "/arr", bjs_code: 'Bot.setProp("a", [1])' },
    ]);
    await say("/big");
    expect((await errors())[0].title).toBe("Property value is too large: 11002 bytes (the limit is 10240)");
    await say("/arr");
    expect((await errors())[0].title).toBe('An array property needs the explicit type "json"');
  });

  it("an untyped number BJS could not make (NaN, Infinity) deletes, as JSON's null does in Bots.Business; an integer is cut toward zero", async () => {
    const { say, errors } = await setup([
      { command: "/set", bjs_code: 'User.setProperty("age", 30); User.setProperty("i", 5.7, "integer"); User.setProperty("j", "-2.9", "integer"); Bot.setProp("r", 1 / 0)' },
      { command: "/nan", bjs_code: 'User.setProperty("age", parseInt("thirty")); Bot.sendMessage([User.getProperty("age", "none"), User.getProperty("i"), User.getProperty("j"), Bot.getProp("r", "none")].join(","))' },
      { command: "/read", bjs_code: 'Bot.sendMessage(User.getProperty("age", "none") + "," + typeof User.getProperty("i"))' },
    ]);
    await say("/set", 0);
    expect((await say("/nan"))[0]!.text).toBe("none,5,-2,none");
    expect((await say("/read"))[0]!.text).toBe("none,number");
    expect(await errors()).toEqual([]);
  });

  it("a number property typed integer or float that is no number, or no exact integer, throws and keeps the old value", async () => {
    const { say, errors } = await setup([
      { command: "/set", bjs_code: 'User.setProperty("balance", 10, "integer")' },
      { command: "/nan", bjs_code: 'User.setProperty("balance", 10 + parseFloat("ten"), "integer")' },
      { command: "/blank", bjs_code: 'User.setProperty("balance", " ", "float")' },
      { command: "/huge", bjs_code: 'User.setProperty("balance", 2 ** 60, "integer")' },
      { command: "/read", bjs_code: 'Bot.sendMessage("" + User.getProperty("balance"))' },
    ]);
    await say("/set", 0);
    for (const text of ["/nan", "/blank", "/huge"]) await say(text);
    expect((await say("/read"))[0]!.text).toBe("10");
    expect((await errors()).map((e: { title: string }) => e.title)).toEqual([
      "A property of type integer must be within ±9007199254740991, got 1152921504606847000",
      'A property of type float needs a number, got " "',
      "A property of type integer needs a number, got NaN",
    ]);
  });

  it("User properties, and user_id / user_telegramid addressing reach the same value", async () => {
    const { say } = await setup([
      { command: "/me", bjs_code: 'User.setProp("coins", 10); Bot.setProp({name: "coins", value: 11, user_telegramid: user.telegramid}); Bot.sendMessage("" + User.getProp("coins"))' },
      { command: "/read", bjs_code: 'Bot.sendMessage([User.getProperty("coins"), Bot.getProp({name: "coins", user_id: user.id}), Bot.getProp({name: "coins", user_telegramid: user.telegramid}), Bot.getProp("coins", "none")].join(","))' },
    ]);
    expect((await say("/me"))[0]!.text).toBe("11");
    expect((await say("/read"))[0]!.text).toBe("11,11,11,none");
  });

  it("refuses to read another owner's bot's properties", async () => {
    const other = await r.bot([{ command: "/x", answer: "x" }]);
    await r.t.platform.properties.set(other.id, "bot", "secret", "hunter2");
    const { say, errors } = await setup([{ command: "/steal", bjs_code: `Bot.sendMessage(String(Bot.getProp({name: "secret", bot_id: ${other.id}})))` }]);
    expect(await say("/steal", 1)).toHaveLength(1);
    expect((await errors())[0].title).toBe(`Bot ${other.id} is not a bot of this owner`);
  });

  it("User.addToGroup / getGroup / removeGroup and the command group restriction", async () => {
    const { say } = await setup([
      { command: "/join", bjs_code: 'User.addToGroup("vip"); Bot.sendMessage("in " + User.getGroup())' },
      { command: "/leave", bjs_code: 'User.removeGroup(); Bot.sendMessage("out " + User.getGroup())' },
      { command: "/vip", answer: "VIP area", group: "vip" },
      { command: "*", answer: "Not for you" },
    ]);
    expect((await say("/vip"))[0]!.text).toBe("Not for you");
    expect((await say("/join"))[0]!.text).toBe("in vip");
    expect((await say("/vip"))[0]!.text).toBe("VIP area");
    expect((await say("/leave"))[0]!.text).toBe("out null");
    expect((await say("/vip"))[0]!.text).toBe("Not for you");
  });

  it("Bot.blockChat drops the chat's updates before any BJS, Bot.unblockChat through the API restores it", async () => {
    const { say, bot, chat } = await setup([
      { command: "/block", bjs_code: 'Bot.sendMessage("bye"); Bot.blockChat(chat.id)' },
      { command: "/ping", answer: "pong" },
      { command: "@", bjs_code: 'Bot.sendMessage("hook")' },
    ]);
    expect((await say("/block", 2)).map((m) => m.text)).toEqual(["hook", "bye"]);
    await say("/ping", 0);
    const history = await chat.history();
    expect(history.at(-1)!.text).toBe("/ping");
    const chats = (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/chats?api_key=${bot.apiKey}` })).json();
    expect(chats[0].blocked).toBe(true);
    await r.t.app.inject({ method: "POST", url: `/v2/bots/${bot.id}/chats/${chats[0].id}/unblock?api_key=${bot.apiKey}` });
    expect((await say("/ping"))[0]!.text).toBe("pong");
  });
});
