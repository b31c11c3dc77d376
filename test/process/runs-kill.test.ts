import { mkdtempSync, rmSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/telegram/emulator/index.js";
import { freePort, serveOnLoopback, type LoopbackServer } from "../support/net.js";
import { engines } from "../support/platform.js";
import { ChildPlatform } from "../support/child-platform.js";

const START_MS = Date.parse("2026-01-15T12:00:00.000Z");

/**
 * Runs that wait survive a SIGKILL of the whole platform process (issue 10): a `Bot.run` 60 s
 * ahead, an auto-retry command, and an HTTP request in flight whose answer the test's server
 * holds while the process dies. After a restart and the clock moved, each runs exactly once.
 */
describe.each(engines())("runs across a killed platform process on %s", (engine) => {
  const dataDir = mkdtempSync(join(tmpdir(), "botyard-runs-kill-"));
  const env: Record<string, string> = { DATA_DIR: dataDir, HOST: "127.0.0.1", BJS_HTTP_ALLOW: "127.0.0.1" };
  const processes: ChildPlatform[] = [];
  let emulator: RunningEmulator;
  let server: LoopbackServer;
  let url = "";
  /** Requests the web API got; while `holding`, it answers none of them. */
  const web = { requests: 0, holding: true, held: [] as ServerResponse[] };

  beforeAll(async () => {
    emulator = await startEmulator({ limits: { enabled: false } });
    server = await serveOnLoopback((_request, _body, response) => {
      web.requests++;
      if (web.holding) web.held.push(response);
      else response.writeHead(200, { "content-type": "text/plain" }).end("fresh");
    });
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // A minute's lease: the dead process's HTTP request is taken again as the scheduled run falls due.
    Object.assign(env, { PORT: String(port), TELEGRAM_API_ROOT: emulator.apiRoot, JOB_LEASE_MS: "60000" });
    if (engine === "postgres") {
      const databaseUrl = inject("postgresUrl");
      const schema = `t_${Math.random().toString(36).slice(2, 12)}`;
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`CREATE SCHEMA ${schema}`);
      await client.end();
      Object.assign(env, { DATABASE_URL: databaseUrl, DB_SCHEMA: schema });
    }
  });
  afterAll(async () => {
    await Promise.all(processes.map((serve) => serve.kill()));
    await server?.close();
    await emulator?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const serve = async () => {
    const started = new ChildPlatform(resolve(import.meta.dirname, "clocked-serve.ts"), { START_MS: String(START_MS), LOG_LEVEL: "error", ...env });
    processes.push(started);
    await started.up();
    return started;
  };
  /** Updates whose handling is not durably done, as another connection sees the inbox. */
  const pendingUpdates = async (): Promise<number> => {
    const count = "select count(*) as n from update_inbox where status = 'pending'";
    if (engine === "sqlite") {
      const inbox = new BetterSqlite3(join(dataDir, "botyard.sqlite"), { readonly: true, fileMustExist: true });
      try {
        return (inbox.prepare(count).get() as { n: number }).n;
      } finally {
        inbox.close();
      }
    }
    const client = new pg.Client({ connectionString: env.DATABASE_URL, options: `-c search_path=${env.DB_SCHEMA}` });
    await client.connect();
    try {
      return Number((await client.query<{ n: string }>(count)).rows[0]!.n);
    } finally {
      await client.end();
    }
  };
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };

  it("runs a scheduled run, an auto retry and an HTTP callback exactly once after a SIGKILL", { timeout: 120_000 }, async () => {
    const first = await serve();
    const apiKey = (await call("POST", "/v2/auth", { email: "kill@example.com", password: "correct horse battery" })).data.api_key as string;
    const tg = await emulator.client.registerBot({ username: `kill_${engine}_bot` });
    const bot = await call("POST", `/v2/bots?api_key=${apiKey}`, { name: "Kill", token: tg.token });
    const user = await emulator.client.createUser({ first_name: "Ada" });
    const chat = await user.privateChat(tg);
    const commands = [
      { command: "/call", bjs_code: `HTTP.get({url: '${server.url}/slow', success: '/got'})` },
      { command: "/got", bjs_code: "Bot.sendMessage('got ' + content)" },
      { command: "/remind", bjs_code: "Bot.run({command: '/ring', run_after: 60})" },
      { command: "/ring", bjs_code: "Bot.sendMessage('ring')" },
      { command: "/tick", bjs_code: `Bot.sendMessage({chat_id: ${chat.id}, text: 'tick'})`, auto_retry_time: 100 },
    ];
    for (const command of commands) await call("POST", `/v2/bots/${bot.id}/commands?api_key=${apiKey}`, command);
    expect((await call("POST", `/v2/bots/${bot.id}/status?api_key=${apiKey}`, { status: "start_launch" })).status).toBe("works");

    // /call first: once /remind's run is scheduled, /call's update was handled (one chat's updates go in order).
    await user.command(chat, "call");
    await user.command(chat, "remind");
    const scheduled = async () => ((await call("GET", `/v2/bots/${bot.id}/scheduled_runs?api_key=${apiKey}`)) as { trigger: string }[]).map((run) => run.trigger).sort();
    await vi.waitFor(async () => expect(await scheduled()).toEqual(["auto_retry", "scheduled"]), { timeout: 20_000, interval: 50 });
    await vi.waitFor(() => expect(web.requests).toBe(1), { timeout: 20_000, interval: 10 });
    // The kill is for the jobs: an update still marked pending (its run ended, its done mark not
    // yet committed) is handled again after it, at least once on SQLite (restart.test.ts), and
    // /remind run twice schedules a second /ring.
    await vi.waitFor(async () => expect(await pendingUpdates()).toBe(0), { timeout: 20_000, interval: 20 });
    await first.kill();
    web.held.splice(0).forEach((response) => response.destroy());
    web.holding = false;

    const second = await serve();
    const texts = async () => (await chat.history()).filter((message) => message.from?.is_bot).map((message) => message.text);
    await second.ask({ advance: 59_999 });
    expect(await texts()).toEqual([]);
    // The run falls due, and so does the end of the dead process's lease on the HTTP request.
    await second.ask({ advance: 1 });
    expect((await texts()).sort()).toEqual(["got fresh", "ring"]);
    // The request itself was made again (at least once); its callback ran once.
    expect(web.requests).toBe(2);
    await second.ask({ advance: 40_000 });
    expect((await texts()).sort()).toEqual(["got fresh", "ring", "tick"]);
    await second.ask({ advance: 99_999 });
    expect(await texts()).toHaveLength(3);
    await second.ask({ advance: 1 });
    expect((await texts()).filter((text) => text === "tick")).toHaveLength(2);
    expect(await scheduled()).toEqual(["auto_retry"]);
  });
});
