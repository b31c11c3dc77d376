/**
 * A started bot, end to end through the Telegram emulator (SQLite), beside a
 * hand-written grammY bot doing the same work against the same emulator: a `/start` that
 * reads and writes one user property and sends one message.
 *
 * The emulator and the load generator run in a worker thread (their own core); the main
 * thread runs only the bot under test, Botyard or grammY. The worker times each update from
 * the moment it is sent to the moment the bot's reply is stored, and prints, for each bot:
 * updates/s with 1 chat and with 1,000 chats (sent as fast as the emulator takes them, until
 * every reply has arrived) with the main thread's CPU time per update (what the bot itself
 * costs, unlike updates/s hardly moved by a busy machine), Botyard's sandbox processes' CPU
 * time per update (user and system) and the emulator's (the load both bots share), p50/p99
 * latency at a steady 200 updates/s, then the ratios. Every thread of both setups runs on the
 * same cores: the CPU per update of all of them together says how far a machine of N cores
 * can go (N s of CPU per second), whatever the machine.
 *
 *   npx tsx bench/runtime.ts [--updates 3000] [--paced 2000] [--only botyard|grammy] [--polling] [--bots 1] [--isolates 2] [--repeat 1]
 *
 * `--only` runs one of the two (for profiling one with --cpu-prof); no ratios are printed then.
 * `--polling` runs both in long-polling mode instead (Botyard without PUBLIC_URL, grammY's
 * `bot.start()`). `--bots N` spreads the 1,000 chats over N bots (the 1-chat runs use the first).
 * `--isolates N` runs Botyard with N sandbox processes (BJS_ISOLATES, for sizing).
 * Before the timed runs, three untimed passes of 1,000 updates over the 1,000 chats: with one
 * bot per chat, each bot's realm is built on the first and warms over the next two (a realm
 * costs more until its third run, see bench/executor.ts), so the runs timed are those of a
 * platform whose active bots have run before, as bots that answer traffic have.
 * `--repeat N` measures both N times, taking turns (fresh bots each time, the first to go
 * alternating), and prints each figure's median (take an odd N) with every ratio's median and
 * range: on a shared virtual machine one run's updates/s can be a third off the next one's.
 *
 * Loopback only; it stops by itself.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { isMainThread, parentPort, Worker } from "node:worker_threads";
import type { Message, User, UserFromGetMe } from "@grammyjs/types";
import { freePort, listenOnLoopback } from "../test/support/net.js";
import { built } from "./built.js";
import { childrenCpuNs, percentile, threadCpuNs } from "./stats.js";

const RATE = 200;
/** Untimed passes over the chats first (see above). */
const WARM_PASSES = 3;

/** What the main thread asks the worker. */
type Request =
  | { kind: "registerBot"; username: string }
  | { kind: "run"; botIds: number[]; chats: number; total: number; paced: boolean; label: string };

interface RunResult {
  perSecond: number;
  p50: number;
  p99: number;
  /** The main thread's CPU time per update, in µs: what the bot under test itself costs. */
  cpuUs?: number;
  /** The CPU time of the process's children (Botyard's sandbox processes) per update, in µs. */
  childrenUs?: number;
  /** The emulator's (and the load generator's) CPU time per update, in µs: its worker thread's. */
  emulatorUs: number;
}

// ---- The worker: the emulator, the users, the load, the clock ---------------------------

