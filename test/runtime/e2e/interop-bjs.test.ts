import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmbeddedJobQueue } from "../../../src/jobs/embedded-queue.js";
import { useGitRemote } from "../../support/git-remote.js";
import { useLoopbackServer } from "../../support/loopback.js";
import { engines } from "../../support/platform.js";
import { useRuntime, type CommandSpec } from "../../support/runtime.js";

const descriptor = '{\n  "bb_sync_version":"1.0",\n  "name":"FromGit",\n  "csv_url":null\n}';
/** A command file as the repository format writes it. */
const commandFile = (name: string, code: string) => `/*CMD\n  command: ${name}\nCMD*/\n\n${code}\n`;

/**
 * `Bot.importGit`, `Bot.exportGit` and `Bot.importCSV` from BJS (spec/bjs.md item 38): jobs
 * that call the interop services on the bot's own remote or sheet, then run `success` or
 * `error` with the result in `options`; a real git remote and a sheet served over HTTP.
 */
describe.each(engines())("imports and exports from BJS on %s", (engine) => {
  const remote = useGitRemote();
  /** Answers to /slow.csv, held until the test lets them go. */
  const held: (() => void)[] = [];
  const sheets = useLoopbackServer((request, _body, response) => {
    if (request.url === "/slow.csv") held.push(() => response.writeHead(200, { "content-type": "text/csv" }).end("command,answer\n/slow,late\n"));
    else if (request.url === "/commands.csv") response.writeHead(200, { "content-type": "text/csv" }).end('command,answer,need_reply\n/hello,Hello there,false\n/bad,x,maybe\n');
    else response.writeHead(404).end("no sheet");
  });

  const r = useRuntime(engine, { IMPORT_ALLOW_PRIVATE_URLS: "true" });
  beforeAll(() => r.t.platform.jobs.start());
  afterAll(() => r.t.platform.jobs.stop());

  async function setup(commands: CommandSpec[], gitRemote?: string) {
    const bot = await r.bot(commands);
    if (gitRemote) await r.t.platform.bots.store.update(bot.id, { git_remote: gitRemote });
    const user = await r.emulator.client.createUser({ first_name: "Ada" });
    const chat = await user.privateChat(bot.telegram);
    /** Sends the command, lets every job it sets off finish, and answers the bot's new replies. */
    const send = async (text: string) => {
      const before = (await chat.history()).length;
      await user.sendText(chat, text);
      await bot.deliver();
      await (r.t.platform.jobs as EmbeddedJobQueue).idle();
      return (await chat.history()).slice(before).filter((m) => m.from?.is_bot).map((m) => m.text);
    };
    const commandNames = async () => ((await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/commands?api_key=${bot.apiKey}` })).json() as { command: string }[]).map((c) => c.command).sort();
    return { bot, send, commandNames };
  }

  it("exports the bot to its remote and runs success with the branch, the task and the caller's options", async () => {
    remote.createRepo(`export-${engine}`, { "README.md": "old\n" });
    const { bot, send } = await setup(
      [
        { command: "/export", bjs_code: "Bot.exportGit({branch: 'main', success: '/exported', options: {asked: 'ada'}})" },
        { command: "/exported", bjs_code: "Bot.sendMessage([options.branch, options.task.kind, options.task.status, (options.bb_options || {}).asked].join(' '), {parse_mode: null})" },
        { command: "/auto", bjs_code: "Bot.exportGit({success: '/exported'})" },
      ],
      remote.url(`export-${engine}`),
    );
    expect(await send("/export")).toEqual(["main git_export done ada"]);
    const files = remote.files(`export-${engine}`, "main");
    expect(files.get("commands/_export.js")).toContain("Bot.exportGit");
    expect(files.has("bot.json")).toBe(true);
    const log = remote.log(`export-${engine}`, "main", "%s");
    expect(log[0]).toBe(`Bots.Business export for bot id: ${bot.id}`);

    // No branch: a new BB_Export_<unix time> one.
    const [auto] = await send("/auto");
    expect(auto).toBe(`BB_Export_${Math.floor(r.t.clock.now() / 1000)} git_export done `);
    expect(remote.branches(`export-${engine}`)).toContain(`BB_Export_${Math.floor(r.t.clock.now() / 1000)}`);
  });

  it("imports from the remote (the callback comes from the repository), and a broken repository changes nothing and runs error", async () => {
    remote.createRepo(`import-${engine}`, {
      "bot.json": descriptor,
      "commands/_imported.js": commandFile("/imported", "Bot.sendMessage('imported ' + options.task.created + ' ' + options.task.status)"),
      "commands/_fresh.js": commandFile("/fresh", "Bot.sendMessage('fresh')"),
    });
    remote.createRepo(`broken-${engine}`, { "bot.json": descriptor, "commands/bad.js": "/*CMD\n  command: /bad\n  auto_retry_time: soon\nCMD*/\n" });
    const { bot, send, commandNames } = await setup(
      [
        { command: "/import", bjs_code: "Bot.importGit({branch: params || undefined, success: '/imported', error: '/failed'})" },
        { command: "/failed", bjs_code: "Bot.sendMessage('failed: ' + options.error, {parse_mode: null})" },
      ],
      remote.url(`broken-${engine}`),
    );
    const [failure] = await send("/import");
    expect(failure).toMatch(/^failed: commands\/bad\.js.*auto retry time must be a positive whole number/);
    expect(await commandNames()).toEqual(["/failed", "/import"]);
    const errors = (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/error_logs?api_key=${bot.apiKey}` })).json() as { title: string }[];
    expect(errors[0]!.title).toMatch(/^Bot\.importGit failed: commands\/bad\.js/);

    await r.t.platform.bots.store.update(bot.id, { git_remote: remote.url(`import-${engine}`) });
    expect(await send("/import")).toEqual(["imported 2 done"]);
    // Replaced: the repository's commands only.
    expect(await commandNames()).toEqual(["/fresh", "/imported"]);
    expect(await send("/fresh")).toEqual(["fresh"]);
  });

  it("imports a CSV sheet from a URL or the bot's csv_url, reporting bad rows, and runs error when the sheet cannot be read", async () => {
    const { bot, send, commandNames } = await setup([
      { command: "/sheet", bjs_code: `Bot.importCSV({url: '${sheets.url}/' + params, success: '/done', error: '/failed'})` },
      { command: "/configured", bjs_code: "Bot.importCSV({success: '/done', error: '/failed'})" },
      { command: "/done", bjs_code: "var t = options.task; Bot.sendMessage([t.status, t.created, t.updated, t.skipped, t.errors[0].row, t.errors[0].error].join('|'), {parse_mode: null})" },
      { command: "/failed", bjs_code: "Bot.sendMessage('failed: ' + options.error, {parse_mode: null})" },
    ]);
    expect(await send("/sheet commands.csv")).toEqual(['done|1|0|1|3|need_reply must be true, false or blank, not "maybe"']);
    expect(await commandNames()).toContain("/hello");
    expect(await send("/hello")).toEqual(["Hello there"]);

    const [failure] = await send("/sheet missing.csv");
    expect(failure).toMatch(/^failed: .*404/);

    const [none] = await send("/configured");
    expect(none).toBe("failed: The bot has no csv_url: give csv_url or a text/csv body");
    await r.t.platform.bots.store.update(bot.id, { csv_url: `${sheets.url}/commands.csv` });
    expect(await send("/configured")).toEqual(['done|0|1|1|3|need_reply must be true, false or blank, not "maybe"']);
  });

  it("runs a bot's imports one at a time in the queue: waiting ones hold no job slot while a slow one runs", async () => {
    const { bot } = await setup([{ command: "/many", bjs_code: `for (var i = 0; i < 3; i++) Bot.importCSV({url: '${sheets.url}/slow.csv'})` }]);
    const user = await r.emulator.client.createUser({ first_name: "Bo" });
    await user.sendText(await user.privateChat(bot.telegram), "/many");
    await bot.deliver();
    const jobs = r.t.platform.jobs as EmbeddedJobQueue;
    await expect.poll(() => held.length).toBe(1);
    // One running; the other two wait in the queue, not in slots of their own.
    expect((jobs as unknown as { runningIds: Set<number> }).runningIds.size).toBe(1);
    expect((await jobs.pending(bot.id, { limit: 10, offset: 0 })).items).toHaveLength(2);
    for (let answered = 1; answered <= 3; answered++) {
      await expect.poll(() => held.length).toBe(answered);
      held[answered - 1]!();
    }
    await jobs.idle();
  });
});
