import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { bundledLibSource } from "../../src/catalog/lib-sources.js";
import { describe, expect, it } from "vitest";
import { engines, usePlatform } from "../support/platform.js";
import { createBot, signUpClient, useEmulator, type ApiClient } from "../support/bots.js";
import { useGitRemote } from "../support/git-remote.js";

/** A bot repository written for these tests: every corner of the format the importer must take. */
const fixture: Record<string, string | Buffer> = {
  "README.md": "# A hand-made bot\n",
  "bot.json": '{\n  "bb_sync_version":"1.0",\n  "name":"CornerBot",\n  "csv_url":null,\n  "git_remote":"git@example.com:me/corner.git"\n}',
  // The newest layout, a heredoc answer that keeps its trailing blank lines.
  "commands/_start.js": [
    "/*CMD", "  command: /start", "  help: Say hello", "  need_reply: false", "  auto_retry_time: ", "  folder: ", "",
    "  <<ANSWER", "Hello *there*!", "Welcome.", "", "", "  ANSWER", "", "  <<KEYBOARD", "", "  KEYBOARD",
    "  aliases: Hi, HELLO ", "  group: ", "CMD*/", "", "Bot.sendMessage('started');", "",
  ].join("\n"),
  // No header: the name comes from the file, a leading _ read as /.
  "commands/_about.js": "Bot.sendMessage('about');\n",
  // CRLF endings everywhere, an emoji folder and name, a keyboard with a literal \n.
  "commands/💰 Wallet/💎 Balance.js": "/*CMD\r\n  command: 💎 Balance\r\n  help: \r\n  need_reply: true\r\n  auto_retry_time: 600\r\n  folder: 💰 Wallet\r\n  answer: Your balance\r\n  keyboard: Top up, Withdraw\\nBack\r\n  aliases: 💎 balance, wallet\r\nCMD*/\r\n\r\nvar b = User.getProp('b', 0);\r\nBot.sendMessage('You have ' + b);\r\n",
  // The header wins over the file name, and a folder title with a trailing space.
  "commands/DEPOSIT /_transfer.js": "/*CMD\n  command: /withdraw\n  folder: DEPOSIT \nCMD*/\n\n/*CMD not a header */\nreturn;",
  // The same name as in another folder: the first in path order wins.
  "commands/DEPOSIT /unsubscribe.js": "/*CMD\n  command: /unsubscribe\n  answer: from deposit\nCMD*/\n",
  "commands/Zeta/unsubscribe.js": "/*CMD\n  command: /unsubscribe\n  answer: from zeta\nCMD*/\n",
  // A keyboard without an answer, as Bots.Business stores and exports it.
  "commands/_menu.js": "/*CMD\n  command: /menu\n  keyboard: Yes, No\nCMD*/\n",
  "commands/notes.txt": "not a command",
  "libs/Random.js": "// Botyard store library: the platform provides its source. Replace this file to use your own copy.\n",
  "libs/Utils.js": "function twice(x) { return x * 2; }\npublish({ twice: twice });\n",
  "libs/README": "libs live here",
};

interface CommandAnswer {
  command: string;
  answer: string | null;
  keyboard_body: string | null;
  help: string | null;
  need_reply: boolean;
  auto_retry_time: number | null;
  code: string | null;
  aliases: { command: string }[];
  commands_folder: { title: string } | null;
}

async function commandsOf(api: ApiClient, botId: number): Promise<Map<string, CommandAnswer>> {
  const list = (await api.get(`/v2/bots/${botId}/commands?per_page=200`)).json() as CommandAnswer[];
  return new Map(list.map((command) => [command.command, command]));
}

// The remote listens on loopback, which the platform reaches only when allowed.
const env = { IMPORT_ALLOW_PRIVATE_URLS: "true" };

