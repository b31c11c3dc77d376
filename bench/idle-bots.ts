/**
 * Many started bots that receive nothing: what they cost the process that runs them, beside
 * as many hand-written grammY bots in the same run. For each mode (long polling against the
 * emulator, then webhooks) and each side, it prints:
 * - memory per idle bot: the process's heap (+ external) and RSS after starting the bots,
 *   minus before, divided by the bots (after a full GC both times);
 * - CPU per second while idle: the process's user + system CPU over `--idle` seconds (at
 *   least one long-poll timeout, so that every polling bot polls again within the window);
 * - how many bots listen (poll held, webhook set) within a minute of starting, and the reply
 *   time of one update to the last bot started, while the others stay idle.
 *
 * The emulator runs in a child process, so neither its memory nor its CPU is counted; the
 * process measured runs only the bots under test (Botyard as `botyard serve` wires it, or grammY).
 *
 *   npx tsx --expose-gc bench/idle-bots.ts [--bots 10000] [--idle 30] [--mode polling|webhook] [--only botyard|grammy]
 *
 * Loopback only; it stops by itself.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Message, User, UserFromGetMe } from "@grammyjs/types";
import { freePort, listenOnLoopback } from "../test/support/net.js";
import { built } from "./built.js";

/** Botyard's long-poll timeout (intake/polling.ts), given to grammY too. */
const POLL_TIMEOUT_S = 25;

/** What the bench asks the emulator process. */
type Request =
  | { kind: "registerBots"; prefix: string; count: number }
  | { kind: "listening"; tokens: string[] }
  | { kind: "message"; token: string; text: string };

type Registered = { token: string; user: UserFromGetMe };

// ---- The emulator process ---------------------------------------------------------------

async function emulatorProcess(): Promise<void> {
  const { startEmulator } = await built<typeof import("../src/telegram/emulator/index.js")>("telegram/emulator/index.js");
  const emulator = await startEmulator({ limits: { enabled: false }, webhook: { retryBaseMs: 50 } });
  const { world, polling } = emulator.emulator;
  // Every bot reply, told to the bench when the emulator stores it.
  const add = world.addMessage.bind(world);
  world.addMessage = (room, from: User, content: Partial<Message>) => {
    const message = add(room, from, content);
    if (from.is_bot && message.text?.startsWith("hi ")) process.send!({ reply: message.text.slice(3) });
    return message;
  };
  const answer = (request: Request): unknown => {
    if (request.kind === "registerBots") {
      return Array.from({ length: request.count }, (_, i) => emulator.control.registerBot({ username: `${request.prefix}${i}_bot` }));
    }
    if (request.kind === "listening") {
      // A bot listens when its long poll is held, or when its webhook is set.
      return request.tokens.filter((token) => {
        const bot = world.bots.get(token)!;
        return polling.isWaiting(bot) || bot.webhook !== undefined;
      }).length;
    }
    const bot = world.bots.get(request.token)!;
    const user = emulator.control.createUser({ first_name: "Somebody" });
    const chat = emulator.control.openPrivateChat({ user_id: user.id, bot_id: bot.me.id });
    emulator.control.sendText({ user_id: user.id, chat_id: chat.chat.id, bot_id: bot.me.id, text: `/start ${request.text}` });
    return true;
  };
  process.on("message", ({ id, request }: { id: number; request: Request }) => {
    try {
      process.send!({ id, result: answer(request) });
    } catch (error) {
      process.send!({ id, error: (error as Error).message });
    }
  });
  process.on("disconnect", () => process.exit(0));
  process.send!({ ready: emulator.apiRoot });
}

// ---- The bench process ------------------------------------------------------------------

class EmulatorProcess {
  private next = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  private readonly replies = new Map<string, () => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly apiRoot: string,
  ) {
    child.on("message", (message: { id?: number; result?: unknown; error?: string; reply?: string }) => {
      if (message.reply !== undefined) return this.replies.get(message.reply)?.();
      const call = this.pending.get(message.id!);
      if (!call) return;
      this.pending.delete(message.id!);
      if (message.error) call.reject(new Error(message.error));
      else call.resolve(message.result);
    });
  }

  static async start(): Promise<EmulatorProcess> {
    const child = fork(new URL(import.meta.url), ["--emulator"], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const apiRoot = await new Promise<string>((resolve, reject) => {
      child.once("message", (message: { ready: string }) => resolve(message.ready));
      child.once("exit", () => reject(new Error("the emulator process ended")));
    });
    return new EmulatorProcess(child, apiRoot);
  }

  ask<T>(request: Request): Promise<T> {
    const id = this.next++;
    this.child.send({ id, request });
    return new Promise((resolve, reject) => this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject }));
  }

  /** Sends `/start <tag>` to the bot from a new user, and answers the ms until its reply is stored. */
  async roundTrip(token: string, tag: string): Promise<number> {
    const started = performance.now();
    const replied = new Promise<void>((resolve) => this.replies.set(tag, resolve));
    await this.ask({ kind: "message", token, text: tag });
    await Promise.race([replied, new Promise((_, reject) => setTimeout(() => reject(new Error(`no reply to ${tag} within 60 s`)), 60_000))]);
    return performance.now() - started;
  }

  close(): void {
    this.child.kill();
  }
}

