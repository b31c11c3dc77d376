import { describe, expect, it } from "vitest";
import { engines, usePlatform } from "../support/platform.js";
import { createBot, signUpClient, type ApiClient } from "../support/bots.js";
import { useGitRemote } from "../support/git-remote.js";
import { readRepository, RepositoryProblems } from "../../src/interop/git/repository.js";
import { rowsOfBot } from "./seed.js";
import { CommandBooks } from "../../src/runtime/command-books.js";
import { ValidationError } from "../../src/errors.js";
import { CommandStore, MAX_BOT_TEXT, MAX_COMMAND_CODE, parseCommandFields } from "../../src/bots/commands.js";

const LIMIT = 3;
const header = (name: string, aliases = "") => `/*CMD\n  command: ${name}\n  aliases: ${aliases}\nCMD*/\n\nBot.sendMessage('hi');\n`;

async function commandNames(api: ApiClient, botId: number): Promise<string[]> {
  return ((await api.get(`/v2/bots/${botId}/commands?per_page=200`)).json() as { command: string }[]).map((command) => command.command);
}

describe.each(engines())("how many commands and aliases a bot may have, on %s", (engine) => {
  // The git remote listens on loopback.
  const t = usePlatform(engine, { BOT_COMMANDS_LIMIT: String(LIMIT), IMPORT_ALLOW_PRIVATE_URLS: "true" });
  const remote = useGitRemote();

  it("answers 422 to a command with more aliases than a command may have, however many, and writes nothing", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const before = await rowsOfBot(t.platform, bot.id);
    for (const count of [101, 70_000]) {
      const aliases = Array.from({ length: count }, (_, i) => `a${i}`).join(",");
      const response = await api.post(`/v2/bots/${bot.id}/commands`, { command: "/many", aliases });
      expect(response.statusCode, String(count)).toBe(422);
      expect(response.json()).toEqual({ errors: ["Aliases are too many (a command may have 100 at most)"] });
    }
    expect(await rowsOfBot(t.platform, bot.id)).toEqual(before);
    const hundred = Array.from({ length: 100 }, (_, i) => `a${i}`).join(",");
    expect((await api.post(`/v2/bots/${bot.id}/commands`, { command: "/many", aliases: hundred })).statusCode).toBe(200);
  });

  it("answers 422 to a command whose code is past its cap, or that would take the bot past what all its commands may hold, and writes nothing", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const tooLong = await api.post(`/v2/bots/${bot.id}/commands`, { command: "/big", bjs_code: "x".repeat(MAX_COMMAND_CODE + 1) });
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.json()).toEqual({ errors: [`Code is too long (maximum is ${MAX_COMMAND_CODE} characters)`] });
    // At the cap, each command takes a bot a 32nd of the way; answers count too. (A store of its own: this suite's bots may have 3 commands.)
    const code = "x".repeat(MAX_COMMAND_CODE);
    const commands = new CommandStore(t.platform.database.db, t.platform.folders, t.platform.bots.store, t.clock, 100);
    for (let i = 0; i < MAX_BOT_TEXT / MAX_COMMAND_CODE - 1; i++) await commands.create(bot.id, parseCommandFields({ command: `/c${i}`, bjs_code: code }));
    const before = await rowsOfBot(t.platform, bot.id);
    const over = commands.create(bot.id, parseCommandFields({ command: "/last", bjs_code: code, answer: "one character too many" }));
    await expect(over).rejects.toThrow(ValidationError);
    await expect(over).rejects.toMatchObject({ problems: [`A bot's commands and libraries (code, answers, keyboards, help) may hold ${MAX_BOT_TEXT} characters in all; this would make ${MAX_BOT_TEXT + 22}`] });
    expect(await rowsOfBot(t.platform, bot.id)).toEqual(before);
    await commands.create(bot.id, parseCommandFields({ command: "/last", bjs_code: code }));
  });

  it("keeps the books of the bots used most recently, within a budget of characters, and loads a dropped one again", async () => {
    const books = new CommandBooks(t.platform.database.db, 2500);
    const bots: { id: number; version: number }[] = [];
    const { api } = await signUpClient(t.app);
    for (const bot of [await createBot(api), await createBot(api), await createBot(api)]) {
      await api.post(`/v2/bots/${bot.id}/commands`, { command: "/start", answer: "a".repeat(1000) });
      bots.push({ id: bot.id, version: (await t.platform.bots.store.byId(bot.id))!.commands_version });
    }
    const of = (bot: { id: number; version: number }) => books.of(bot.id, bot.version);
    const [first, second, third] = bots as [(typeof bots)[0], (typeof bots)[0], (typeof bots)[0]];
    const firstBook = await of(first);
    const secondBook = await of(second);
    // The first is used again: the second is now the one used least recently, and goes for the third.
    expect(await of(first)).toBe(firstBook);
    const thirdBook = await of(third);
    expect(await of(first)).toBe(firstBook);
    expect(await of(third)).toBe(thirdBook);
    const secondAgain = await of(second);
    expect(secondAgain).not.toBe(secondBook);
    expect(secondAgain.exact("/start")?.answer).toBe("a".repeat(1000));
  });

  it("answers 422 to a command past the bot's limit, and takes one again once a command is deleted", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const ids: number[] = [];
    for (let i = 0; i < LIMIT; i++) ids.push((await api.post(`/v2/bots/${bot.id}/commands`, { command: `/c${i}` })).json().id);
    const refused = await api.post(`/v2/bots/${bot.id}/commands`, { command: "/one-more" });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toEqual({ errors: [`A bot may have ${LIMIT} commands at most; delete one first`] });
    expect(await commandNames(api, bot.id)).toEqual(["/c0", "/c1", "/c2"]);
    // Editing is not adding.
    expect((await api.put(`/v2/bots/${bot.id}/commands/${ids[0]}`, { command: "/renamed" })).statusCode).toBe(200);
    expect((await api.delete(`/v2/bots/${bot.id}/commands/${ids[1]}`)).statusCode).toBe(200);
    expect((await api.post(`/v2/bots/${bot.id}/commands`, { command: "/one-more" })).statusCode).toBe(200);
  });

  it("skips the CSV rows past the limit, each with the reason, and imports the others", async () => {
    const { api, user } = await signUpClient(t.app);
    const bot = await createBot(api);
    // The refused rows name a folder of their own, which must not be left behind empty.
    const sheet = ["command,answer,folder", ...Array.from({ length: 5 }, (_, i) => `/r${i},Row ${i},${i < LIMIT ? "" : "Late"}`)].join("\n");
    const started = await t.app.inject({ method: "POST", url: `/v2/bots/${bot.id}/csv_import?api_key=${user.apiKey}`, headers: { "content-type": "text/csv" }, payload: sheet });
    expect(started.statusCode).toBe(202);
    await t.platform.interop.idle();
    const task = (await api.get(`/v2/bots/${bot.id}/csv_import/${started.json().id}`)).json();
    expect(task).toMatchObject({ status: "done", created: LIMIT, skipped: 2 });
    expect(task.errors).toEqual([
      { row: 5, error: `A bot may have ${LIMIT} commands at most; delete one first` },
      { row: 6, error: `A bot may have ${LIMIT} commands at most; delete one first` },
    ]);
    expect(await commandNames(api, bot.id)).toEqual(["/r0", "/r1", "/r2"]);
    expect((await api.get(`/v2/bots/${bot.id}/commands_folders`)).json()).toEqual([]);
  });

  it("refuses a Git import with a command's code past its cap, or more text than a bot may hold, and changes nothing", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    await api.post(`/v2/bots/${bot.id}/commands`, { command: "/kept" });
    const before = await rowsOfBot(t.platform, bot.id);
    remote.createRepo("long-code", { "bot.json": '{"bb_sync_version":"1.0"}', "commands/big.js": header("/big") + "x".repeat(MAX_COMMAND_CODE) });
    const long = await api.post(`/v2/bots/${bot.id}/git/import`, { repo_url: remote.url("long-code") });
    expect(long.statusCode).toBe(422);
    expect(long.json()).toEqual({ errors: [`commands/big.js line 1: code is too long (maximum is ${MAX_COMMAND_CODE} characters)`] });
    const libs = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`libs/Mine${i}.js`, "x".repeat(1024 * 1024)]));
    remote.createRepo("heavy", { "bot.json": '{"bb_sync_version":"1.0"}', "commands/a.js": header("/a"), ...libs });
    const heavy = await api.post(`/v2/bots/${bot.id}/git/import`, { repo_url: remote.url("heavy") });
    expect(heavy.statusCode).toBe(422);
    expect(heavy.json().errors).toEqual([expect.stringMatching(/^A bot's commands and libraries .* may hold 8388608 characters in all; this would make 943\d{4}$/)]);
    const { interop_tasks: tasks, ...after } = await rowsOfBot(t.platform, bot.id);
    expect(after).toEqual(Object.fromEntries(Object.entries(before).filter(([table]) => table !== "interop_tasks")));
    expect(tasks).toHaveLength(2);
  });

  it("refuses a Git import with more commands than the limit, or a command with too many aliases, and changes nothing", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    await api.post(`/v2/bots/${bot.id}/commands`, { command: "/kept" });
    const before = await rowsOfBot(t.platform, bot.id);
    const files = Object.fromEntries(Array.from({ length: LIMIT + 1 }, (_, i) => [`commands/c${i}.js`, header(`/c${i}`)]));
    remote.createRepo("too-many", { "bot.json": '{"bb_sync_version":"1.0"}', ...files });
    const tooMany = await api.post(`/v2/bots/${bot.id}/git/import`, { repo_url: remote.url("too-many") });
    expect(tooMany.statusCode).toBe(422);
    expect(tooMany.json()).toEqual({ errors: [`The repository has ${LIMIT + 1} commands; a bot may have ${LIMIT} at most`] });
    const aliases = Array.from({ length: 20_000 }, (_, i) => `a${i}`).join(", ");
    remote.createRepo("many-aliases", { "bot.json": '{"bb_sync_version":"1.0"}', "commands/many.js": header("/many", aliases) });
    const manyAliases = await api.post(`/v2/bots/${bot.id}/git/import`, { repo_url: remote.url("many-aliases") });
    expect(manyAliases.statusCode).toBe(422);
    expect(manyAliases.json()).toEqual({ errors: ["commands/many.js line 3: aliases are too many (a command may have 100 at most)"] });
    const longName = `/${"x".repeat(3000)}`;
    remote.createRepo("long-name", { "bot.json": '{"bb_sync_version":"1.0"}', "commands/long.js": header(longName) });
    const long = await api.post(`/v2/bots/${bot.id}/git/import`, { repo_url: remote.url("long-name") });
    expect(long.statusCode).toBe(422);
    expect(long.json()).toEqual({ errors: ["commands/long.js line 2: command is too long (maximum is 255 characters)"] });
    // Only the failed tasks were added.
    const { interop_tasks: tasks, ...after } = await rowsOfBot(t.platform, bot.id);
    expect(after).toEqual(Object.fromEntries(Object.entries(before).filter(([table]) => table !== "interop_tasks")));
    expect(tasks.map((task) => (task as { status: string }).status)).toEqual(["failed", "failed", "failed"]);
  });
});

describe("a repository's auto_retry_time", () => {
  it("must be at most a year, as through the API", () => {
    const read = (seconds: string) => readRepository(new Map([["bot.json", "{}"], ["commands/tick.js", `/*CMD\n  command: /tick\n  auto_retry_time: ${seconds}\nCMD*/\n`]]));
    expect(read("31536000").content.commands[0]!.auto_retry_time).toBe(31536000);
    expect(read("0").content.commands[0]!.auto_retry_time).toBeNull();
    expect(() => read("31536001")).toThrow(RepositoryProblems);
    expect(() => read("31536001")).toThrow(expect.objectContaining({ problems: ["commands/tick.js line 3: auto retry time must be at most 31536000 seconds (a year)"] }));
  });
});