describe.each(engines())("Git import and export on %s", (engine) => {
  const emulator = useEmulator();
  const t = usePlatform(engine, () => ({ ...env, ...emulator.env() }));
  const remote = useGitRemote();

  it("keeps the bot's name when its own export comes back, which names the bot by its username as Bots.Business writes it", async () => {
    remote.createRepo("own", fixture);
    const { api } = await signUpClient(t.app);
    const tg = await emulator.running.client.registerBot({ username: "shop_git_bot" });
    const bot = await createBot(api, { name: "Shop", token: tg.token, git_remote: remote.url("own") });
    expect((await api.post(`/v2/bots/${bot.id}/git/export`, { branch: "mine" })).statusCode).toBe(200);
    expect(JSON.parse(remote.files("own", "mine").get("bot.json")!.toString()).name).toBe("shop_git_bot");
    expect((await api.post(`/v2/bots/${bot.id}/git/import`, { branch: "mine" })).statusCode).toBe(200);
    expect((await api.get(`/v2/bots/${bot.id}`)).json().name).toBe("Shop");
    // Another bot's export names that bot: the import takes its name (spec/bjs.md §8).
    expect((await api.post(`/v2/bots/${bot.id}/git/import`, { branch: "main" })).statusCode).toBe(200);
    expect((await api.get(`/v2/bots/${bot.id}`)).json().name).toBe("CornerBot");
  });

  it("imports every corner of the format, keeps the first of two same-named commands and answers plain ok", async () => {
    remote.createRepo("fixture", fixture);
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const response = await api.post(`/v2/bots/${bot.id}/git/import`, { repo_url: remote.url("fixture") });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/plain/);
    expect(response.body).toBe("ok");

    const commands = await commandsOf(api, bot.id);
    expect([...commands.keys()].sort()).toEqual(["/about", "/menu", "/start", "/unsubscribe", "/withdraw", "💎 Balance"].sort());
    const start = commands.get("/start")!;
    expect(start).toMatchObject({ answer: "Hello *there*!\nWelcome.\n\n", help: "Say hello", need_reply: false, auto_retry_time: null, keyboard_body: null, commands_folder: null });
    expect(start.code).toBe("Bot.sendMessage('started');\n");
    expect(start.aliases.map((alias) => alias.command)).toEqual(["hi", "hello"]);
    expect(commands.get("/about")!.code).toBe("Bot.sendMessage('about');\n");
    const balance = commands.get("💎 Balance")!;
    expect(balance).toMatchObject({ answer: "Your balance", keyboard_body: "Top up, Withdraw\\nBack", need_reply: true, auto_retry_time: 600, commands_folder: { title: "💰 Wallet" } });
    expect(balance.code).toBe("var b = User.getProp('b', 0);\r\nBot.sendMessage('You have ' + b);\r\n");
    expect(commands.get("/withdraw")).toMatchObject({ commands_folder: { title: "DEPOSIT " }, code: "/*CMD not a header */\nreturn;" });
    expect(commands.get("/unsubscribe")).toMatchObject({ answer: "from deposit" });
    expect(commands.get("/menu")).toMatchObject({ answer: null, keyboard_body: "Yes, No", code: null });

    // bot.json's name is the bot's now; its git_remote is not (spec/bjs.md §8).
    expect((await api.get(`/v2/bots/${bot.id}`)).json()).toMatchObject({ name: "CornerBot", git_remote: null });
    const folders = (await api.get(`/v2/bots/${bot.id}/commands_folders`)).json().map((folder: { title: string }) => folder.title);
    // The skipped duplicate brings nothing, not even its folder.
    expect(folders.sort()).toEqual(["DEPOSIT ", "💰 Wallet"].sort());
    const content = await t.platform.interop.content.read(bot.id);
    expect(content.libs).toEqual([{ name: "Random", source: null }, { name: "Utils", source: fixture["libs/Utils.js"] }]);
    expect((await api.get(`/v2/bots/${bot.id}/libs`)).json().map((lib: { name: string }) => lib.name)).toEqual(["Random"]);

    const task = (await api.get(`/v2/bots/${bot.id}/tasks/${response.headers["x-task-id"]}`)).json();
    expect(task).toMatchObject({ kind: "git_import", status: "done", skipped: 1, errors: [{ file: "commands/Zeta/unsubscribe.js" }] });
    const log = (await api.get(`/v2/bots/${bot.id}/error_logs`)).json();
    expect(log[0].title).toContain("commands/Zeta/unsubscribe.js: skipped, command /unsubscribe is already defined in commands/DEPOSIT /unsubscribe.js");
  });

  it("changes nothing when any file is broken, and names each file and line", async () => {
    remote.createRepo("broken", {
      ...fixture,
      "commands/Admin/bad-retry.js": "/*CMD\n  command: /bad\n  auto_retry_time: soon\nCMD*/\n",
      "commands/unclosed.js": "/*CMD\n  command: /open\n  answer: x\n",
      "commands/heredoc.js": "/*CMD\n  command: /h\n  <<ANSWER\n  text\n",
      "commands/long.js": `/*CMD\n  command: /long\n  answer: ${"x".repeat(65_537)}\nCMD*/\n`,
      "commands/a/b/too-deep.js": "code",
    });
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    await api.post(`/v2/bots/${bot.id}/commands`, { command: "/keep", answer: "still here" });
    const response = await api.post(`/v2/bots/${bot.id}/git/import`, { repo_url: remote.url("broken") });
    expect(response.statusCode).toBe(422);
    expect(response.json().errors).toEqual([
      "commands/heredoc.js line 3: <<ANSWER has no closing ANSWER line",
      "commands/long.js line 1: answer is too long (maximum is 65536 characters)",
      "commands/unclosed.js line 1: the header opened here has no closing CMD*/",
      'commands/Admin/bad-retry.js line 3: auto retry time must be a positive whole number of seconds',
      "commands/a/b/too-deep.js line 1: commands/ holds one level of folders; move this file up",
    ]);
    expect([...(await commandsOf(api, bot.id)).keys()]).toEqual(["/keep"]);

    remote.createRepo("no-descriptor", { "commands/x.js": "code" });
    const missing = await api.post(`/v2/bots/${bot.id}/git/import`, { repo_url: remote.url("no-descriptor") });
    expect(missing.json()).toEqual({ errors: ["bot.json: missing (a bot repository has bot.json at its root)"] });
  });

  it("round-trips: export, import into another bot, export again gives the same commands, folders, libraries and files", async () => {
    remote.createRepo("source", fixture);
    remote.createRepo("trip", { "LICENSE": "MIT", ".github/workflows/ci.yml": "on: push" });
    const { api } = await signUpClient(t.app);
    const first = await createBot(api, { git_remote: remote.url("trip") });
    expect((await api.post(`/v2/bots/${first.id}/git/import`, { repo_url: remote.url("source") })).statusCode).toBe(200);
    await api.post(`/v2/bots/${first.id}/commands_folders`, { title: "Empty for now" });

    // No branch: a new BB_Export_<unix time> branch on top of the default branch, holding only the bot.
    const exported = await api.post(`/v2/bots/${first.id}/git/export`);
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.body).toBe("ok");
    const branch = `BB_Export_${Math.floor(t.clock.now() / 1000)}`;
    expect(exported.headers["x-git-branch"]).toBe(branch);
    expect(remote.branches("trip").sort()).toEqual([branch, "main"]);
    expect(remote.log("trip", branch, "%an <%ae>|%s")).toEqual([`Bots.Business <git.sync@bots.business>|Bots.Business export for bot id: ${first.id}`, "Test <t@example.com>|fixture"]);
    const tree = remote.files("trip", branch);
    expect(new Set([...tree.keys()].map((path) => path.split("/")[0]))).toEqual(new Set(["README.md", "bot.json", "commands", "libs"]));
    expect(tree.get("commands/_start.js")).toContain("\n  <<ANSWER\nHello *there*!\nWelcome.\n\n\n  ANSWER\n");
    // As Bots.Business writes it: no space after the colons, no newline at the end; `folders` for the empty folder.
    expect(tree.get("bot.json")).toBe(`{\n  "bb_sync_version":"1.0",\n  "name":"CornerBot",\n  "csv_url":null,\n  "git_remote":"${remote.url("trip")}",\n  "folders":${JSON.stringify((await t.platform.interop.content.read(first.id)).folders)}\n}`);
    // A store library the bot has no copy of goes out as the store's source, so Bots.Business can import it.
    expect(tree.get("libs/Random.js")).toBe(bundledLibSource("Random"));

    const second = await createBot(api);
    const imported = await api.post(`/v2/bots/${second.id}/git/import`, { repo_url: remote.url("trip"), branch });
    expect(imported.statusCode, imported.body).toBe(200);
    // The same content; commands come back in file order, so compare them by name.
    const byName = async (botId: number) => {
      const content = await t.platform.interop.content.read(botId);
      return { ...content, commands: content.commands.sort((a, b) => a.command.localeCompare(b.command)) };
    };
    expect(await byName(second.id)).toEqual(await byName(first.id));

    // A named branch moves forward; the snapshot is the same file for file.
    t.clock.advance(5_000);
    const again = await api.post(`/v2/bots/${second.id}/git/export`, { repo_url: remote.url("trip"), branch: "main" });
    expect(again.statusCode, again.body).toBe(200);
    const retree = remote.files("trip", "main");
    expect([...retree.keys()].sort()).toEqual([...tree.keys()].sort());
    for (const [path, text] of tree) if (path !== "bot.json") expect(retree.get(path), path).toBe(text);
    expect(remote.log("trip", "main", "%s")).toHaveLength(2);

    // An empty repository gets a root commit.
    remote.createRepo("blank");
    expect((await api.post(`/v2/bots/${second.id}/git/export`, { repo_url: remote.url("blank"), branch: "main" })).body).toBe("ok");
    expect(remote.log("blank", "main", "%s")).toEqual([`Bots.Business export for bot id: ${second.id}`]);

    // A named branch imports whatever the remote's HEAD names: `git init --bare` points it at master, which has no commit.
    remote.createRepo("elsewhere", undefined, "master");
    expect((await api.post(`/v2/bots/${second.id}/git/export`, { repo_url: remote.url("elsewhere"), branch: "main" })).body).toBe("ok");
    const back = await api.post(`/v2/bots/${second.id}/git/import`, { repo_url: remote.url("elsewhere"), branch: "main" });
    expect(back.statusCode, back.body).toBe(200);
    expect((await api.get(`/v2/bots/${second.id}/tasks/${back.headers["x-task-id"]}`)).json()).toMatchObject({ kind: "git_import", status: "done" });
    const unnamed = await api.post(`/v2/bots/${second.id}/git/import`, { repo_url: remote.url("elsewhere") });
    expect(unnamed.json()).toEqual({ errors: [`The repository ${remote.url("elsewhere")} has no commit on its default branch: give the branch to import`] });
  }, 90_000);

  it("answers JSON errors for unreachable remotes, missing branches and another user's bot", async () => {
    remote.createRepo("lonely", fixture);
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const noUrl = await api.post(`/v2/bots/${bot.id}/git/import`, {});
    expect(noUrl.json()).toEqual({ errors: ["Repo url can't be blank (give repo_url or set the bot's git_remote)"] });
    const ssh = await api.post(`/v2/bots/${bot.id}/git/export`, { repo_url: "git@example.com:me/bot.git" });
    expect(ssh.statusCode).toBe(422);
    expect(ssh.json().errors).toEqual(["SSH remotes (git@host:path) need a deploy key, which is not supported; use the https:// URL and a token"]);
    const ftp = await api.post(`/v2/bots/${bot.id}/git/import`, { repo_url: "ftp://example.com/bot.git" });
    expect(ftp.json()).toEqual({ errors: ["Repository URL must be http:// or https://"] });
    const branch = await api.post(`/v2/bots/${bot.id}/git/import`, { repo_url: remote.url("lonely"), branch: "nope" });
    expect(branch.statusCode).toBe(422);
    expect(branch.json().errors).toEqual([expect.stringMatching(/nope/)]);
    for (const name of ["-f", ".hidden", "a/.b", "a..b", "a//b", "a/", "a.", "a.lock", "a.lock/b", "HEAD", "a b", "@", "a@{1}", "a~1", "a^", "a:b", "a?", "a*", "a[b", "a\\b", "a\tb"]) {
      const refused = await api.post(`/v2/bots/${bot.id}/git/export`, { repo_url: remote.url("lonely"), branch: name });
      expect(refused.json(), name).toEqual({ errors: ["Branch is not a valid branch name"] });
    }
    // What git takes is taken, in any script.
    for (const name of ["feature+x", "fix#12/ветка-😀", "release@2"]) {
      const exported = await api.post(`/v2/bots/${bot.id}/git/export`, { repo_url: remote.url("lonely"), branch: name });
      expect(exported.body, name).toBe("ok");
      expect(decodeURIComponent(String(exported.headers["x-git-branch"]))).toBe(name);
    }
    expect(remote.branches("lonely")).toEqual(expect.arrayContaining(["feature+x", "fix#12/ветка-😀", "release@2"]));
    const gone = await api.post(`/v2/bots/${bot.id}/git/import`, { repo_url: remote.url("missing") });
    expect(gone.statusCode).toBe(422);
    // A web page where a repository should be: the answer names the address, never what the page says.
    const page = createServer((_request, response) => response.end("SECRET-PAGE ".repeat(50)));
    await new Promise<void>((listening) => page.listen(0, "127.0.0.1", listening));
    try {
      const pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/internal`;
      for (const repo_url of [pageUrl, `${pageUrl}#`, `${pageUrl}?`]) {
        const notGit = await api.post(`/v2/bots/${bot.id}/git/import`, { repo_url });
        expect(notGit.json(), repo_url).toEqual({ errors: [expect.stringMatching(/^The address http:\/\/127\.0\.0\.1:\d+\/internal.* does not answer as a Git repository over HTTP: check the URL$/)] });
        expect(notGit.body).not.toContain("SECRET");
      }
    } finally {
      page.close();
    }
    const stranger = await signUpClient(t.app);
    const foreign = await stranger.api.post(`/v2/bots/${bot.id}/git/import`, { repo_url: remote.url("lonely") });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toEqual({ error: "Bot not found" });
  });

  it("answers 404 to an export or import whose bot was deleted while it ran", async () => {
    remote.createRepo("orphan", fixture);
    const { api } = await signUpClient(t.app);
    for (const way of ["export", "import"]) {
      const bot = await createBot(api);
      // The delete lands while the remote is read or written (or, at worst, before: 404 all the same).
      const running = api.post(`/v2/bots/${bot.id}/git/${way}`, { repo_url: remote.url("orphan"), ...(way === "export" && { branch: `gone-${bot.id}` }) });
      expect((await api.delete(`/v2/bots/${bot.id}`)).statusCode).toBe(200);
      const answer = await running;
      // "Bot not found", or, for an import whose writes met the delete, that a record it refers to was deleted.
      expect([answer.statusCode, answer.json()], way).toEqual([404, { error: expect.stringMatching(/^(Bot not found|Not found: a record this request refers to was deleted while it ran)$/) }]);
    }
  });
});