/** Bots started and idle, as one side of the bench runs them. */
interface Side {
  name: string;
  tokens: string[];
  start(): Promise<void>;
  close(): Promise<void>;
}

const BJS = 'Bot.sendMessage("hi " + params, {parse_mode: null});';

async function botyard(emulator: EmulatorProcess, folder: string, polling: boolean, count: number): Promise<Side> {
  const [{ default: pino }, { buildApp }, { loadConfig }, { createPlatform }, { createProcessing }] = await Promise.all([
    import("pino"),
    built<typeof import("../src/api/app.js")>("api/app.js"),
    built<typeof import("../src/config.js")>("config.js"),
    built<typeof import("../src/platform.js")>("platform.js"),
    built<typeof import("../src/runtime/processing.js")>("runtime/processing.js"),
  ]);
  const registered = await emulator.ask<Registered[]>({ kind: "registerBots", prefix: "botyard_idle", count });
  const port = await freePort();
  const config = loadConfig({
    DATA_DIR: join(folder, "botyard"),
    SECRET_KEY: "bench",
    PORT: String(port),
    ...(!polling && { PUBLIC_URL: `http://127.0.0.1:${port}` }),
    TELEGRAM_API_ROOT: emulator.apiRoot,
    FREE_PLAN_BOTS: String(count),
  });
  const platform = await createPlatform(config, { log: pino({ level: "warn" }) });
  const processing = createProcessing(platform);
  const app = await buildApp(platform);
  await app.listen({ port, host: "127.0.0.1" });
  await platform.runtime.start(processing.processor);
  const key = (await app.inject({ method: "POST", url: "/v2/auth", payload: { email: "bench@example.com", password: "bench password" } })).json().data.api_key;
  const ids: number[] = [];
  for (const bot of registered) {
    const id = (await app.inject({ method: "POST", url: `/v2/bots?api_key=${key}`, payload: { name: "idle", token: bot.token } })).json().id;
    await app.inject({ method: "POST", url: `/v2/bots/${id}/commands?api_key=${key}`, payload: { command: "/start", bjs_code: BJS } });
    ids.push(id);
  }
  return {
    name: "Botyard",
    tokens: registered.map((bot) => bot.token),
    async start() {
      await inBatches(ids, async (id) => {
        const started = await app.inject({ method: "POST", url: `/v2/bots/${id}/status?api_key=${key}`, payload: { status: "start_launch" } });
        if (started.json().status !== "works") throw new Error(`bot did not start: ${started.body}`);
      });
    },
    async close() {
      await app.close();
      await platform.runtime.close();
      await processing.close();
      await platform.close();
    },
  };
}

