import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { engines, usePlatform } from "../support/platform.js";
import { createBot, signUpClient } from "../support/bots.js";
import { useGitRemote } from "../support/git-remote.js";
import { rowsOfBot } from "../bots/seed.js";

// Random, so PostgreSQL cannot compress it below its index entry limit (~2700 bytes).
const LONG_TITLE = randomBytes(3000).toString("hex");

describe.each(engines())("imports with bad folder titles and bad text on %s", (engine) => {
  // The git remote listens on loopback.
  const t = usePlatform(engine, { IMPORT_ALLOW_PRIVATE_URLS: "true" });
  const remote = useGitRemote();

  it("skips a CSV row whose folder title is too long, with the reason, and imports the other rows", async () => {
    const { api, user } = await signUpClient(t.app);
    const bot = await createBot(api);
    const sheet = `command,answer,folder\n/a,A,${LONG_TITLE}\n/b,B,Shop\n`;
    const started = await t.app.inject({ method: "POST", url: `/v2/bots/${bot.id}/csv_import?api_key=${user.apiKey}`, headers: { "content-type": "text/csv" }, payload: sheet });
    expect(started.statusCode).toBe(202);
    await t.platform.interop.idle();
    const task = (await api.get(`/v2/bots/${bot.id}/csv_import/${started.json().id}`)).json();
    expect(task).toMatchObject({ status: "done", created: 1, skipped: 1, errors: [{ row: 2, error: "Title is too long (maximum is 255 characters)" }] });
    const commands = (await api.get(`/v2/bots/${bot.id}/commands`)).json();
    expect(commands.map((command: { command: string; commands_folder: { title: string } | null }) => [command.command, command.commands_folder?.title])).toEqual([["/b", "Shop"]]);
  });

  it("leaves no new folder behind for a CSV row that is skipped", async () => {
    const { api, user } = await signUpClient(t.app);
    const bot = await createBot(api);
    const sheet = "command,answer,folder,auto_retry\n/a,A,Fresh,soon\n/b,B,Kept,\n";
    const started = await t.app.inject({ method: "POST", url: `/v2/bots/${bot.id}/csv_import?api_key=${user.apiKey}`, headers: { "content-type": "text/csv" }, payload: sheet });
    await t.platform.interop.idle();
    const task = (await api.get(`/v2/bots/${bot.id}/csv_import/${started.json().id}`)).json();
    expect(task).toMatchObject({ status: "done", created: 1, skipped: 1, errors: [{ row: 2, error: "Auto retry time must be a positive whole number of seconds" }] });
    expect((await api.get(`/v2/bots/${bot.id}/commands_folders`)).json().map((folder: { title: string }) => folder.title)).toEqual(["Kept"]);
  });

  it("answers 422 to a repository with a folder title that is too long or blank, or text holding NUL, and changes nothing", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    await api.post(`/v2/bots/${bot.id}/commands`, { command: "/kept" });
    const before = await rowsOfBot(t.platform, bot.id);
    const cases: [string, Record<string, string>, string[]][] = [
      ["header-folder", { "commands/a.js": `/*CMD\n  command: /a\n  folder: ${LONG_TITLE}\nCMD*/\n` }, ["commands/a.js line 3: folder is too long (maximum is 255 characters)"]],
      ["listed-folders", { "bot.json": JSON.stringify({ folders: [LONG_TITLE, " "] }) }, ["bot.json: folders must be titles of 1 to 255 characters"]],
      ["nul", { "commands/a.js": "/*CMD\n  command: /a\nCMD*/\nBot.sendMessage('\u0000');\n" }, ["commands/a.js: must not contain NUL characters"]],
    ];
    for (const [name, files, errors] of cases) {
      remote.createRepo(name, { "bot.json": "{}", ...files });
      const response = await api.post(`/v2/bots/${bot.id}/git/import`, { repo_url: remote.url(name) });
      expect(response.statusCode, name).toBe(422);
      expect(response.json(), name).toEqual({ errors });
    }
    const { interop_tasks: tasks, ...after } = await rowsOfBot(t.platform, bot.id);
    expect(after).toEqual(Object.fromEntries(Object.entries(before).filter(([table]) => table !== "interop_tasks")));
    expect(tasks.map((task) => (task as { status: string }).status)).toEqual(["failed", "failed", "failed"]);
  });
});

// What the engine stores is not reached: one is enough for a pack refused before anything is read.
describe("a Git import of a pack that unpacks past the limit", () => {
  const t = usePlatform("sqlite", { IMPORT_ALLOW_PRIVATE_URLS: "true" });
  const remote = useGitRemote();

  it("answers 422 to a repository whose files unpack past the limit (a file of zeros, a few kilobytes sent), and changes nothing", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    await api.post(`/v2/bots/${bot.id}/commands`, { command: "/kept" });
    const before = await rowsOfBot(t.platform, bot.id);
    remote.createRepo("zeros", { "bot.json": "{}", "commands/zero.js": Buffer.alloc(96 << 20) });
    const response = await api.post(`/v2/bots/${bot.id}/git/import`, { repo_url: remote.url("zeros") });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ errors: ["The repository is too large for a bot (its files unpack to over 80 MB)"] });
    const { interop_tasks: _tasks, ...after } = await rowsOfBot(t.platform, bot.id);
    expect(after).toEqual(Object.fromEntries(Object.entries(before).filter(([table]) => table !== "interop_tasks")));
  }, 60_000); // unpacking up to the limit: seconds of CPU that a loaded CI machine stretches
});
