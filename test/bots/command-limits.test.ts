import { describe, expect, it } from "vitest";
import { engines, usePlatform } from "../support/platform.js";
import { createBot, signUpClient, type ApiClient } from "../support/bots.js";
import { useGitRemote } from "../support/git-remote.js";
import { readRepository, RepositoryProblems } from "../../src/interop/git/repository.js";
import { rowsOfBot } from "./seed.js";

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
    expect(() => read("31536001")).toThrow(RepositoryProblems);
    expect(() => read("31536001")).toThrow(expect.objectContaining({ problems: ["commands/tick.js line 3: auto retry time must be at most 31536000 seconds (a year)"] }));
  });
});
