import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { directTransport, EmulatorClient, startEmulator, type BotHandle, type ChatHandle, type RunningEmulator } from "../../src/telegram/emulator/index.js";
import { redisUrl } from "../support/redis.js";
import { freePort, ServeProcess } from "../support/serve-process.js";

const CHATS = 200;
const UPDATES_PER_CHAT = 5;
const RECIPIENTS = 2000;
const SCHEDULED = 200;
/** Scheduled runs each "/sched" update asks for. */
const RUNS_PER_SCHED = 50;
/** Handled updates after which a worker is killed. */
const KILL_AFTER_REPLIES = 400;

/** What D's run journal writes to a bot's error log for a send whose answer was lost (src/runtime/run-journal.ts). */
const AMBIGUOUS = /^sendMessage may not have been delivered/;

/**
 * Scale-out as it runs in production: one `botyard api` and two `botyard worker` processes of
 * the built project on one PostgreSQL database and one Redis (keys under a prefix of their
 * own), bots in webhook mode whose updates the emulator posts to the api. 1,000 updates over
 * 200 chats (each reply names its update, so order per chat shows in what the emulator got), a
 * 2,000-recipient broadcast and 200 scheduled runs, with one worker killed (SIGKILL) midway.
 * Every update is answered once and in order, every recipient has one message, every run
 * happened once; the only exceptions allowed are the sends the platform itself recorded as
 * ambiguous in the bot's error log (a send whose answer died with its worker is not made twice),
 * at most as many as the killed worker could have had in flight.
 */