describe.each(engines())("Git with a token on %s", (engine) => {
  const t = usePlatform(engine, env);
  const remote = useGitRemote({ token: "s3cret-token" });

  it("writes the bot's git_remote and csv_url into bot.json without the credentials they may hold", async () => {
    remote.createRepo("shared", { "LICENSE": "MIT" });
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api, { git_remote: "https://me:pushtoken123@example.com/me/bot.git", csv_url: "https://reader:sheetpass456@example.com/sheet.csv" });
    const exported = await api.post(`/v2/bots/${bot.id}/git/export`, { repo_url: remote.url("shared"), token: "s3cret-token" });
    expect(exported.body).toBe("ok");
    const descriptor = remote.files("shared", exported.headers["x-git-branch"] as string).get("bot.json")!;
    expect(JSON.parse(descriptor)).toMatchObject({ git_remote: "https://example.com/me/bot.git", csv_url: "https://example.com/sheet.csv" });
    expect(descriptor).not.toMatch(/pushtoken123|sheetpass456/);
  });

  it("sends the token as basic auth, and says when one is missing or refused without echoing it", async () => {
    remote.createRepo("private", fixture);
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const url = remote.url("private");
    const none = await api.post(`/v2/bots/${bot.id}/git/import`, { repo_url: url });
    expect(none.statusCode).toBe(422);
    expect(none.json()).toEqual({ errors: [`The repository ${url} needs a token`] });
    const wrong = await api.post(`/v2/bots/${bot.id}/git/import`, { repo_url: url, token: "guess" });
    expect(wrong.json()).toEqual({ errors: [`The repository ${url} refused the token`] });
    expect(wrong.body).not.toContain("guess");
    expect((await api.post(`/v2/bots/${bot.id}/git/import`, { repo_url: url, token: "s3cret-token" })).body).toBe("ok");
    const pushed = await api.post(`/v2/bots/${bot.id}/git/export`, { repo_url: url, token: "s3cret-token", branch: "main" });
    expect(pushed.body).toBe("ok");
    expect(remote.log("private", "main", "%s")[0]).toBe(`Bots.Business export for bot id: ${bot.id}`);
  });
});
