import { describe, expect, it, vi } from "vitest";
import { CommandBooks } from "../../src/runtime/command-books.js";
import { engines, usePlatform } from "../support/platform.js";
import { createBot, signUpClient } from "../support/bots.js";

const COMMAND_FIELDS = [
  "id", "command", "bot_id", "help", "answer", "keyboard_body", "need_reply", "auto_retry_time", "last_auto_retry_at",
  "commands_folder_id", "commands_folder", "commands_group", "aliases", "code", "syntax_error", "bjs_mode", "scenarios",
  "created_via_csv_import", "last_csv_import_at", "created_at", "updated_at",
].sort();

describe.each(engines())("commands and folders on %s", (engine) => {
  const t = usePlatform(engine);

  async function botOfNewUser() {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    return { api, bot, base: `/v2/bots/${bot.id}` };
  }

  it("answers 404, not 500, for a command deleted between its save and its read-back", async () => {
    const { api, base } = await botOfNewUser();
    const created = (await api.post(`${base}/commands`, { command: "/gone" })).json();
    const commands = t.platform.commands;
    // The delete lands right after the write, as a parallel DELETE can.
    const spy = vi.spyOn(commands, "byId").mockImplementationOnce(async (botId, id) => {
      await commands.delete(botId, id);
      return undefined;
    });
    const response = await api.put(`${base}/commands/${created.id}`, { command: "/gone" });
    spy.mockRestore();
    expect([response.statusCode, response.json()]).toEqual([404, { error: "Command not found" }]);
  });

  it("stores code that does not parse with where it fails, nested past the parser's depth or near the code cap too", async () => {
    const { api, base } = await botOfNewUser();
    const codes = ["(".repeat(200_000), "[".repeat(100_000) + "]".repeat(100_000), `let a = 1;\n${"a+".repeat(131_000)}`];
    for (const [i, code] of codes.entries()) {
      const response = await api.post(`${base}/commands`, { command: `/deep${i}`, bjs_code: code });
      expect(response.statusCode).toBe(200);
      expect(response.json().syntax_error).toMatchObject({ line: expect.any(Number), message: expect.any(String) });
      expect(response.json().code).toBe(code);
    }
  });

  it("creates a command, mapping the request fields to the answer's", async () => {
    const { api, bot, base } = await botOfNewUser();
    const folder = (await api.post(`${base}/commands_folders`, { title: "Shop" })).json();
    const response = await api.post(`${base}/commands`, {
      command: "/buy",
      aliases: " Buy ,PURCHASE,, buy ",
      answer: "What do you want?",
      group: "admins",
      help: "Buys things",
      keyboard_body: "Apples, Pears\nBack",
      commands_folder_id: folder.id,
      auto_retry_time: "60",
      bjs_code: "Bot.sendMessage('hi')",
      need_reply: "true",
    });
    expect(response.statusCode).toBe(200);
    const command = response.json();
    expect(Object.keys(command).sort()).toEqual(COMMAND_FIELDS);
    expect(command).toMatchObject({
      command: "/buy",
      bot_id: bot.id,
      help: "Buys things",
      answer: "What do you want?",
      keyboard_body: "Apples, Pears\nBack",
      need_reply: true,
      auto_retry_time: 60,
      last_auto_retry_at: null,
      commands_folder_id: folder.id,
      commands_folder: folder,
      commands_group: { title: "admins" },
      code: "Bot.sendMessage('hi')",
      bjs_mode: null,
      scenarios: [],
      created_via_csv_import: false,
      last_csv_import_at: null,
    });
    expect(command.aliases.map((a: { command: string }) => a.command)).toEqual(["buy", "purchase"]);
    expect(Object.keys(command.aliases[0]).sort()).toEqual(["bot_command_id", "command", "created_at", "id", "updated_at"]);
    expect(command.aliases[0].bot_command_id).toBe(command.id);
    expect((await api.get(`${base}/commands/${command.id}`)).json()).toEqual(command);
    expect((await api.get(base)).json().commands_count).toBe(1);

    // A command read can be sent back as it is: its aliases are objects there; a plain list is taken too.
    const resent = await api.put(`${base}/commands/${command.id}`, { ...command, help: "Buys more" });
    expect(resent.statusCode, resent.body).toBe(200);
    expect(resent.json().aliases.map((a: { command: string }) => a.command)).toEqual(["buy", "purchase"]);
    const listed = await api.put(`${base}/commands/${command.id}`, { command: "/buy", aliases: ["Shop", " buy "] });
    expect(listed.json().aliases.map((a: { command: string }) => a.command)).toEqual(["shop", "buy"]);
    const wrong = await api.put(`${base}/commands/${command.id}`, { command: "/buy", aliases: 5 });
    expect([wrong.statusCode, wrong.json()]).toEqual([422, { errors: ["Aliases must be a comma-separated string, or a list of aliases"] }]);
  });

  it("creates a bare command with empty fields", async () => {
    const { api, base } = await botOfNewUser();
    const command = (await api.post(`${base}/commands`, { command: "/start", auto_retry_time: "", need_reply: false })).json();
    expect(command).toMatchObject({ help: null, answer: null, keyboard_body: null, need_reply: false, auto_retry_time: null, commands_folder_id: null, commands_folder: null, commands_group: null, aliases: [], code: null });
    // Auto Retry at 0 is off, as cleared (spec/bjs.md §1.12).
    for (const [i, off] of [0, "0", " 0 "].entries()) expect((await api.post(`${base}/commands`, { command: `/off${i}`, auto_retry_time: off })).json()).toMatchObject({ auto_retry_time: null });
    // A whole number as a sheet or a hand-edited file may write it.
    expect((await api.post(`${base}/commands`, { command: "/sheet", auto_retry_time: " 600.0 " })).json()).toMatchObject({ auto_retry_time: 600 });
  });

  it.each([
    [{}, ["Command can't be blank"]],
    [{ command: "  " }, ["Command can't be blank"]],
    [{ command: "x".repeat(256) }, ["Command is too long (maximum is 255 characters)"]],
    [{ command: 5 }, ["Command must be a string"]],
    [{ command: "/a", auto_retry_time: "soon" }, ["Auto retry time must be a positive whole number of seconds"]],
    [{ command: "/a", auto_retry_time: 1.5 }, ["Auto retry time must be a positive whole number of seconds"]],
    // Further than a job can be scheduled: auto retry would never run, and say so only in the platform's log.
    [{ command: "/a", auto_retry_time: 1e13 }, ["Auto retry time must be at most 31536000 seconds (a year)"]],
    [{ command: "/a", auto_retry_time: "31536001" }, ["Auto retry time must be at most 31536000 seconds (a year)"]],
    // Text that Number() would read, but no one writes for a number of seconds or an id.
    [{ command: "/a", auto_retry_time: "1e3" }, ["Auto retry time must be a positive whole number of seconds"]],
    [{ command: "/a", auto_retry_time: "0x10" }, ["Auto retry time must be a positive whole number of seconds"]],
    [{ command: "/a", commands_folder_id: "0x1" }, ["Commands folder must be a folder of this bot"]],
    // Sent as one Telegram message each, so far past what Telegram takes (4,096 characters).
    [{ command: "/a", answer: "a".repeat(65_537), help: "h".repeat(65_537) }, ["Answer is too long (maximum is 65536 characters)", "Help is too long (maximum is 65536 characters)"]],
    [{ command: "/a", commands_folder_id: "1.0" }, ["Commands folder must be a folder of this bot"]],
    [{ command: "/a", commands_folder_id: 99999999 }, ["Commands folder must be a folder of this bot"]],
    [{ command: "/a", commands_folder_id: "abc" }, ["Commands folder must be a folder of this bot"]],
    [{ command: "/a", need_reply: "maybe" }, ["Need reply is invalid"]],
    [{ command: "", auto_retry_time: -1, keyboard_body: "K" }, ["Command can't be blank", "Auto retry time must be a positive whole number of seconds"]],
  ])("refuses the command body %j with 422", async (body, errors) => {
    const { api, base } = await botOfNewUser();
    const response = await api.post(`${base}/commands`, body);
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ errors });
    expect((await api.get(`${base}/commands`)).json()).toEqual([]);
  });

  it("refuses a folder of another bot, and a name taken in the same bot but not in another", async () => {
    const { api, base } = await botOfNewUser();
    const other = await createBot(api, { name: "Other" });
    const foreign = (await api.post(`/v2/bots/${other.id}/commands_folders`, { title: "Theirs" })).json();
    const refused = await api.post(`${base}/commands`, { command: "/a", commands_folder_id: foreign.id });
    expect(refused.json()).toEqual({ errors: ["Commands folder must be a folder of this bot"] });
    expect((await api.post(`${base}/commands`, { command: "/a" })).statusCode).toBe(200);
    const taken = await api.post(`${base}/commands`, { command: "/a", aliases: "x" });
    expect(taken.statusCode).toBe(422);
    expect(taken.json()).toEqual({ errors: ["Command has already been taken"] });
    expect((await api.post(`/v2/bots/${other.id}/commands`, { command: "/a" })).statusCode).toBe(200);
    // Names are case-sensitive, as routing is.
    expect((await api.post(`${base}/commands`, { command: "/A" })).statusCode).toBe(200);
    // Folder 0 is the root, as in a listing's filter.
    const rooted = await api.post(`${base}/commands`, { command: "/rooted", commands_folder_id: 0 });
    expect(rooted.statusCode).toBe(200);
    expect(rooted.json().commands_folder_id).toBeNull();
  });

  it("replaces a command in full on PUT: fields left out become empty", async () => {
    const { api, base } = await botOfNewUser();
    const folder = (await api.post(`${base}/commands_folders`, { title: "F" })).json();
    const created = (await api.post(`${base}/commands`, { command: "/a", aliases: "x, y", answer: "A", help: "H", commands_folder_id: folder.id, need_reply: true, bjs_code: "1" })).json();
    t.clock.advance(5000);
    const response = await api.put(`${base}/commands/${created.id}`, { command: "/b", aliases: "z" });
    expect(response.statusCode).toBe(200);
    const replaced = response.json();
    expect(replaced).toMatchObject({ id: created.id, command: "/b", answer: null, help: null, commands_folder_id: null, commands_folder: null, need_reply: false, code: null, created_at: created.created_at });
    expect(replaced.updated_at).not.toBe(created.updated_at);
    expect(replaced.aliases.map((a: { command: string }) => a.command)).toEqual(["z"]);
    // Taking another command's name, a missing command, and a bad id.
    await api.post(`${base}/commands`, { command: "/c" });
    expect((await api.put(`${base}/commands/${created.id}`, { command: "/c" })).json()).toEqual({ errors: ["Command has already been taken"] });
    expect((await api.get(`${base}/commands/${created.id}`)).json().command).toBe("/b");
    for (const id of ["999999", "abc", "99999999999999999999"]) {
      const missing = await api.put(`${base}/commands/${id}`, { command: "/d" });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ error: "Command not found" });
    }
  });

  it("takes the BJS as code too, the name the answer uses, so a command sent back keeps its code", async () => {
    const { api, base } = await botOfNewUser();
    const created = (await api.post(`${base}/commands`, { command: "/a", code: "Bot.sendMessage(1)" })).json();
    expect(created.code).toBe("Bot.sendMessage(1)");
    const { command, answer, code } = (await api.get(`${base}/commands/${created.id}`)).json();
    const edited = await api.put(`${base}/commands/${created.id}`, { command, answer, code, help: "now with help" });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ code: "Bot.sendMessage(1)", help: "now with help" });
    // Both names at once must agree; neither keeps the full-replace rule.
    expect((await api.put(`${base}/commands/${created.id}`, { command, code: "x", bjs_code: "x" })).json().code).toBe("x");
    const clash = await api.put(`${base}/commands/${created.id}`, { command, code: "x", bjs_code: "y" });
    expect(clash.statusCode).toBe(422);
    expect(clash.json()).toEqual({ errors: ["Bjs code and code differ; send the command's BJS under one of them"] });
    expect((await api.get(`${base}/commands/${created.id}`)).json().code).toBe("x");
    expect((await api.put(`${base}/commands/${created.id}`, { command })).json().code).toBeNull();
  });

  it("deletes a command and its aliases", async () => {
    const { api, base, bot } = await botOfNewUser();
    const command = (await api.post(`${base}/commands`, { command: "/a", aliases: "x" })).json();
    const response = await api.delete(`${base}/commands/${command.id}`);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ message: "Command deleted" });
    expect((await api.get(`${base}/commands/${command.id}`)).json()).toEqual({ error: "Command not found" });
    expect((await api.delete(`${base}/commands/${command.id}`)).statusCode).toBe(404);
    const aliases = await t.platform.database.db.selectFrom("command_aliases").selectAll().where("bot_id", "=", bot.id).execute();
    expect(aliases).toEqual([]);
  });

  it("lists commands in id order, filtered by folder (0 or null = the root) and searched by name or alias", async () => {
    const { api, base } = await botOfNewUser();
    const folder = (await api.post(`${base}/commands_folders`, { title: "Menu" })).json();
    await api.post(`${base}/commands`, { command: "/start" });
    await api.post(`${base}/commands`, { command: "/Menu", commands_folder_id: folder.id });
    await api.post(`${base}/commands`, { command: "/help", aliases: "Assist me", commands_folder_id: folder.id });
    await api.post(`${base}/commands`, { command: "100%_off" });
    await api.post(`${base}/commands`, { command: "/Старт", aliases: "ÜBER uns" });
    const names = async (query: string) => (await api.get(`${base}/commands${query}`)).json().map((c: { command: string }) => c.command);
    expect(await names("")).toEqual(["/start", "/Menu", "/help", "100%_off", "/Старт"]);
    expect(await names(`?commands_folder_id=${folder.id}`)).toEqual(["/Menu", "/help"]);
    expect(await names("?commands_folder_id=0")).toEqual(["/start", "100%_off", "/Старт"]);
    expect(await names("?commands_folder_id=null")).toEqual(["/start", "100%_off", "/Старт"]);
    // Any script's case, in names and aliases; a page of the finds, counted whole.
    expect(await names(`?q=${encodeURIComponent("старт")}`)).toEqual(["/Старт"]);
    expect(await names(`?q=${encodeURIComponent("Über")}`)).toEqual(["/Старт"]);
    const paged = await api.get(`${base}/commands?q=${encodeURIComponent("/")}&per_page=2&page=2`);
    expect(paged.json().map((c: { command: string }) => c.command)).toEqual(["/help", "/Старт"]);
    expect(paged.headers["x-total-count"]).toBe("4");
    expect(await names("?q=MENU")).toEqual(["/Menu"]);
    expect(await names("?q=assist")).toEqual(["/help"]);
    expect(await names("?q=%25")).toEqual(["100%_off"]);
    expect(await names("?q=_")).toEqual(["100%_off"]);
    expect(await names(`?q=e&commands_folder_id=${folder.id}`)).toEqual(["/Menu", "/help"]);
    const bad = await api.get(`${base}/commands?commands_folder_id=abc`);
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toEqual({ errors: ["Commands folder id must be a folder id, or 0 or null for the root"] });
  });

  it("gives the router a command book: exact names, aliases in any case, specials, reloaded after a change", async () => {
    const { api, bot, base } = await botOfNewUser();
    for (const command of ["*", "@", "@@", "!", "/inlineQuery", "/start"]) await api.post(`${base}/commands`, { command });
    const menu = (await api.post(`${base}/commands`, { command: "/menu", aliases: "Main menu, 🏠 Home" })).json();
    const books = new CommandBooks(t.platform.database.db);
    const version = async () => (await t.platform.bots.store.byId(bot.id))!.commands_version;
    const book = await books.of(bot.id, await version());
    expect(book.exact("/menu")?.id).toBe(menu.id);
    expect(book.exact("/MENU")).toBeUndefined();
    expect(book.exact(" MAIN Menu ")?.id).toBe(menu.id);
    expect(book.exact("🏠 home")?.id).toBe(menu.id);
    expect(book.exact("*")).toBeUndefined();
    expect(["*", "@", "@@", "!", "/inlineQuery"].map((name) => book.named(name)?.command)).toEqual(["*", "@", "@@", "!", "/inlineQuery"]);
    expect(await books.of(bot.id, await version())).toBe(book);

    await api.put(`${base}/commands/${menu.id}`, { command: "/menu", aliases: "Start page" });
    const reloaded = await books.of(bot.id, await version());
    expect(reloaded).not.toBe(book);
    expect(reloaded.exact("main menu")).toBeUndefined();
    expect(reloaded.exact("start PAGE")?.id).toBe(menu.id);
    await api.delete(`${base}/commands/${menu.id}`);
    expect((await books.of(bot.id, await version())).exact("/menu")).toBeUndefined();
    const folder = (await api.post(`${base}/commands_folders`, { title: "Kept" })).json();
    const before = await version();
    await api.delete(`${base}/commands_folders/${folder.id}`);
    expect(await version()).toBe(before + 1);
  });

  it("creates, lists and deletes folders; a deleted folder's commands move to the root", async () => {
    const { api, bot, base } = await botOfNewUser();
    const created = await api.post(`${base}/commands_folders`, { title: " Shop " });
    expect(created.statusCode).toBe(200);
    const folder = created.json();
    expect(Object.keys(folder).sort()).toEqual(["bot_id", "created_at", "id", "title", "updated_at"]);
    expect(folder).toMatchObject({ title: "Shop", bot_id: bot.id });
    expect((await api.post(`${base}/commands_folders`, { title: "Shop" })).json()).toEqual({ errors: ["Title has already been taken"] });
    expect((await api.post(`${base}/commands_folders`, { title: "" })).json()).toEqual({ errors: ["Title can't be blank"] });
    expect((await api.post(`${base}/commands_folders`, {})).json()).toEqual({ errors: ["Title can't be blank"] });
    await api.post(`${base}/commands_folders`, { title: "Other" });
    const list = await api.get(`${base}/commands_folders`);
    expect(list.json().map((f: { title: string }) => f.title)).toEqual(["Shop", "Other"]);
    expect(list.headers["x-total-count"]).toBe("2");

    const command = (await api.post(`${base}/commands`, { command: "/buy", commands_folder_id: folder.id })).json();
    const deleted = await api.delete(`${base}/commands_folders/${folder.id}`);
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ message: "Folder deleted" });
    expect((await api.get(`${base}/commands/${command.id}`)).json()).toMatchObject({ commands_folder_id: null, commands_folder: null });
    for (const id of [folder.id, "abc"]) {
      const again = await api.delete(`${base}/commands_folders/${id}`);
      expect(again.statusCode).toBe(404);
      expect(again.json()).toEqual({ error: "Folder not found" });
    }
  });

  it("does not reach another bot's folder through its own bot path", async () => {
    const { api, base } = await botOfNewUser();
    const other = await createBot(api, { name: "Other" });
    const foreign = (await api.post(`/v2/bots/${other.id}/commands_folders`, { title: "Theirs" })).json();
    expect((await api.delete(`${base}/commands_folders/${foreign.id}`)).statusCode).toBe(404);
    expect((await api.get(`/v2/bots/${other.id}/commands_folders`)).json()).toHaveLength(1);
  });
});