describe.runIf(inject("postgresUrl"))("one api and two workers on PostgreSQL and Redis", () => {
  const prefix = `scale-${randomBytes(4).toString("hex")}`;
  const database = `botyard_scale_${randomBytes(4).toString("hex")}`;
  const processes: ServeProcess[] = [];
  let emulator: RunningEmulator;
  let admin: pg.Client;
  let db: pg.Client;
  let apiUrl = "";
  const env: Record<string, string> = {};

  beforeAll(async () => {
    emulator = await startEmulator({ limits: { enabled: false } });
    const serverUrl = inject("postgresUrl");
    admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    db = new pg.Client({ connectionString: url.toString() });
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    Object.assign(env, {
      DATABASE_URL: url.toString(),
      REDIS_URL: redisUrl(),
      REDIS_PREFIX: prefix,
      SECRET_KEY: "scale-out-test",
      PORT: String(port),
      HOST: "127.0.0.1",
      PUBLIC_URL: apiUrl,
      TELEGRAM_API_ROOT: emulator.apiRoot,
      TELEGRAM_LIMITS: "off",
      LOG_LEVEL: "warn",
      BJS_ISOLATES: "1",
      // A killed worker's jobs are taken again about 3 s after it died, its updates 4 s after.
      JOB_LEASE_MS: "3000",
      UPDATE_VISIBILITY_MS: "8000",
    });
  });

  afterAll(async () => {
    processes.forEach((process) => process.child.kill("SIGKILL"));
    await emulator?.close();
    await db?.end().catch(() => {});
    await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin?.end();
    const redis = new Redis(redisUrl());
    for (let cursor = "0"; ; ) {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      if ((cursor = next) === "0") break;
    }
    redis.disconnect();
  });

  /** Starts a process of `role` (a worker on a port of its own) and waits until it is ready. */
  async function start(role: "api" | "worker"): Promise<{ process: ServeProcess; url: string }> {
    const port = role === "api" ? Number(env.PORT) : await freePort();
    const process = new ServeProcess({ ...env, ...(role === "worker" && { WORKER_PORT: String(port) }) }, { role });
    processes.push(process);
    const url = `http://127.0.0.1:${port}`;
    await process.up(url, "/readyz");
    return { process, url };
  }

  /** An API call through the api process; a non-2xx answer throws with its body. */
  async function call(method: string, path: string, apiKey?: string, body?: unknown): Promise<any> {
    const url = `${apiUrl}${path}${apiKey ? `${path.includes("?") ? "&" : "?"}api_key=${apiKey}` : ""}`;
    const response = await fetch(url, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  }

  /** An owner with a bot of these commands, started (webhook at the api); answers its id and api key. */
  async function startedBot(telegram: BotHandle, commands: Record<string, string>): Promise<{ id: number; apiKey: string }> {
    const owner = await call("POST", "/v2/auth", undefined, { email: `${telegram.username}@example.com`, password: "correct horse battery" });
    const apiKey = owner.data.api_key as string;
    const { id } = await call("POST", "/v2/bots", apiKey, { name: telegram.username, token: telegram.token });
    for (const [command, bjs_code] of Object.entries(commands)) await call("POST", `/v2/bots/${id}/commands`, apiKey, { command, bjs_code });
    await call("POST", `/v2/bots/${id}/status`, apiKey, { status: "start_launch" });
    expect((await call("GET", `/v2/bots/${id}`, apiKey)).status).toBe("works");
    return { id, apiKey };
  }

  /** The sum of a metric's samples in a Prometheus text answer (0 when it has none). */
  const sumOf = (text: string, metric: string) =>
    text.split("\n").filter((line) => line.startsWith(`${metric}{`) || line.startsWith(`${metric} `)).reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);

  /** The texts a bot sent to a chat, in the order the emulator got them. */
  const botTexts = async (chat: ChatHandle) => (await chat.history()).filter((message) => message.from?.is_bot).map((message) => message.text ?? "");

  it("answers every update once and in order, reaches every recipient once and runs every scheduled run once, across a killed worker", { timeout: 360_000 }, async () => {
    const client = new EmulatorClient(directTransport(emulator.control));
    const [api, ...workers] = await Promise.all([start("api"), start("worker"), start("worker")]);

    // Each role serves what it is for: the worker no API, each its own metrics, labelled.
    expect((await fetch(`${workers[0]!.url}/v2/plans`)).status).toBe(404);
    expect(await (await fetch(`${api.url}/metrics`)).text()).toContain('role="api"');
    expect(await (await fetch(`${workers[0]!.url}/metrics`)).text()).toContain('role="worker"');

    const talkBot = await client.registerBot({ username: "scale_talk_bot" });
    const newsBot = await client.registerBot({ username: "scale_news_bot" });
    const clockBot = await client.registerBot({ username: "scale_clock_bot" });
    const talk = await startedBot(talkBot, { "*": 'Bot.sendMessage("re " + message)' });
    const news = await startedBot(newsBot, { "/news": 'Bot.sendMessage("news")' });
    const clock = await startedBot(clockBot, {
      "/sched": `for (var i = 0; i < ${RUNS_PER_SCHED}; i++) Bot.run({ command: "/tick", run_after: 1, options: { n: Number(params) * ${RUNS_PER_SCHED} + i } });`,
      "/tick": 'Bot.sendMessage("tick " + options.n)',
    });

    // The broadcast's recipients: chats at the emulator, and the bot's rows for them.
    const recipients: ChatHandle[] = [];
    for (let i = 0; i < RECIPIENTS; i++) recipients.push(await (await client.createUser({ first_name: `R${i}` })).privateChat(newsBot));
    await db.connect();
    const now = new Date().toISOString();
    for (let i = 0; i < RECIPIENTS; i += 500) {
      const rows = recipients.slice(i, i + 500).map((chat) => [news.id, String(chat.id), now]);
      await db.query(
        `INSERT INTO chats (bot_id, chatid, chat_type, blocked, created_at, updated_at) SELECT b, c, 'private', 0, t, t FROM unnest($1::bigint[], $2::text[], $3::text[]) AS x(b, c, t)`,
        [rows.map((row) => row[0]), rows.map((row) => row[1]), rows.map((row) => row[2])],
      );
    }

    const talkers = await Promise.all(Array.from({ length: CHATS }, async (_, i) => {
      const user = await client.createUser({ first_name: `T${i}` });
      return { user, chat: await user.privateChat(talkBot) };
    }));
    const scheduler = await client.createUser({ first_name: "Scheduler" });
    const schedulerChat = await scheduler.privateChat(clockBot);

    // Everything at once: the broadcast, the scheduled runs and the updates, in order per chat.
    const broadcast = await call("POST", `/v2/bots/${news.id}/broadcasts`, news.apiKey, { command: "/news", for_chats: "all" });
    for (let i = 0; i < SCHEDULED / RUNS_PER_SCHED; i++) await scheduler.command(schedulerChat, "sched", String(i));
    for (let n = 1; n <= UPDATES_PER_CHAT; n++) for (const { user, chat } of talkers) await user.sendText(chat, String(n));

    const replies = () => emulator.emulator.counters.calls.sendMessage ?? 0;
    await vi.waitFor(() => expect(replies()).toBeGreaterThanOrEqual(KILL_AFTER_REPLIES), { timeout: 60_000, interval: 20 });
    expect(await workers[0]!.process.end("SIGKILL")).toBe(null);
    // The killed worker's sends in flight (and a few of the other's, about to be marked sent): no more can be ambiguous.
    const inFlight = Number((await db.query("SELECT count(*) FROM run_outbox WHERE status = 'sending' AND kind = 'telegram'")).rows[0].count);

    // What the platform recorded as ambiguous: sends skipped rather than made twice.
    const ambiguous = async (botId: number) =>
      (await db.query<{ message: string }>("SELECT message FROM error_logs WHERE bot_id = $1", [botId])).rows.filter((row) => AMBIGUOUS.test(row.message)).length;
    const task = () => call("GET", `/v2/bots/${news.id}/broadcasts`, news.apiKey).then((tasks: { id: number; status: string }[]) => tasks.find((t) => t.id === broadcast.id)!);

    const talkTexts = () => Promise.all(talkers.map(({ chat }) => botTexts(chat)));
    await vi.waitFor(
      async () => {
        const answered = (await talkTexts()).reduce((sum, texts) => sum + texts.length, 0);
        expect(answered + (await ambiguous(talk.id))).toBeGreaterThanOrEqual(CHATS * UPDATES_PER_CHAT);
        expect((await task()).status).toBe("finished");
        expect((await botTexts(schedulerChat)).length + (await ambiguous(clock.id))).toBeGreaterThanOrEqual(SCHEDULED);
      },
      { timeout: 240_000, interval: 500 },
    );

    // What the emulator got: per chat the replies to its updates, per recipient the broadcast, the scheduled runs.
    const perChat = await talkTexts();
    const expected = Array.from({ length: UPDATES_PER_CHAT }, (_, i) => `re ${i + 1}`);
    const perRecipient = await Promise.all(recipients.map(async (chat) => (await botTexts(chat)).length));
    const ticks = (await botTexts(schedulerChat)).map((text) => Number(text.slice(5)));
    const missing = {
      talk: perChat.reduce((sum, texts) => sum + expected.filter((text) => !texts.includes(text)).length, 0),
      news: perRecipient.filter((count) => count === 0).length,
      clock: SCHEDULED - new Set(ticks).size,
    };
    const recorded = { talk: await ambiguous(talk.id), news: await ambiguous(news.id), clock: await ambiguous(clock.id) };
    console.log(`scale-out: ${replies()} messages; missing ${JSON.stringify(missing)}, recorded as ambiguous ${JSON.stringify(recorded)} of ${inFlight} sends in flight at the kill`);

    // Every update answered once, in order per chat.
    expect(perChat.filter((texts) => texts.some((text, i) => i > 0 && Number(text.slice(3)) <= Number(texts[i - 1]!.slice(3)))), "chats answered out of order").toEqual([]);
    expect(perChat.flat().filter((text) => !expected.includes(text))).toEqual([]);
    // Every recipient one message, every scheduled run once.
    expect(perRecipient.filter((count) => count > 1), "recipients reached twice").toEqual([]);
    expect(ticks.filter((n, i) => ticks.indexOf(n) !== i), "scheduled runs made twice").toEqual([]);
    // What is missing was recorded as ambiguous, and no more than the sends in flight at the kill.
    expect(recorded.talk + recorded.news + recorded.clock).toBeLessThanOrEqual(inFlight);
    expect(missing.talk).toBeLessThanOrEqual(recorded.talk);
    expect(missing.news).toBeLessThanOrEqual(recorded.news);
    expect(missing.clock).toBeLessThanOrEqual(recorded.clock);

    // The api only accepted updates; the workers handled them.
    const handled = async (url: string) => sumOf(await (await fetch(`${url}/metrics`)).text(), "botyard_update_handlings_total");
    const received = async (url: string) => sumOf(await (await fetch(`${url}/metrics`)).text(), "botyard_updates_received_total");
    expect(await handled(api.url)).toBe(0);
    expect(await received(api.url)).toBeGreaterThanOrEqual(CHATS * UPDATES_PER_CHAT);
    expect(await handled(workers[1]!.url)).toBeGreaterThan(0);
  });
});