async function emulatorWorker(): Promise<void> {
  const { startEmulator, EmulatorClient, directTransport } = await built<typeof import("../src/telegram/emulator/index.js")>("telegram/emulator/index.js");
  const emulator = await startEmulator({ limits: { enabled: false }, webhook: { retryBaseMs: 50 } });
  const client = new EmulatorClient(directTransport(emulator.control));
  type Chats = { user: Awaited<ReturnType<typeof client.createUser>>; chat: Awaited<ReturnType<Awaited<ReturnType<typeof client.createUser>>["privateChat"]>> }[];
  const bots = new Map<number, Awaited<ReturnType<typeof client.registerBot>>>();
  const chatsOf = new Map<string, Chats>();

  // Every tagged bot reply, timed when the emulator stores it.
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  let waiting: { count: number; done: () => void } | undefined;
  const world = emulator.emulator.world;
  const add = world.addMessage.bind(world);
  world.addMessage = (room, from: User, content: Partial<Message>) => {
    const message = add(room, from, content);
    const at = from.is_bot && message.text?.startsWith("hi ") ? sent.get(message.text.slice(3)) : undefined;
    if (at !== undefined) {
      sent.delete(message.text!.slice(3));
      latencies.push(performance.now() - at);
      if (waiting && latencies.length >= waiting.count) waiting.done();
    }
    return message;
  };
  const allReplies = (count: number) =>
    new Promise<void>((done, fail) => {
      if (latencies.length >= count) return done();
      const timer = setTimeout(() => fail(new Error(`only ${latencies.length} of ${count} replies within 120 s`)), 120_000);
      waiting = { count, done: () => (clearTimeout(timer), done()) };
    });

  /** `count` users, each in a private chat with one of the bots, round robin. */
  async function chats(botIds: number[], count: number): Promise<Chats> {
    const key = `${botIds.join(",")}:${count}`;
    let list = chatsOf.get(key);
    if (!list) {
      list = [];
      for (let i = 0; i < count; i++) {
        const user = await client.createUser({ first_name: `User ${i}` });
        list.push({ user, chat: await user.privateChat(bots.get(botIds[i % botIds.length]!)!) });
      }
      chatsOf.set(key, list);
    }
    return list;
  }

  async function run(request: Extract<Request, { kind: "run" }>): Promise<RunResult> {
    const list = await chats(request.botIds, request.chats);
    latencies.length = 0;
    waiting = undefined;
    const cpuBefore = threadCpuNs();
    const started = performance.now();
    for (let i = 0; i < request.total; i++) {
      if (request.paced) {
        const wait = started + (i * 1000) / RATE - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const { user, chat } = list[i % list.length]!;
      const tag = `${request.label}-${i}`;
      sent.set(tag, performance.now());
      await user.command(chat, "start", tag);
    }
    await allReplies(request.total);
    const seconds = (performance.now() - started) / 1000;
    const emulatorUs = (threadCpuNs() - cpuBefore) / 1000 / request.total;
    return { perSecond: request.total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), emulatorUs };
  }

  parentPort!.on("message", async ({ id, request }: { id: number; request: Request }) => {
    try {
      if (request.kind === "registerBot") {
        const bot = await client.registerBot({ username: request.username });
        bots.set(bot.id, bot);
        parentPort!.postMessage({ id, result: { token: bot.token, user: bot.user } });
      } else {
        parentPort!.postMessage({ id, result: await run(request) });
      }
    } catch (error) {
      parentPort!.postMessage({ id, error: (error as Error).message });
    }
  });
  parentPort!.postMessage({ ready: emulator.apiRoot });
}

// ---- The main thread: the bot under test ------------------------------------------------