/** The baseline: grammY bots replying to /start, behind one node:http server (a path per bot) in webhook mode. */
async function grammy(emulator: EmulatorProcess, polling: boolean, count: number): Promise<Side> {
  const { Bot, webhookCallback } = await import("grammy");
  const registered = await emulator.ask<Registered[]>({ kind: "registerBots", prefix: "grammy_idle", count });
  const bots = registered.map((handle) => {
    const bot = new Bot(handle.token, { client: { apiRoot: emulator.apiRoot }, botInfo: handle.user });
    bot.command("start", (ctx) => ctx.reply(`hi ${ctx.match}`));
    return bot;
  });
  const server = createServer();
  let stopped: Promise<void>[] = [];
  return {
    name: "grammY (baseline)",
    tokens: registered.map((bot) => bot.token),
    async start() {
      if (polling) {
        stopped = bots.map((bot) => bot.start({ timeout: POLL_TIMEOUT_S }));
        return;
      }
      const callbacks = bots.map((bot) => webhookCallback(bot, "http"));
      // A reply still on its way when the run ends meets the emulator gone: said, not a crash after the figures.
      server.on("request", (request, response) =>
        callbacks[Number(request.url!.slice(1))]!(request, response).catch((error: Error) => console.error(`grammY: ${error.message}`)),
      );
      const url = await listenOnLoopback(server);
      await inBatches(
        bots.map((bot, i) => [bot, i] as const),
        ([bot, i]) => bot.api.setWebhook(`${url}/${i}`),
      );
    },
    async close() {
      if (polling) {
        // Figures are taken by now: a poll the emulator cut short while 10,000 bots stop changes none of them.
        await Promise.allSettled(bots.map((bot) => bot.stop()));
        await Promise.allSettled(stopped);
        return;
      }
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Runs `each` over the items, 50 at a time. */
async function inBatches<T>(items: readonly T[], each: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: 50 }, async () => {
    while (next < items.length) await each(items[next++]!);
  }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Heap (+ external) and RSS after a full collection, in bytes. */
async function memoryNow(): Promise<{ heap: number; rss: number }> {
  for (let i = 0; i < 3; i++) {
    globalThis.gc!();
    await sleep(100);
  }
  const { heapUsed, external, rss } = process.memoryUsage();
  return { heap: heapUsed + external, rss };
}

interface Figures {
  heapPerBot: number;
  rssPerBot: number;
  cpuMsPerS: number;
  /** Bots whose poll was held or webhook set, a minute after starting. */
  listening: number;
  replyMs: number;
}

async function measure(emulator: EmulatorProcess, side: Side, idleS: number): Promise<Figures> {
  const before = await memoryNow();
  await side.start();
  // Every bot listening (its poll held or its webhook set), within a minute; then a moment to settle.
  let listening = 0;
  for (const until = performance.now() + 60_000; listening < side.tokens.length && performance.now() < until; await sleep(500)) {
    listening = await emulator.ask<number>({ kind: "listening", tokens: side.tokens });
  }
  await sleep(2000);
  const after = await memoryNow();
  const cpu = process.cpuUsage();
  await sleep(idleS * 1000);
  const used = process.cpuUsage(cpu);
  const replyMs = await emulator.roundTrip(side.tokens.at(-1)!, `${side.name}-${Date.now()}`).catch(() => Infinity);
  const count = side.tokens.length;
  return {
    heapPerBot: (after.heap - before.heap) / count,
    rssPerBot: (after.rss - before.rss) / count,
    cpuMsPerS: (used.user + used.system) / 1000 / idleS,
    listening,
    replyMs,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { bots: { type: "string", default: "10000" }, idle: { type: "string", default: "30" }, mode: { type: "string" }, only: { type: "string" }, emulator: { type: "boolean", default: false } },
  });
  if (!globalThis.gc) throw new Error("run with --expose-gc: npx tsx --expose-gc bench/idle-bots.ts");
  const count = Number(values.bots);
  const idleS = Number(values.idle);
  const modes = values.mode ? [values.mode] : ["polling", "webhook"];
  const folder = mkdtempSync(join(tmpdir(), "botyard-idle-"));
  const emulator = await EmulatorProcess.start();
  const results: [string, string, Figures][] = [];
  try {
    for (const mode of modes) {
      const polling = mode === "polling";
      const sides = [(): Promise<Side> => botyard(emulator, join(folder, mode), polling, count), (): Promise<Side> => grammy(emulator, polling, count)];
      for (const make of sides.filter((_, i) => !values.only || values.only === ["botyard", "grammy"][i])) {
        const side = await make();
        results.push([mode, side.name, await measure(emulator, side, idleS)]);
        await side.close();
      }
    }
  } finally {
    emulator.close();
    rmSync(folder, { recursive: true, force: true });
  }
  console.log(`${count} started bots receiving nothing; CPU over ${idleS} s idle; long-poll timeout ${POLL_TIMEOUT_S} s; emulator in its own process\n`);
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1).padStart(7)} KB`;
  for (const [mode, name, f] of results) {
    console.log(`${mode.padEnd(8)} ${name.padEnd(18)} heap+external ${kb(f.heapPerBot)}/bot   RSS ${kb(f.rssPerBot)}/bot   CPU ${f.cpuMsPerS.toFixed(1).padStart(6)} ms/s   listening ${f.listening}   one reply ${Number.isFinite(f.replyMs) ? `${f.replyMs.toFixed(1)} ms` : "none within 60 s"}`);
  }
}

if (process.argv.includes("--emulator")) await emulatorProcess();
else await main();
