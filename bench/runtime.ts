/**
 * A started bot, end to end through the Telegram emulator (webhook mode, SQLite), beside a
 * hand-written grammY bot doing the same work against the same emulator: a `/start` that
 * reads and writes one user property and sends one message.
 *
 * It prints, for each: updates/s with 1 chat and with 1,000 chats (updates sent as fast as
 * the emulator takes them, until every reply has arrived), and p50/p99 latency (update sent
 * → reply stored in the emulator) at a steady 200 updates/s; then the ratios.
 *
 *   npx tsx bench/runtime.ts [--updates 3000] [--paced 2000]
 *
 * Loopback only; it stops by itself.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import BetterSqlite3 from "better-sqlite3";
import { Bot, webhookCallback } from "grammy";
import type { Message, User } from "@grammyjs/types";
import pino from "pino";
import { buildApp } from "../src/api/app.js";
import { loadConfig } from "../src/config.js";
import { createPlatform } from "../src/platform.js";
import { createProcessing } from "../src/runtime/processing.js";
import { directTransport, EmulatorClient, startEmulator, type BotHandle, type ChatHandle, type RunningEmulator, type UserHandle } from "../src/telegram/emulator/index.js";
import { percentile } from "./stats.js";
import { freePort } from "../test/support/net.js";

const { values } = parseArgs({ options: { updates: { type: "string", default: "3000" }, paced: { type: "string", default: "2000" } } });
const UPDATES = Number(values.updates);
const PACED = Number(values.paced);
const RATE = 200;
const BJS = 'var n = User.getProp("n", 0) + 1;\nUser.setProp("n", n, "integer");\nBot.sendMessage("hi " + params, {parse_mode: null});';

interface Target {
  name: string;
  bot: BotHandle;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** Botyard, as `botyard serve` wires it, with a bot whose /start is the BJS above, started. */
async function botyard(emulator: RunningEmulator, folder: string): Promise<Target> {
  const bot = await emulator.client.registerBot({ username: "botyard_bench_bot" });
  const port = await freePort();
  const config = loadConfig({
    DATA_DIR: join(folder, "botyard"),
    SECRET_KEY: "bench",
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    TELEGRAM_API_ROOT: emulator.apiRoot,
    FREE_PLAN_ITERATIONS: "1000000000",
    AUTH_LIMIT_PER_IP: "1000",
  });
  const platform = await createPlatform(config, { log: pino({ level: "warn" }) });
  const processing = createProcessing(platform);
  const app = await buildApp(platform);
  await app.listen({ port, host: "127.0.0.1" });
  await platform.runtime.start(processing.processor);

  const signUp = await app.inject({ method: "POST", url: "/v2/auth", payload: { email: "bench@example.com", password: "bench password" } });
  const key = signUp.json().data.api_key;
  const created = await app.inject({ method: "POST", url: `/v2/bots?api_key=${key}`, payload: { name: "bench", token: bot.token } });
  const id = created.json().id;
  await app.inject({ method: "POST", url: `/v2/bots/${id}/commands?api_key=${key}`, payload: { command: "/start", bjs_code: BJS } });
  const started = await app.inject({ method: "POST", url: `/v2/bots/${id}/status?api_key=${key}`, payload: { status: "start_launch" } });
  if (started.json().status !== "works") throw new Error(`bot did not start: ${started.body}`);
  return {
    name: "Botyard (BJS in isolated-vm)",
    bot,
    async close() {
      await app.close();
      await platform.runtime.close();
      await processing.close();
      await platform.close();
    },
  };
}

/** The baseline: grammY behind node:http, the property in a better-sqlite3 table (WAL). */
async function grammy(emulator: RunningEmulator, folder: string): Promise<Target> {
  const handle = await emulator.client.registerBot({ username: "grammy_bench_bot" });
  const db = new BetterSqlite3(join(folder, "grammy.sqlite"));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec("create table props (user_id integer primary key, n integer not null)");
  const read = db.prepare<[number], { n: number }>("select n from props where user_id = ?");
  const write = db.prepare("insert into props (user_id, n) values (?, ?) on conflict (user_id) do update set n = excluded.n");
  const bot = new Bot(handle.token, { client: { apiRoot: emulator.apiRoot }, botInfo: handle.user });
  bot.command("start", async (ctx) => {
    const n = (read.get(ctx.from!.id)?.n ?? 0) + 1;
    write.run(ctx.from!.id, n);
    await ctx.reply(`hi ${ctx.match}`);
  });
  const server = createServer(webhookCallback(bot, "http"));
  const port = await listen(server);
  await bot.api.setWebhook(`http://127.0.0.1:${port}/`);
  return {
    name: "grammY, hand-written (baseline)",
    bot: handle,
    async close() {
      await bot.api.deleteWebhook();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      db.close();
    },
  };
}

/** Notes when each tagged reply of a bot reaches the emulator. */
class Replies {
  private readonly sent = new Map<string, number>();
  readonly latencies: number[] = [];
  private waiting?: { count: number; done: () => void };

