import { beforeAll, afterAll, describe, expect, it } from "vitest";
import type { EmbeddedJobQueue } from "../../../src/jobs/embedded-queue.js";
import { engines } from "../../support/platform.js";
import { useRuntime, type CommandSpec } from "../../support/runtime.js";
import { BOT_INSTALLS_PER_DAY, BOT_INSTALLS_RECEIVED_PER_DAY } from "../../../src/runtime/compat-effects.js";
import { signUp } from "../../support/accounts.js";
import { useGitRemote } from "../../support/git-remote.js";
import { serveOnLoopback } from "../../support/net.js";

/**
 * What real Bots.Business bots use beyond the core (issue 12): AdminPanel with on_saving,
 * lists, command caching, web apps, the legacy surface, keyboards without an Answer, stored
 * syntax errors, and `*` for updates without text, end to end through the emulator.
 */
describe.each(engines())("the compatibility surface on %s", (engine) => {
  const remote = useGitRemote();
  const r = useRuntime(engine, { IMPORT_ALLOW_PRIVATE_URLS: "true" });
  beforeAll(() => r.t.platform.jobs.start());
  afterAll(() => r.t.platform.jobs.stop());
  const idle = () => (r.t.platform.jobs as EmbeddedJobQueue).idle();

  async function setup(commands: CommandSpec[]) {
    const bot = await r.bot(commands);
    const user = await r.emulator.client.createUser({ first_name: "Ada" });
    const chat = await user.privateChat(bot.telegram);
    const say = async (text: string, count = 1) => {
      await user.sendText(chat, text);
      await bot.deliver();
      await idle();
      return (await chat.waitForBotMessages({ count, timeoutMs: 3000 })).map((m) => m.text);
    };
    const api = (method: string, path: string, payload?: unknown) => r.t.app.inject({ method: method as "GET", url: `/v2/bots/${bot.id}${path}${path.includes("?") ? "&" : "?"}api_key=${bot.apiKey}`, payload: payload as object });
    const errors = async () => (await api("GET", "/error_logs")).json().map((e: { title: string }) => e.title) as string[];
    return { bot, user, chat, say, api, errors };
  }

  it("AdminPanel: setPanel keeps values unless forced, reads, writes, deletes; saving through the API runs on_saving", async () => {
    const panel = (force: boolean, price: number) =>
      `AdminPanel.setPanel({panel_name: "Shop", force: ${force}, data: {title: "Shop", on_saving: {command: "/saved", user_id: user.id}, fields: [{name: "price", type: "integer", value: ${price}}, {name: "open", type: "checkbox", value: true}, {name: "key", type: "password", value: "s3cret"}]}})`;
    const { say, api, chat } = await setup([
      { command: "/setup", bjs_code: `${panel(false, 5)}; Bot.sendMessage("now " + AdminPanel.getFieldValue({panel_name: "Shop", field_name: "price"}))` },
      { command: "/reset", bjs_code: panel(true, 9) },
      { command: "/show", bjs_code: `var v = AdminPanel.getPanelValues("Shop"); Bot.sendMessage(JSON.stringify(v) + " " + AdminPanel.getPanel("Shop").title + " " + AdminPanel.getPanelField({panel_name: "Shop", field_name: "open"}).type + " " + JSON.stringify(AdminPanel.getPanelValues("None")))` },
      { command: "/set", bjs_code: `Bot.sendMessage(String(AdminPanel.setFieldValue({panel_name: "Shop", field_name: "price", value: 7})) + " " + AdminPanel.getFieldValue({panel_name: "Shop", field_name: "price"}))` },
      { command: "/drop", bjs_code: `AdminPanel.deletePanel("Shop"); Bot.sendMessage(String(AdminPanel.getPanel("Shop")))` },
      { command: "/saved", bjs_code: `Bot.sendMessage("saved " + options.panel_name + " " + options.values.price + " " + user.first_name)` },
    ]);
    expect(await say("/setup")).toEqual(["now 5"]);
    expect(await say("/set")).toEqual(["true 7"]);
    expect(await say("/setup")).toEqual(["now 7"]);
    expect(await say("/show")).toEqual(['{"price":7,"open":true,"key":"s3cret"} Shop checkbox {}']);
    await say("/reset", 0);
    expect(await say("/show")).toEqual(['{"price":9,"open":true,"key":"s3cret"} Shop checkbox {}']);

    const [listed] = (await api("GET", "/active_options")).json();
    expect((await api("PUT", `/active_options/${listed.id}`, { values: { price: "12" } })).statusCode).toBe(200);
    await idle();
    expect((await chat.waitForBotMessages({ count: 1, timeoutMs: 3000 })).map((m) => m.text)).toEqual(["saved Shop 12 Ada"]);
    expect(await say("/drop")).toEqual(["undefined"]);
    expect((await api("GET", "/active_options")).json()).toEqual([]);
  });

  it("lists: properties attached with setProp, users, pages in id order, detach and removal", async () => {
    const { say } = await setup([
      { command: "/add", bjs_code: `Bot.setProp({name: "item-" + params, value: Number(params), list: "catalog"}); User.setProp({name: "score", value: 3, type: "integer", list: "scores"})` },
      { command: "/show", bjs_code: `var l = new List({name: "catalog"}); l.per_page = 2; l.page = Number(params || 1); Bot.sendMessage(l.exist + " " + l.count + " " + l.total_pages + " " + l.get().map(function (p) { return p.name + "=" + p.value; }).join(","))` },
      { command: "/scores", bjs_code: `var l = new List({name: "scores"}); Bot.sendMessage(l.get().map(function (p) { return p.user.first_name + ":" + p.value; }).join(","))` },
      { command: "/join", bjs_code: `var l = new List({name: "members"}); l.addUser(user); Bot.runCommand("/members")` },
      { command: "/members", bjs_code: `var l = new List({name: "members"}); Bot.sendMessage(l.getUsers().length + " " + !!l.haveUser(user))` },
      { command: "/reject", bjs_code: `new List({name: "catalog"}).rejectProperty("item-1"); Bot.sendMessage(String(Bot.getProp("item-1")))` },
      { command: "/wipe", bjs_code: `new List({name: "catalog"}).removeAll()` },
      { command: "/mine", bjs_code: `var l = new List({name: "notes", user: user}); l.create(); Bot.sendMessage(String(l.exist) + " " + new List({name: "nothing"}).exist)` },
    ]);
    await say("/add 1", 0);
    await say("/add 2", 0);
    await say("/add 3", 0);
    expect(await say("/show")).toEqual(["true 3 2 item-1=1,item-2=2"]);
    expect(await say("/show 2")).toEqual(["true 3 2 item-3=3"]);
    expect(await say("/scores")).toEqual(["Ada:3"]);
    expect(await say("/join")).toEqual(["1 true"]);
    expect(await say("/reject")).toEqual(["1"]);
    expect(await say("/show")).toEqual(["true 2 1 item-2=2,item-3=3"]);
    await say("/wipe", 0);
    expect(await say("/show")).toEqual(["false 0 1 "]);
    expect(await say("/mine")).toEqual(["true false"]);
  });

  it("caching replays a run's actions, per bot or per user, until cleared", async () => {
    const { say, bot } = await setup([
      { command: "/rate", bjs_code: `Bot.setCache(60); var n = (Bot.getProp("runs") || 0) + 1; Bot.setProp("runs", n); Bot.sendMessage("rate run " + n)` },
      { command: "/runs", bjs_code: `Bot.sendMessage("runs " + Bot.getProp("runs"))` },
      { command: "/forget", bjs_code: `Bot.clearCache("/rate")` },
    ]);
    expect(await say("/rate")).toEqual(["rate run 1"]);
    expect(await say("/rate")).toEqual(["rate run 1"]);
    // A bot-wide entry replays to whoever runs the command, in their own chat.
    const bob = await r.emulator.client.createUser({ first_name: "Bob" });
    const bobChat = await bob.privateChat(bot.telegram);
    await bob.sendText(bobChat, "/rate");
    await bot.deliver();
    expect((await bobChat.waitForBotMessages({ count: 1, timeoutMs: 3000 })).map((m) => m.text)).toEqual(["rate run 1"]);
    // The replay repeats the side effects too (spec §2.11), so the property write runs again.
    expect(await say("/runs")).toEqual(["runs 1"]);
    await say("/forget", 0);
    expect(await say("/rate")).toEqual(["rate run 2"]);
    await r.t.clock.advanceAsync(61_000);
    expect(await say("/rate")).toEqual(["rate run 3"]);
  });

  it("web apps: getUrl links to a page that runs the command with the query as options; JSON and templates", async () => {
    const { say } = await setup([
      { command: "/link", bjs_code: `Bot.sendMessage(WebApp.getUrl({command: "/page", options: {name: "Ada"}}), {parse_mode: null})` },
      { command: "/page", bjs_code: `WebApp.render({content: {hello: options.name, bot: bot.id}})` },
      { command: "/html", bjs_code: `WebApp.render({template: "tpl", options: {who: options.who}})` },
      { command: "tpl", bjs_code: `<h1>Hi <%= options.who %>, <% 2 + 3 %></h1>` },
      { command: "/hlink", bjs_code: `Bot.sendMessage(WebApp.getUrl({command: "/html"}), {parse_mode: null})` },
      { command: "/bad", bjs_code: `WebApp.getUrl({command: "/link"})` },
    ]);
    const [link] = await say("/link");
    const url = new URL(link!);
    const page = await r.t.app.inject({ method: "GET", url: url.pathname + url.search });
    expect(page.statusCode).toBe(200);
    expect(page.json()).toMatchObject({ hello: "Ada" });
    const forged = await r.t.app.inject({ method: "GET", url: url.pathname + "?secret=nope" });
    expect(forged.statusCode).toBe(404);
    const [html] = await say("/hlink");
    const htmlUrl = new URL(html!);
    const posted = await r.t.app.inject({ method: "POST", url: htmlUrl.pathname + htmlUrl.search, payload: { who: "Bob" } });
    expect(posted.statusCode).toBe(200);
    expect(posted.headers["content-type"]).toMatch(/^text\/html/);
    expect(posted.headers["content-security-policy"]).toMatch(/sandbox/);
    expect(posted.body).toBe("<h1>Hi Bob, 5</h1>");
  });

  it("the legacy surface: data, sendMessageToChat, Bot.sendMessage on_result", async () => {
    const { say, bot } = await setup([
      { command: "/old", bjs_code: `Bot.sendMessage("old " + data.message + " " + data.user.first_name + " " + data.chat.chat_type + " " + data.params + " " + statistics.users_count + "/" + statistics.private_chats_count)` },
      { command: "/titled", bjs_code: `Bot.sendMessageToChat("Team", "to the team")` },
      { command: "/res", bjs_code: `Bot.sendMessage("first", {on_result: "/got"})` },
      { command: "/got", bjs_code: `Bot.sendMessage("id " + typeof options.result.message_id)` },
    ]);
    expect(await say("/old x")).toEqual(["old /old x Ada private x 1/1"]);
    expect(await say("/res", 2)).toEqual(["first", "id number"]);
    const ada = await r.emulator.client.createUser({ first_name: "Zed" });
    const group = await r.emulator.client.createGroup({ title: "Team", members: [ada, bot.telegram] });
    await ada.sendText(group, "hello");
    await bot.deliver();
    await say("/titled", 0);
    expect((await group.waitForBotMessages({ count: 1, timeoutMs: 3000 })).map((m) => m.text)).toEqual(["to the team"]);
  });

  it("a keyboard without an Answer rides on the first message, or comes alone", async () => {
    const { say, chat, api } = await setup([
      { command: "/menu", keyboard_body: "A, B\\nC", bjs_code: `Bot.sendMessage("pick one")` },
      { command: "/bare", keyboard_body: "X, Y" },
    ]);
    expect(await say("/menu")).toEqual(["pick one"]);
    expect((await chat.replyKeyboard())!.keyboard.map((row) => row.map((b) => (typeof b === "string" ? b : b.text)))).toEqual([["A", "B"], ["C"]]);
    expect(await say("/bare")).toEqual(["⌨️"]);
    expect((await chat.replyKeyboard())!.keyboard.map((row) => row.map((b) => (typeof b === "string" ? b : b.text)))).toEqual([["X", "Y"]]);
    const listed = (await api("GET", "/commands")).json();
    expect(listed.find((c: { command: string }) => c.command === "/bare")).toMatchObject({ answer: null, keyboard_body: "X, Y", syntax_error: null });
  });

  it("a waiting command without an Answer asks with its keyboard", async () => {
    const { say, chat } = await setup([{ command: "/pick", keyboard_body: "Red, Blue", need_reply: true, bjs_code: `Bot.sendMessage("picked " + message)` }]);
    expect(await say("/pick")).toEqual(["⌨️"]);
    expect((await chat.replyKeyboard())!.keyboard.map((row) => row.map((b) => (typeof b === "string" ? b : b.text)))).toEqual([["Red", "Blue"]]);
    expect(await say("Blue")).toEqual(["picked Blue"]);
  });

  it("refuses an admin panel too large to store, in the error log", async () => {
    const { say, errors } = await setup([{ command: "/huge", bjs_code: `AdminPanel.setPanel({panel_name: "Big", data: {fields: [{name: "a", type: "text", value: "x".repeat(70000)}]}}); Bot.sendMessage(String(AdminPanel.getPanel("Big").fields.length))` }]);
    expect(await say("/huge")).toEqual(["1"]);
    expect(await errors()).toEqual(["Admin panel Big is too large (the limit is 65536 bytes of fields and values)"]);
  });

  it("code with a syntax error is stored, says where in the API, and logs when it runs", async () => {
    const { say, api, errors } = await setup([{ command: "/broken", bjs_code: "let a = 1;\nif (a {\n  Bot.sendMessage('x')\n}" }]);
    const [command] = (await api("GET", "/commands")).json();
    expect(command.syntax_error).toMatchObject({ line: 2, message: expect.stringContaining("Unexpected token") });
    expect(await say("/broken")).toEqual(["Oh. Error happened 😢. Bug report was sent"]);
    expect((await errors())[0]).toMatch(/Unexpected token/);
  });

  it("updates without text go to *, with the message in request; inline queries to /inlineQuery", async () => {
    const { user, chat, bot, say } = await setup([
      { command: "*", bjs_code: `Bot.sendMessage("star " + (request.contact ? "contact" : request.location ? "location" : request.photo ? "photo" : "text " + message))` },
      { command: "/inlineQuery", bjs_code: `Api.answerInlineQuery({inline_query_id: request.id, results: [{type: "article", id: "1", title: "Echo " + request.query, input_message_content: {message_text: request.query}}]})` },
    ]);
    await user.sendContact(chat);
    await user.sendLocation(chat, 1, 2);
    await user.sendPhoto(chat);
    await bot.deliver();
    expect((await chat.waitForBotMessages({ count: 3, timeoutMs: 3000 })).map((m) => m.text)).toEqual(["star contact", "star location", "star photo"]);
    expect(await say("what")).toEqual(["star text what"]);
    const query = await user.inlineQuery(bot.telegram, "hey");
    await bot.deliver();
    expect(await r.emulator.client.answerTo(query)).toMatchObject({ results: [expect.objectContaining({ title: "Echo hey" })] });
  });

  it("User.setCache keeps one user's run; another user runs the code", async () => {
    const { say, bot } = await setup([{ command: "/me", bjs_code: `User.setCache(60); var n = Bot.getProp("n", 0) + 1; Bot.setProp("n", n); Bot.sendMessage(user.first_name + " " + n)` }]);
    expect(await say("/me")).toEqual(["Ada 1"]);
    expect(await say("/me")).toEqual(["Ada 1"]);
    const bob = await r.emulator.client.createUser({ first_name: "Bob" });
    const chat = await bob.privateChat(bot.telegram);
    await bob.sendText(chat, "/me");
    await bot.deliver();
    expect((await chat.waitForBotMessages({ count: 1, timeoutMs: 3000 })).map((m) => m.text)).toEqual(["Bob 2"]);
  });

  it("the Mini App's web_app_data goes to *", async () => {
    const { bot, user, chat } = await setup([{ command: "*", bjs_code: `Bot.sendMessage("app says " + request.web_app_data.data)` }]);
    await r.processing.processor.handle(bot.id, {
      update_id: 1_000_000,
      message: { message_id: 1, date: 0, chat: { id: chat.id, type: "private", first_name: "Ada" }, from: { id: user.id, is_bot: false, first_name: "Ada" }, web_app_data: { data: "42", button_text: "Open" } },
    });
    expect((await chat.waitForBotMessages({ count: 1, timeoutMs: 3000 })).map((m) => m.text)).toEqual(["app says 42"]);
  });

  it("BBAdmin.installBot copies one of the owner's bots into the account with that email, with bot_properties", async () => {
    const other = await signUp(r.t.app);
    const { say, errors } = await setup([
      { command: "/give", bjs_code: `BBAdmin.installBot({bot_id: bot.id, email: params, bot_properties: {greeting: "hi"}}); Bot.sendMessage("asked")` },
      { command: "/steal", bjs_code: `BBAdmin.cloneBot({bot_id: 1, email: params})` },
      { command: "/admin", bjs_code: `BBAdmin.getAccountBalance()` },
    ]);
    expect(await say(`/give ${other.email}`)).toEqual(["asked"]);
    const bots = (await r.t.app.inject({ method: "GET", url: `/v2/bots?api_key=${other.apiKey}` })).json();
    expect(bots).toHaveLength(1);
    const props = (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bots[0].id}/properties?api_key=${other.apiKey}` })).json();
    expect(props).toEqual([expect.objectContaining({ name: "greeting", value: "hi" })]);
    await say(`/steal ${other.email}`, 0);
    await say("/admin");
    expect((await errors()).slice(0, 2)).toEqual(["BBAdmin.getAccountBalance is for the platform's administrators; bot owners cannot call it", "BBAdmin.installBot: bot 1 is not a bot of this owner"]);
  });

  it("BBAdmin.installBot says the same for a missing account as for a full one, and stops after its daily share", async () => {
    const { say, errors } = await setup([{ command: "/give", bjs_code: `BBAdmin.installBot({bot_id: bot.id, email: params})` }]);
    await r.t.clock.advanceAsync(86_400_000); // a new day: earlier tests' installs are not counted
    await say("/give nobody@example.com", 0);
    const refusal = "BBAdmin.installBot: no copy was made for that email (no such account, or it has no room for another bot)";
    expect((await errors())[0]).toBe(refusal);
    // The refused attempt counted: the other installs of the day are what is left of the share.
    for (let i = 1; i < BOT_INSTALLS_PER_DAY; i++) await say("/give nobody@example.com", 0);
    await say("/give nobody@example.com", 0);
    expect((await errors())[0]).toBe(`BBAdmin.installBot: an owner may install ${BOT_INSTALLS_PER_DAY} bots a day in other accounts; try again in 24 h`);
  });

  it("BBAdmin.installBot puts at most a few bots a day into one account, however many owners send them", async () => {
    const target = await signUp(r.t.app);
    await r.t.clock.advanceAsync(86_400_000); // a new day
    const senders = await Promise.all(Array.from({ length: 2 }, () => setup([{ command: "/give", bjs_code: `BBAdmin.installBot({bot_id: bot.id, email: params})` }])));
    for (let i = 0; i < BOT_INSTALLS_RECEIVED_PER_DAY + 1; i++) await senders[i % 2]!.say(`/give ${target.email}`, 0);
    expect((await r.t.app.inject({ method: "GET", url: `/v2/bots?api_key=${target.apiKey}` })).json()).toHaveLength(BOT_INSTALLS_RECEIVED_PER_DAY);
    // Refused as an account with no room is: the log tells the sender nothing about the account.
    expect((await senders[BOT_INSTALLS_RECEIVED_PER_DAY % 2]!.errors())[0]).toBe("BBAdmin.installBot: no copy was made for that email (no such account, or it has no room for another bot)");
  });

  it("Bot.exportGit and Bot.importGit run as tasks after the command; success runs with the task", async () => {
    remote.createRepo("bjs.git", { "README.md": "x" }, "main");
    const { say, api, bot } = await setup([
      { command: "/push", bjs_code: `Bot.exportGit({branch: "bjs", success: "/pushed"})` },
      { command: "/pushed", bjs_code: `Bot.sendMessage("pushed " + options.task.status)` },
      { command: "/pull", bjs_code: `Bot.importGit({branch: "bjs", success: "/pulled"})` },
      { command: "/pulled", bjs_code: `Bot.sendMessage("pulled " + options.task.kind, {parse_mode: null})` },
    ]);
    await r.t.platform.bots.store.update(bot.id, { git_remote: remote.url("bjs.git") });
    expect(await say("/push")).toEqual(["pushed done"]);
    expect([...remote.files("bjs.git", "bjs").keys()]).toContain("commands/_push.js");
    expect(await say("/pull")).toEqual(["pulled git_import"]);
    expect((await api("GET", "/commands")).json().map((c: { command: string }) => c.command).sort()).toEqual(["/pull", "/pulled", "/push", "/pushed"]);
  });

  it("Bot.importCSV imports from the bot's csv_url after the command, then runs success; an unknown chat title is logged", async () => {
    const sheet = await serveOnLoopback((_request, _body, response) => response.writeHead(200, { "content-type": "text/csv" }).end("command,answer\n/fromsheet,From the sheet"));
    try {
      const { say, bot, errors } = await setup([
        { command: "/sync", bjs_code: `Bot.importCSV({success: "/synced"})` },
        { command: "/synced", bjs_code: `Bot.sendMessage("synced " + options.task.created)` },
        { command: "/team", bjs_code: `Bot.sendMessageToChat("Nobody", "hello")` },
      ]);
      await r.t.platform.bots.store.update(bot.id, { csv_url: `${sheet.url}/sheet.csv` });
      expect(await say("/sync")).toEqual(["synced 1"]);
      expect(await say("/fromsheet")).toEqual(["From the sheet"]);
      await say("/team", 0);
      expect(await errors()).toContain('Bot.sendMessageToChat: the bot has no chat titled "Nobody"');
    } finally {
      await sheet.close();
    }
  });
});