/** The emulator worker, answering requests in order. */
class EmulatorThread {
  private next = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(
    private readonly worker: Worker,
    readonly apiRoot: string,
  ) {
    worker.on("message", (message: { id?: number; result?: unknown; error?: string }) => {
      const call = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!call) return;
      this.pending.delete(message.id!);
      if (message.error) call.reject(new Error(message.error));
      else call.resolve(message.result);
    });
  }

  static async start(): Promise<EmulatorThread> {
    // Workers do not inherit tsx's loader: the stub registers it, then loads this file.
    const stub = `import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))})
      .then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const worker = new Worker(stub, { eval: true });
    const apiRoot = await new Promise<string>((resolve, reject) => {
      worker.once("message", (message: { ready: string }) => resolve(message.ready));
      worker.once("error", reject);
    });
    return new EmulatorThread(worker, apiRoot);
  }

  ask<T>(request: Request): Promise<T> {
    const id = this.next++;
    this.worker.postMessage({ id, request });
    return new Promise((resolve, reject) => this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject }));
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

interface Target {
  name: string;
  /** The bots' Telegram ids. */
  botIds: number[];
  close(): Promise<void>;
}

type Registered = { token: string; user: UserFromGetMe };

/** Registers `count` bots with the emulator. */
function registerBots(emulator: EmulatorThread, prefix: string, count: number): Promise<Registered[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => emulator.ask<Registered>({ kind: "registerBot", username: `${prefix}${i}_bot` })));
}

const BJS = 'var n = User.getProp("n", 0) + 1;\nUser.setProp("n", n, "integer");\nBot.sendMessage("hi " + params, {parse_mode: null});';

/** What each setup is made with: the emulator, a folder of its own, the mode, its bots, and which round it is (bots are new each round). */
interface Setup {
  emulator: EmulatorThread;
  folder: string;
  polling: boolean;
  count: number;
  isolates: string;
  round: number;
}

/** Botyard, as `botyard serve` wires it, with bots whose /start is the BJS above, started. */
async function botyard({ emulator, folder, polling, count, isolates, round }: Setup): Promise<Target> {
  const [{ default: pino }, { buildApp }, { loadConfig }, { createPlatform }, { createProcessing }] = await Promise.all([
    import("pino"),
    built<typeof import("../src/api/app.js")>("api/app.js"),
    built<typeof import("../src/config.js")>("config.js"),
    built<typeof import("../src/platform.js")>("platform.js"),
    built<typeof import("../src/runtime/processing.js")>("runtime/processing.js"),
  ]);
  const registered = await registerBots(emulator, `botyard_r${round}_`, count);
  const port = await freePort();
  const config = loadConfig({
    DATA_DIR: join(folder, `botyard-${round}`),
    SECRET_KEY: "bench",
    PORT: String(port),
    ...(!polling && { PUBLIC_URL: `http://127.0.0.1:${port}` }),
    TELEGRAM_API_ROOT: emulator.apiRoot,
    // The emulator's limits are off: this measures the platform, not Telegram's pacing (bench/broadcast.ts does).
    TELEGRAM_LIMITS: "off",
    FREE_PLAN_ITERATIONS: "1000000000",
    FREE_PLAN_BOTS: String(count),
    BJS_ISOLATES: isolates,
  });
  const platform = await createPlatform(config, { log: pino({ level: "warn" }) });
  const processing = createProcessing(platform);
  const app = await buildApp(platform);
  await app.listen({ port, host: "127.0.0.1" });
  await platform.runtime.start(processing.processor);

  const key = (await app.inject({ method: "POST", url: "/v2/auth", payload: { email: "bench@example.com", password: "bench password" } })).json().data.api_key;
  for (const bot of registered) {
    const id = (await app.inject({ method: "POST", url: `/v2/bots?api_key=${key}`, payload: { name: "bench", token: bot.token } })).json().id;
    await app.inject({ method: "POST", url: `/v2/bots/${id}/commands?api_key=${key}`, payload: { command: "/start", bjs_code: BJS } });
    const started = await app.inject({ method: "POST", url: `/v2/bots/${id}/status?api_key=${key}`, payload: { status: "start_launch" } });
    if (started.json().status !== "works") throw new Error(`bot did not start: ${started.body}`);
  }
  return {
    name: "Botyard (BJS in isolated-vm)",
    botIds: registered.map((bot) => bot.user.id),
    async close() {
      await app.close();
      await platform.runtime.close();
      await processing.close();
      await platform.close();
    },
  };
}

/** The baseline: grammY behind node:http (one server, a path per bot), the property in a better-sqlite3 table (WAL). */
async function grammy({ emulator, folder, polling, count, round }: Setup): Promise<Target> {
  const [{ default: BetterSqlite3 }, { Bot, webhookCallback }] = await Promise.all([import("better-sqlite3"), import("grammy")]);
  const registered = await registerBots(emulator, `grammy_r${round}_`, count);
  const db = new BetterSqlite3(join(folder, `grammy-${round}.sqlite`));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec("create table props (bot_id integer, user_id integer, n integer not null, primary key (bot_id, user_id))");
  const read = db.prepare<[number, number], { n: number }>("select n from props where bot_id = ? and user_id = ?");
  const write = db.prepare("insert into props (bot_id, user_id, n) values (?, ?, ?) on conflict (bot_id, user_id) do update set n = excluded.n");
  const bots = registered.map((handle) => {
    const bot = new Bot(handle.token, { client: { apiRoot: emulator.apiRoot }, botInfo: handle.user });
    bot.command("start", async (ctx) => {
      const n = (read.get(handle.user.id, ctx.from!.id)?.n ?? 0) + 1;
      write.run(handle.user.id, ctx.from!.id, n);
      await ctx.reply(`hi ${ctx.match}`);
    });
    return bot;
  });
  const name = "grammY, hand-written (baseline)";
  const botIds = registered.map((handle) => handle.user.id);
  if (polling) {
    const stopped = bots.map((bot) => bot.start({ timeout: 25 }));
    return {
      name,
      botIds,
      async close() {
        await Promise.all(bots.map((bot) => bot.stop()));
        await Promise.all(stopped);
        db.close();
      },
    };
  }
  const callbacks = bots.map((bot) => webhookCallback(bot, "http"));
  const server = createServer((request, response) => callbacks[Number(request.url!.slice(1))]!(request, response));
  const url = await listenOnLoopback(server);
  await Promise.all(bots.map((bot, i) => bot.api.setWebhook(`${url}/${i}`)));
  return {
    name,
    botIds,
    async close() {
      await Promise.all(bots.map((bot) => bot.api.deleteWebhook()));
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      db.close();
    },
  };
}