  constructor(emulator: RunningEmulator, botId: number) {
    const world = emulator.emulator.world;
    const add = world.addMessage.bind(world);
    world.addMessage = (room, from: User, content: Partial<Message>) => {
      const message = add(room, from, content);
      if (from.id === botId && message.text?.startsWith("hi ")) this.arrived(message.text.slice(3));
      return message;
    };
  }

  expect(tag: string): void {
    this.sent.set(tag, performance.now());
  }

  private arrived(tag: string): void {
    const at = this.sent.get(tag);
    if (at === undefined) return;
    this.sent.delete(tag);
    this.latencies.push(performance.now() - at);
    if (this.waiting && this.latencies.length >= this.waiting.count) this.waiting.done();
  }

  /** Resolves once `count` replies have arrived since the last reset; fails after two minutes. */
  all(count: number): Promise<void> {
    if (this.latencies.length >= count) return Promise.resolve();
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`only ${this.latencies.length} of ${count} replies within 120 s`)), 120_000);
      this.waiting = { count, done: () => (clearTimeout(timer), done()) };
    });
  }

  reset(): void {
    this.latencies.length = 0;
    this.waiting = undefined;
  }
}

async function chatsWith(client: EmulatorClient, bot: BotHandle, count: number): Promise<{ user: UserHandle; chat: ChatHandle }[]> {
  const chats = [];
  for (let i = 0; i < count; i++) {
    const user = await client.createUser({ first_name: `User ${i}` });
    chats.push({ user, chat: await user.privateChat(bot) });
  }
  return chats;
}

/** Updates/s: `total` /start commands spread over the chats, sent as fast as taken. */
async function throughput(client: EmulatorClient, replies: Replies, chats: { user: UserHandle; chat: ChatHandle }[], total: number, label: string): Promise<number> {
  replies.reset();
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const { user, chat } = chats[i % chats.length]!;
    replies.expect(`${label}-${i}`);
    await user.command(chat, "start", `${label}-${i}`);
  }
  await replies.all(total);
  return total / ((performance.now() - started) / 1000);
}

/** Latency at a steady rate: p50 and p99 in ms. */
async function paced(client: EmulatorClient, replies: Replies, chats: { user: UserHandle; chat: ChatHandle }[], total: number, label: string): Promise<[number, number]> {
  replies.reset();
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const { user, chat } = chats[i % chats.length]!;
    replies.expect(`${label}-${i}`);
    await user.command(chat, "start", `${label}-${i}`);
  }
  await replies.all(total);
  return [percentile(replies.latencies, 50), percentile(replies.latencies, 99)];
}

interface Figures {
  oneChat: number;
  manyChats: number;
  latencyOne: [number, number];
  latencyMany: [number, number];
}

async function measure(emulator: RunningEmulator, client: EmulatorClient, target: Target): Promise<Figures> {
  const replies = new Replies(emulator, target.bot.id);
  const one = await chatsWith(client, target.bot, 1);
  const many = await chatsWith(client, target.bot, 1000);
  await throughput(client, replies, many, 1000, "warm");
  return {
    oneChat: await throughput(client, replies, one, UPDATES, "one"),
    manyChats: await throughput(client, replies, many, UPDATES, "many"),
    latencyOne: await paced(client, replies, one, PACED, "pone"),
    latencyMany: await paced(client, replies, many, PACED, "pmany"),
  };
}

const folder = mkdtempSync(join(tmpdir(), "botyard-bench-"));
const emulator = await startEmulator({ limits: { enabled: false }, webhook: { retryBaseMs: 50 } });
const client = new EmulatorClient(directTransport(emulator.control));
const results: [string, Figures][] = [];
try {
  for (const make of [botyard, grammy]) {
    const target = await make(emulator, folder);
    results.push([target.name, await measure(emulator, client, target)]);
    await target.close();
  }
} finally {
  await emulator.close();
  rmSync(folder, { recursive: true, force: true });
}

const ms = ([p50, p99]: [number, number]) => `p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`;
console.log(`/start reading and writing one user property and sending one message; ${UPDATES} updates per throughput run, ${PACED} at ${RATE}/s per latency run; SQLite; webhook mode\n`);
for (const [name, f] of results) {
  console.log(name);
  console.log(`  throughput, 1 chat      ${f.oneChat.toFixed(0).padStart(6)} updates/s`);
  console.log(`  throughput, 1000 chats  ${f.manyChats.toFixed(0).padStart(6)} updates/s`);
  console.log(`  at ${RATE}/s, 1 chat        ${ms(f.latencyOne)}`);
  console.log(`  at ${RATE}/s, 1000 chats    ${ms(f.latencyMany)}`);
}
const [[, ours], [, base]] = results as [[string, Figures], [string, Figures]];
console.log("\nBotyard / grammY");
console.log(`  throughput, 1 chat      ${(ours.oneChat / base.oneChat).toFixed(2)}×`);
console.log(`  throughput, 1000 chats  ${(ours.manyChats / base.manyChats).toFixed(2)}×`);
console.log(`  p99 at ${RATE}/s, 1000 chats ${(ours.latencyMany[1] / base.latencyMany[1]).toFixed(2)}×`);
