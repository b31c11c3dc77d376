import { describe, expect, it, vi } from "vitest";
import { engines, usePlatform } from "../support/platform.js";
import { createBot, signUpClient, type ApiClient } from "../support/bots.js";
import { useLoopbackServer } from "../support/loopback.js";
import { INTERRUPTED } from "../../src/interop/tasks.js";

/** Sheets served on 127.0.0.1 by path; `/held` answers only when released. */
function useSheetServer(sheets: Record<string, string | Buffer>) {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  const server = useLoopbackServer(async (request, _body, response) => {
    if (request.url === "/held") await held;
    const sheet = sheets[request.url ?? ""];
    if (sheet === undefined) response.writeHead(404).end("no such sheet");
    else response.writeHead(200, { "content-type": "text/csv" }).end(sheet);
  });
  return { url: (path: string) => `${server.url}${path}`, release: () => release() };
}

const goodSheet = [
  "Command,Help,Aliases,Answer,Keyboard,need_reply,Scenarios,runtime_mode,folder",
  '/start,Start here,"Hi, HELLO","Welcome!\\nGlad you came","Menu, Help\\nAbout",false,,fast,',
  "/menu,Main menu,menu,Pick one,,,,,Main",
  '/ask,,,"What is your name?",,TRUE,"User.setProp(""name"", message);",,Main',
  ",,,,,,,,",
].join("\n");

const mixedSheet = [
  "command,answer,keyboard,need_reply,auto_retry,scenarios",
  "/good,Fine,,,,",
  "/retry,,,,soon,Bot.sendMessage('x')",
  "/keys,,A\\nB,,,",
  "/reply,Ok,,maybe,,",
  "/good,Again,,,,",
  "/later,Later,,,,",
  ",An answer without its command,,,,",
].join("\n");

async function finished(api: ApiClient, botId: number, taskId: number, t: { platform: { interop: { idle(): Promise<void> } } }) {
  await t.platform.interop.idle();
  const response = await api.get(`/v2/bots/${botId}/csv_import/${taskId}`);
  expect(response.statusCode).toBe(200);
  return response.json();
}

