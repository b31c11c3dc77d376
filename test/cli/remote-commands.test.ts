import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../src/main.js";
import { storeBotContent, storeBotOf } from "../../src/catalog/store-bots.js";
import { readFolderFiles } from "../../src/interop/git/folder-files.js";
import { readRepository } from "../../src/interop/git/repository.js";
import { engines, usePlatform } from "../support/platform.js";
import { createBot, signUpClient } from "../support/bots.js";

const root = resolve(import.meta.dirname, "../..");

/** Runs `botyard <args>` in this process; answers what it printed and its exit code. */
async function botyard(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((text: string) => void out.push(text));
  const error = vi.spyOn(console, "error").mockImplementation((text: string) => void err.push(text));
  const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  process.exitCode = 0;
  try {
    await main(args);
  } finally {
    log.mockRestore();
    error.mockRestore();
    stderr.mockRestore();
  }
  const code = process.exitCode;
  process.exitCode = 0;
  return { out: out.join("\n"), err: err.join("\n"), code };
}

describe.each(engines())("botyard login, pull, push and logs against a served API on %s", (engine) => {
  const t = usePlatform(engine);
  const work = mkdtempSync(join(tmpdir(), "botyard-cli-"));
  const config = join(work, "config");
  let server = "";
  const saved = { xdg: process.env.XDG_CONFIG_HOME, url: process.env.BOTYARD_URL };
  beforeAll(async () => {
    server = await t.app.listen({ port: 0, host: "127.0.0.1" });
    process.env.XDG_CONFIG_HOME = config;
    delete process.env.BOTYARD_URL;
  });
  afterAll(() => {
    // Assigned undefined, a variable would read "undefined": Chromium, later in this worker, kept its files in ./undefined.
    if (saved.xdg === undefined) delete process.env.XDG_CONFIG_HOME;
    else process.env.XDG_CONFIG_HOME = saved.xdg;
    if (saved.url !== undefined) process.env.BOTYARD_URL = saved.url;
    rmSync(work, { recursive: true, force: true });
  });

  it("logs in with a checked api key kept for the user alone, and says plainly when it cannot", async () => {
    expect(await botyard("pull", "1")).toMatchObject({ code: 1, err: "botyard: not logged in; run 'botyard login' first" });
    const { user } = await signUpClient(t.app);
    expect(await botyard("login", "--server", server, "--api-key=wrong")).toMatchObject({ code: 1, err: "botyard: GET v2/user: 401 You need to sign in or sign up before continuing. The api key was refused: copy the current one from the dashboard's account page and run 'botyard login' again." });
    const ok = await botyard("login", "--server", server, `--api-key=${user.apiKey}`);
    expect(ok.code).toBe(0);
    expect(ok.out).toContain(`as ${user.email}`);
    const file = join(config, "botyard", "credentials.json");
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ server, api_key: user.apiKey });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await botyard("login", "--server", "http://127.0.0.1:9", "--api-key=x")).err).toMatch(/^botyard: cannot reach http:\/\/127\.0\.0\.1:9: /);
    expect((await botyard("pull", "--help")).out).toContain("Usage: botyard pull <bot> [dir]");
    // A wrong command line: one line and the command's help, exit 2 (as every botyard command answers it).
    const unknown = await botyard("push", "--force");
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/^botyard: Unknown option '--force'\n\nUsage: botyard push /);
    const noBot = await botyard("pull");
    expect(noBot.code).toBe(2);
    expect(noBot.err).toMatch(/^botyard: name the bot to pull\n\nUsage: botyard pull <bot> \[dir\]/);
    expect(await botyard("pull", "a", "b", "c")).toMatchObject({ code: 2, err: expect.stringMatching(/^botyard: Unexpected argument 'c'\n\nUsage: botyard pull /) });
    expect(await botyard("logs", "a", "b")).toMatchObject({ code: 2, err: expect.stringMatching(/^botyard: Unexpected argument 'b'\n\nUsage: botyard logs /) });
    expect(await botyard("logs", "a", "--interval", "0")).toMatchObject({ code: 2, err: expect.stringMatching(/^botyard: --interval must be a positive number of seconds, got '0'\n/) });
  });

  it("pulls a bot into the repository format and pushes edits back, asking before it deletes", async () => {
    const { user, api } = await signUpClient(t.app);
    await botyard("login", "--server", server, `--api-key=${user.apiKey}`);
    const bot = await createBot(api, { name: "Corner shop" });
    await t.platform.interop.content.replace(bot.id, await storeBotContent(storeBotOf(6)!));
    await api.post(`/v2/bots/${bot.id}/libs`, { lib_id: "Random" });
    const dir = join(work, "shop");

    const pulled = await botyard("pull", "Corner shop", dir);
    expect(pulled.code, pulled.err).toBe(0);
    expect(existsSync(join(dir, "commands", "Shop", "_catalog.js"))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, ".botyard.json"), "utf8"))).toEqual({ server, bot_id: bot.id });
    const sameContent = async () => {
      const local = readRepository(await readFolderFiles(dir)).content;
      const remote = await t.platform.interop.content.read(bot.id);
      const sorted = (content: typeof local) => ({ ...content, commands: [...content.commands].sort((a, b) => a.command.localeCompare(b.command)) });
      expect(sorted(local)).toEqual(sorted(remote));
    };
    await sameContent();
    expect((await botyard("push", dir)).out).toBe("Corner shop already matches " + dir);

    // Edit: change an answer, add a command in a new folder, delete a command.
    const start = join(dir, "commands", "_start.js");
    writeFileSync(start, readFileSync(start, "utf8").replace("Welcome to the demo shop!", "Welcome back!"));
    writeFileSync(join(dir, "commands", "_hours.js"), "/*CMD\n  command: /hours\n  folder: Info\n  answer: Open 9-18\nCMD*/\n");
    unlinkSync(join(dir, "commands", "Admin", "_orders.js"));

    const refused = await botyard("push", dir);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain("DELETE 1 command(s): /orders");
    expect(refused.out).toContain("create 1 command(s): /hours");
    expect(refused.out).toContain("update 1 command(s): /start");
    expect(refused.err).toBe("botyard: nothing pushed; the push would delete commands (confirm, or pass --yes)");
    expect((await api.get(`/v2/bots/${bot.id}/commands?q=orders`)).json()).toHaveLength(1);
    expect((await botyard("push", dir, "--dry-run")).code).toBe(0);

    const pushed = await botyard("push", dir, "--yes");
    expect(pushed.code, pushed.err).toBe(0);
    await sameContent();
    expect((await api.get(`/v2/bots/${bot.id}/commands?q=hours`)).json()[0]).toMatchObject({ answer: "Open 9-18", commands_folder: { title: "Info" } });

    // A broken file stops the push before anything changes.
    writeFileSync(join(dir, "commands", "_broken.js"), "/*CMD\n  command: /broken\n  need_reply: perhaps\nCMD*/\n");
    writeFileSync(start, readFileSync(start, "utf8").replace("Welcome back!", "Changed again"));
    const broken = await botyard("push", dir, "--yes");
    expect(broken.code).toBe(1);
    expect(broken.err).toBe('botyard: nothing pushed; fix these first:\n  commands/_broken.js line 3: need_reply must be true, false or empty, not "perhaps"');
    expect((await api.get(`/v2/bots/${bot.id}/commands?q=start`)).json()[0].answer).toBe("Welcome back! Browse the catalog and order in two taps.");
  });

  it("round-trips through pull then push: another bot gets the same commands, folders and libraries", async () => {
    const { user, api } = await signUpClient(t.app);
    await botyard("login", `--api-key=${user.apiKey}`, "--server", server);
    const source = await createBot(api, { name: "Source" });
    await t.platform.interop.content.replace(source.id, await storeBotContent(storeBotOf(4)!));
    await api.post(`/v2/bots/${source.id}/commands_folders`, { title: "Spare" });
    await api.post(`/v2/bots/${source.id}/libs`, { lib_id: "DateTimeFormat" });
    const target = await createBot(api, { name: "Target" });
    await api.post(`/v2/bots/${target.id}/commands`, { command: "/old", answer: "goes away" });
    const dir = join(work, "trip");
    expect((await botyard("pull", String(source.id), dir)).code).toBe(0);
    const pushed = await botyard("push", dir, "--bot", "Target", "--yes");
    expect(pushed.code, pushed.err).toBe(0);
    expect(pushed.out).toContain("DELETE 1 command(s): /old");
    const sorted = async (botId: number) => {
      const content = await t.platform.interop.content.read(botId);
      return { ...content, commands: content.commands.sort((a, b) => a.command.localeCompare(b.command)) };
    };
    expect(await sorted(target.id)).toEqual(await sorted(source.id));
    expect((await botyard("push", join(work, "missing"))).err).toBe(`botyard: ${join(work, "missing")} does not exist`);
  });

  it("prints the error log, and follows it as a process until stopped", async () => {
    const { user, api } = await signUpClient(t.app);
    await botyard("login", "--server", server, `--api-key=${user.apiKey}`);
    const bot = await createBot(api, { name: "Faulty" });
    await t.platform.errorLog.record(bot.id, { message: "first failure", command_name: "/start", command_id: 1 });
    expect((await botyard("logs", "Faulty")).out).toMatch(/^\S+Z {2}\/start {2}first failure$/);
    expect((await botyard("logs", "nobody")).err).toBe("botyard: no bot named nobody");

    // As people run it: bin/botyard.js over the build (npm test builds first).
    const child = spawn(process.execPath, ["--no-node-snapshot", "bin/botyard.js", "logs", String(bot.id), "--follow", "--interval", "0.1"], {
      cwd: root,
      env: { ...process.env, XDG_CONFIG_HOME: config },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    await expect.poll(() => output, { timeout: 30_000 }).toContain("first failure");
    await t.platform.errorLog.record(bot.id, { message: "second failure" });
    await expect.poll(() => output, { timeout: 15_000 }).toContain("second failure");
    const exited = new Promise<number | null>((done) => child.once("exit", done));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(output.match(/first failure/g)).toHaveLength(1);
  }, 60_000);
});