interface Figures {
  oneChat: RunResult;
  manyChats: RunResult;
  pacedOne: RunResult;
  pacedMany: RunResult;
}

async function measure(emulator: EmulatorThread, target: Target, updates: number, paced: number): Promise<Figures> {
  const run = async (chats: number, total: number, pacedRun: boolean, label: string) => {
    const before = threadCpuNs();
    const childrenBefore = childrenCpuNs();
    const result = await emulator.ask<RunResult>({ kind: "run", botIds: chats === 1 ? target.botIds.slice(0, 1) : target.botIds, chats, total, paced: pacedRun, label });
    return { ...result, cpuUs: (threadCpuNs() - before) / 1000 / total, childrenUs: (childrenCpuNs() - childrenBefore) / 1000 / total };
  };
  for (let pass = 0; pass < WARM_PASSES; pass++) await run(1000, 1000, false, "warm");
  return {
    oneChat: await run(1, updates, false, "one"),
    manyChats: await run(1000, updates, false, "many"),
    pacedOne: await run(1, paced, true, "pone"),
    pacedMany: await run(1000, paced, true, "pmany"),
  };
}

/** Each figure's median over the rounds (one round: its own figures). */
function medianFigures(all: Figures[]): Figures {
  const of = (pick: (figures: Figures) => RunResult): RunResult => {
    const results = all.map(pick);
    const fields = Object.keys(results[0]!) as (keyof RunResult)[];
    return Object.fromEntries(fields.map((field) => [field, percentile(results.map((result) => result[field] ?? NaN), 50)])) as unknown as RunResult;
  };
  return { oneChat: of((f) => f.oneChat), manyChats: of((f) => f.manyChats), pacedOne: of((f) => f.pacedOne), pacedMany: of((f) => f.pacedMany) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { updates: { type: "string", default: "3000" }, paced: { type: "string", default: "2000" }, only: { type: "string" }, polling: { type: "boolean", default: false }, bots: { type: "string", default: "1" }, isolates: { type: "string", default: "2" }, repeat: { type: "string", default: "1" } } });
  const updates = Number(values.updates);
  const paced = Number(values.paced);
  const repeat = Math.max(1, Number(values.repeat));
  const folder = mkdtempSync(join(tmpdir(), "botyard-bench-"));
  const emulator = await EmulatorThread.start();
  const makers = [botyard, grammy].filter((make) => !values.only || make.name === values.only);
  /** Each setup's figures, one per round. */
  const rounds = new Map<string, Figures[]>();
  try {
    for (let round = 0; round < repeat; round++) {
      // The first to go alternates: what the machine does over time falls on both alike.
      for (const make of round % 2 === 0 ? makers : [...makers].reverse()) {
        const target = await make({ emulator, folder, polling: values.polling, count: Number(values.bots), isolates: values.isolates, round });
        const figures = await measure(emulator, target, updates, paced);
        rounds.set(target.name, [...(rounds.get(target.name) ?? []), figures]);
        await target.close();
      }
    }
  } finally {
    await emulator.close();
    rmSync(folder, { recursive: true, force: true });
  }

  const latency = (r: RunResult) => `p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`;
  const cpu = (r: RunResult) => `main thread CPU ${r.cpuUs!.toFixed(0).padStart(4)} µs/update${r.childrenUs! > 0 ? `, sandbox processes ${r.childrenUs!.toFixed(0)} µs/update` : ""}, emulator ${r.emulatorUs.toFixed(0)} µs/update`;
  /** All threads' CPU per update, and the updates/s that allows on this machine's cores. */
  const allThreads = (r: RunResult) => r.cpuUs! + (r.childrenUs! > 0 ? r.childrenUs! : 0) + r.emulatorUs;
  const ceiling = (r: RunResult) => `${allThreads(r).toFixed(0)} µs/update over all threads (at most ${((availableParallelism() * 1e6) / allThreads(r)).toFixed(0)} updates/s on ${availableParallelism()} cores)`;
  const medians = repeat > 1 ? `; each figure the median of ${repeat} runs` : "";
  console.log(`/start reading and writing one user property and sending one message; ${updates} updates per throughput run, ${paced} at ${RATE}/s per latency run; SQLite; ${values.polling ? "long polling" : "webhook"} mode; ${values.bots} bot(s); ${values.isolates} sandbox processes; emulator in a worker thread${medians}\n`);
  const medianOf = new Map([...rounds].map(([name, all]) => [name, medianFigures(all)]));
  for (const [name, all] of rounds) {
    const f = medianOf.get(name)!;
    console.log(name);
    console.log(`  throughput, 1 chat      ${f.oneChat.perSecond.toFixed(0).padStart(6)} updates/s, ${cpu(f.oneChat)}`);
    console.log(`  throughput, 1000 chats  ${f.manyChats.perSecond.toFixed(0).padStart(6)} updates/s, ${cpu(f.manyChats)}`);
    console.log(`    CPU, 1000 chats       ${ceiling(f.manyChats)}`);
    console.log(`  at ${RATE}/s, 1 chat        ${latency(f.pacedOne)}`);
    console.log(`  at ${RATE}/s, 1000 chats    ${latency(f.pacedMany)}`);
    if (repeat > 1) console.log(`  throughput, 1000 chats, each run: ${all.map((figures) => figures.manyChats.perSecond.toFixed(0)).join(", ")} updates/s`);
  }
  if (rounds.size < 2) return;
  const [ours, base] = [...rounds.values()] as [Figures[], Figures[]];
  const ourMedian = [...medianOf.values()][0]!;
  /** A ratio of the same round's figures: its median, and its range over the rounds. */
  const ratio = (of: (ours: Figures, base: Figures) => number) => {
    const each = ours.map((figures, round) => of(figures, base[round]!));
    const range = repeat > 1 ? ` (${Math.min(...each).toFixed(2)}-${Math.max(...each).toFixed(2)}× over ${repeat} runs)` : "";
    return `${percentile(each, 50).toFixed(2)}×${range}`;
  };
  console.log("\nBotyard / grammY");
  console.log(`  throughput, 1 chat      ${ratio((o, b) => o.oneChat.perSecond / b.oneChat.perSecond)}`);
  console.log(`  throughput, 1000 chats  ${ratio((o, b) => o.manyChats.perSecond / b.manyChats.perSecond)}`);
  console.log(`  p99 at ${RATE}/s, 1000 chats ${ratio((o, b) => o.pacedMany.p99 / b.pacedMany.p99)}`);
  console.log(`  main thread CPU per update, 1000 chats ${ratio((o, b) => o.manyChats.cpuUs! / b.manyChats.cpuUs!)}`);
  console.log(`  all threads' CPU per update, 1000 chats ${ratio((o, b) => allThreads(o.manyChats) / allThreads(b.manyChats))}`);
  const met = (ok: boolean) => (ok ? "met" : "NOT met");
  const best = Math.max(ourMedian.oneChat.perSecond, ourMedian.manyChats.perSecond);
  console.log(`\ntargets: >= 1,000 updates/s: ${met(best >= 1000)}; p99 < 50 ms at ${RATE}/s: ${met(ourMedian.pacedOne.p99 < 50 && ourMedian.pacedMany.p99 < 50)}`);
}

if (isMainThread) await main();
else await emulatorWorker();