describe.each(engines())("CSV import on %s", (engine) => {
  // The sheets are served on loopback, which the platform reaches only when allowed.
  const t = usePlatform(engine, { IMPORT_ALLOW_PRIVATE_URLS: "true" });
  /** Posts a sheet as a text/csv body. */
  const sendSheet = async (api: ApiClient, botId: number, sheet: string) =>
    t.app.inject({ method: "POST", url: `/v2/bots/${botId}/csv_import?api_key=${await apiKeyOf(api)}`, headers: { "content-type": "text/csv" }, payload: sheet });
  const sheets = useSheetServer({
    "/good.csv": goodSheet,
    "/held": "command,answer\n/slow,Slow",
    "/nul.csv": "command,answer\n/p1,ok\n/p2,a\u0000b\n/p3,ok\n",
    "/latin1.csv": Buffer.from("command,answer\n/caf\u00e9,x\n", "latin1"),
  });

  it("imports a sheet from a URL as a task: columns by header name, folders, flags, counters", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const started = await api.post(`/v2/bots/${bot.id}/csv_import`, { csv_url: sheets.url("/good.csv") });
    expect(started.statusCode).toBe(202);
    expect(started.json()).toEqual({ id: expect.any(Number), status: "pending" });
    const task = await finished(api, bot.id, started.json().id, t);
    expect(task).toMatchObject({ status: "done", total: 3, processed: 3, created: 3, updated: 0, removed: 0, skipped: 0, errors: [], error: null });
    expect(task.started_at).not.toBeNull();
    expect(task.finished_at).not.toBeNull();

    const commands = (await api.get(`/v2/bots/${bot.id}/commands`)).json();
    const start = commands.find((c: { command: string }) => c.command === "/start");
    expect(start).toMatchObject({ help: "Start here", answer: "Welcome!\\nGlad you came", keyboard_body: "Menu, Help\\nAbout", need_reply: false, created_via_csv_import: true, commands_folder: null });
    expect(start.last_csv_import_at).toBe(new Date(t.clock.now()).toISOString());
    expect(start.aliases.map((a: { command: string }) => a.command)).toEqual(["hi", "hello"]);
    const ask = commands.find((c: { command: string }) => c.command === "/ask");
    expect(ask).toMatchObject({ need_reply: true, code: 'User.setProp("name", message);', commands_folder: { title: "Main" } });
    expect(commands).toHaveLength(3);
  });

  it("reports bad rows by number and still lands the good ones, from a text/csv body", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const started = await api.call("POST", `/v2/bots/${bot.id}/csv_import`, undefined);
    expect(started.statusCode).toBe(422);
    expect(started.json()).toEqual({ errors: ["The bot has no csv_url: give csv_url or a text/csv body"] });
    // A sheet as a JSON string is not the text/csv body.
    const asJson = await t.app.inject({
      method: "POST",
      url: `/v2/bots/${bot.id}/csv_import?api_key=${await apiKeyOf(api)}`,
      headers: { "content-type": "application/json" },
      payload: JSON.stringify("command,answer\n/j,hi\n"),
    });
    expect(asJson.statusCode).toBe(422);
    expect(asJson.json()).toEqual({ errors: ["Body must be a JSON object {csv_url}, or the CSV itself sent as text/csv"] });
    expect((await api.get(`/v2/bots/${bot.id}/commands`)).json()).toEqual([]);

    const response = await sendSheet(api, bot.id, mixedSheet);
    expect(response.statusCode).toBe(202);
    const task = await finished(api, bot.id, response.json().id, t);
    expect(task).toMatchObject({ status: "done", total: 7, processed: 7, created: 3, skipped: 4 });
    expect(task.errors).toEqual([
      { row: 3, error: "Auto retry time must be a positive whole number of seconds" },
      { row: 5, error: 'need_reply must be true, false or blank, not "maybe"' },
      { row: 6, error: "command /good is already in row 2; this row is skipped" },
      { row: 8, error: "the command cell is blank; this row is skipped" },
    ]);
    const names = (await api.get(`/v2/bots/${bot.id}/commands`)).json().map((c: { command: string }) => c.command);
    // A keyboard without an answer is accepted, as Bots.Business's API accepts it.
    expect(names).toEqual(["/good", "/keys", "/later"]);
  });

  it("ends a hostile sheet as a task with its errors, never a 5xx: broken quotes, NUL, a BOM, a huge cell, no command column", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const sheets = [
      'command,answer\n/a,"never closed',
      "command,answer\n/nul\u0000,a\u0000b",
      "\uFEFFcommand,answer\n/bom,ok",
      `command,answer\n/big,${"x".repeat(900_000)}`,
      "answer,help\nno command here,x",
      "\r\n\r\n\r\n",
      'command,answer\n"/q""uote",",,,"\n/\u202eevil,😀',
    ];
    for (const sheet of sheets) {
      const response = await sendSheet(api, bot.id, sheet);
      expect(response.statusCode, sheet.slice(0, 30)).toBeLessThan(500);
      if (response.statusCode !== 202) continue;
      const task = await finished(api, bot.id, response.json().id, t);
      expect(["done", "failed"], sheet.slice(0, 30)).toContain(task.status);
    }
    expect((await api.get(`/v2/bots/${bot.id}/commands`)).statusCode).toBe(200);

    // Row after row the reader cannot read (each one cost it more): past 100, the sheet is refused whole.
    const broken = await sendSheet(api, bot.id, "command,bjs_code\n" + '"a"b\n'.repeat(40_000));
    const refused = await finished(api, bot.id, broken.json().id, t);
    expect(refused).toMatchObject({ status: "failed", error: expect.stringMatching(/^The CSV has more than 100 rows that cannot be read \(the first is row 2: Invalid Closing Quote/) });
  });

  it("lets other work run while a long sheet imports (on SQLite a 10,000-row sheet held every request until it ended)", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const sheet = ["command,answer", ...Array.from({ length: 200 }, (_, i) => `/row${i},a`)].join("\n");
    const started = await sendSheet(api, bot.id, sheet);
    // One turn of the event loop: an import that never gives it up has ended by then.
    await new Promise((resolve) => setImmediate(resolve));
    const meanwhile = await t.platform.interop.tasks.byId(bot.id, started.json().id, "csv_import");
    expect(meanwhile?.processed).toBeLessThan(200);
    expect(await finished(api, bot.id, started.json().id, t)).toMatchObject({ status: "done", created: 200 });
  });

  it("upserts by name on a repeat: updates the sheet's columns only, removes what an import made and the sheet dropped, keeps hand-made commands", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api, { csv_url: sheets.url("/good.csv") });
    await api.post(`/v2/bots/${bot.id}/commands`, { command: "/menu", answer: "hand-made" });
    await api.post(`/v2/bots/${bot.id}/commands`, { command: "/own", answer: "mine", help: "Mine", aliases: "o", bjs_code: "Bot.sendMessage('own')", need_reply: true, auto_retry_time: 60 });
    // From the bot's csv_url.
    const first = await finished(api, bot.id, (await api.post(`/v2/bots/${bot.id}/csv_import`)).json().id, t);
    expect(first).toMatchObject({ status: "done", created: 2, updated: 1 });

    const next = "command,answer,keyboard\n/start,Hello again,\n/own,still mine,";
    const again = await sendSheet(api, bot.id, next);
    const second = await finished(api, bot.id, again.json().id, t);
    expect(second).toMatchObject({ status: "done", created: 0, updated: 2, removed: 1 });
    const commands = (await api.get(`/v2/bots/${bot.id}/commands`)).json();
    expect(commands.map((c: { command: string }) => c.command).sort()).toEqual(["/menu", "/own", "/start"]);
    const byName = (name: string) => commands.find((c: { command: string }) => c.command === name);
    // An empty cell clears its value; a column the sheet lacks leaves it (a sheet of answers keeps the code).
    expect(byName("/start")).toMatchObject({ answer: "Hello again", help: "Start here", keyboard_body: null, created_via_csv_import: true });
    expect(byName("/start").aliases.map((a: { command: string }) => a.command)).toEqual(["hi", "hello"]);
    expect(byName("/own")).toMatchObject({ answer: "still mine", help: "Mine", code: "Bot.sendMessage('own')", need_reply: true, auto_retry_time: 60, created_via_csv_import: false });
    expect(byName("/own").aliases.map((a: { command: string }) => a.command)).toEqual(["o"]);
    const cleared = await finished(api, bot.id, (await sendSheet(api, bot.id, "command,aliases,scenarios,need_reply\n/own,,,\n/start,,,")).json().id, t);
    expect(cleared).toMatchObject({ status: "done", updated: 2, removed: 0 });
    const own = (await api.get(`/v2/bots/${bot.id}/commands`)).json().find((c: { command: string }) => c.command === "/own");
    expect(own).toMatchObject({ answer: "still mine", code: null, need_reply: false, aliases: [] });
    expect(byName("/menu")).toMatchObject({ answer: "Pick one", created_via_csv_import: false });
  });

  it("removes nothing when a row could not be read, since that row may name a command; each such row counted once", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const importText = async (sheet: string) => {
      const response = await sendSheet(api, bot.id, sheet);
      return finished(api, bot.id, response.json().id, t);
    };
    expect(await importText("command,answer\n/keep,hello\n/other,x")).toMatchObject({ status: "done", created: 2 });
    // A quote opened mid-cell in two cells of row 2: the reader cannot tell that row's command.
    const broken = await importText('command,answer,help\n/keep,say "hi",and "more"\n/other,y,');
    expect(broken).toMatchObject({ status: "done", total: 1, updated: 1, removed: 0, skipped: 1 });
    expect(broken.errors).toEqual([{ row: 2, error: expect.stringContaining("Quote") }]);
    const commands = (await api.get(`/v2/bots/${bot.id}/commands`)).json();
    expect(commands.map((c: { command: string }) => c.command).sort()).toEqual(["/keep", "/other"]);
  });

  it("runs a bot's imports one after another, so the last sheet sent is what the bot ends with", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const long = await sendSheet(api, bot.id, ["command,answer", ...Array.from({ length: 300 }, (_, i) => `/r${i},x`)].join("\n"));
    const short = await sendSheet(api, bot.id, "command,answer\n/only,x");
    const first = await finished(api, bot.id, long.json().id, t);
    const second = await finished(api, bot.id, short.json().id, t);
    expect(first).toMatchObject({ status: "done", created: 300, removed: 0 });
    expect(second).toMatchObject({ status: "done", created: 1, removed: 300 });
    const commands = (await api.get(`/v2/bots/${bot.id}/commands`)).json();
    expect(commands.map((c: { command: string }) => c.command)).toEqual(["/only"]);
  });

  it("ends quietly when the bot is deleted while its sheet imports", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    // Long enough to be still running when the bot is deleted.
    const sheet = ["command,answer", ...Array.from({ length: 3000 }, (_, i) => `/row${i},a`)].join("\n");
    const errors: unknown[] = [];
    const spy = vi.spyOn(t.platform.log, "error").mockImplementation((...args: unknown[]) => void errors.push(args));
    try {
      const started = await sendSheet(api, bot.id, sheet);
      expect(started.statusCode).toBe(202);
      await vi.waitFor(async () => expect((await t.platform.interop.tasks.byId(bot.id, started.json().id, "csv_import"))?.processed).toBeGreaterThan(0));
      expect((await api.delete(`/v2/bots/${bot.id}`)).statusCode).toBe(200);
      await t.platform.interop.idle();
    } finally {
      spy.mockRestore();
    }
    expect(errors).toEqual([]);
  });

  it("fails the task with a clear reason for a sheet it cannot use, and shows it running meanwhile", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const missing = await finished(api, bot.id, (await api.post(`/v2/bots/${bot.id}/csv_import`, { csv_url: sheets.url("/nope.csv") })).json().id, t);
    expect(missing).toMatchObject({ status: "failed", error: "The CSV url answered HTTP 404" });
    // Held to what a text/csv body is: nothing of such a sheet is imported.
    const nul = await finished(api, bot.id, (await api.post(`/v2/bots/${bot.id}/csv_import`, { csv_url: sheets.url("/nul.csv") })).json().id, t);
    expect(nul).toMatchObject({ status: "failed", error: "The CSV url's sheet must not contain NUL characters" });
    const latin1 = await finished(api, bot.id, (await api.post(`/v2/bots/${bot.id}/csv_import`, { csv_url: sheets.url("/latin1.csv") })).json().id, t);
    expect(latin1).toMatchObject({ status: "failed", error: "The CSV url's sheet is not valid UTF-8: save or publish it as UTF-8" });
    expect((await api.get(`/v2/bots/${bot.id}/commands`)).json()).toEqual([]);
    const headerless = await sendSheet(api, bot.id, "name,answer\n/x,y");
    expect(await finished(api, bot.id, headerless.json().id, t)).toMatchObject({
      status: "failed",
      error: "The CSV has no command column: row 1 must name the columns (command, help, aliases, answer, keyboard)",
    });

    const slow = (await api.post(`/v2/bots/${bot.id}/csv_import`, { csv_url: sheets.url("/held") })).json();
    await expect.poll(async () => (await api.get(`/v2/bots/${bot.id}/csv_import/${slow.id}`)).json().status).toBe("running");
    sheets.release();
    expect(await finished(api, bot.id, slow.id, t)).toMatchObject({ status: "done", created: 1 });

    const stranger = await signUpClient(t.app);
    expect((await stranger.api.get(`/v2/bots/${bot.id}/csv_import/${slow.id}`)).json()).toEqual({ error: "Bot not found" });
    const other = await createBot(stranger.api);
    expect((await stranger.api.get(`/v2/bots/${other.id}/csv_import/${slow.id}`)).json()).toEqual({ error: "Task not found" });
  });

  it("ends a task a restart cut short as failed, with the reason", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const task = await t.platform.interop.tasks.create(bot.id, "csv_import");
    await t.platform.interop.tasks.start(task.id);
    expect(await t.platform.interop.recoverInterrupted()).toBe(1);
    expect((await api.get(`/v2/bots/${bot.id}/csv_import/${task.id}`)).json()).toMatchObject({ status: "failed", error: INTERRUPTED });
  });
});

async function apiKeyOf(api: ApiClient): Promise<string> {
  return (await api.get("/v2/user")).json().api_key;
}
