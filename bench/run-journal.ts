/**
 * What the run journal costs on PostgreSQL (issue 17 item 5): the same updates handled as
 * today (no delivery key: each write commits alone, each message sent inline) and through the
 * journal (one transaction per run with its journal row and outbox, the outbox made after the
 * commit, each entry marked "sending" and "sent"), in the same run, alternating rounds.
 *
 * The command writes a property and sends a message (the common shape of a bot's reply).
 * It prints, per mode: updates per second with `--lanes` chats handled at once (in order
 * within each chat, as the intake does), and the p50/p99 latency of one update's handle().
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx bench/run-journal.ts [--updates 1000] [--lanes 8] [--rounds 2]
 *
 * Loopback only (PostgreSQL and the emulator in this process); it stops by itself.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Update } from "@grammyjs/types";
import pg from "pg";
import pino from "pino";
import { buildApp } from "../src/api/app.js";
import { loadConfig } from "../src/config.js";
import { createPlatform } from "../src/platform.js";
import { createProcessing } from "../src/runtime/processing.js";
import { BotApi } from "../src/telegram/bot-api.js";
import { directTransport, EmulatorClient, startEmulator, type ChatHandle, type UserHandle } from "../src/telegram/emulator/index.js";
import { percentile } from "./stats.js";

const { values } = parseArgs({ options: { updates: { type: "string", default: "1000" }, lanes: { type: "string", default: "8" }, rounds: { type: "string", default: "2" } } });
const UPDATES = Number(values.updates);
const LANES = Number(values.lanes);
const ROUNDS = Number(values.rounds);
const url = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

const schema = `bench_${Math.random().toString(36).slice(2, 10)}`;
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`create schema ${schema}`);
const folder = mkdtempSync(join(tmpdir(), "botyard-bench-journal-"));
const emulator = await startEmulator({ limits: { enabled: false } });
const client = new EmulatorClient(directTransport(emulator.control));
const config = loadConfig({ DATA_DIR: folder, SECRET_KEY: "bench", DATABASE_URL: url, TELEGRAM_API_ROOT: emulator.apiRoot, FREE_PLAN_ITERATIONS: "1000000000", TELEGRAM_LIMITS: "off" });
const platform = await createPlatform(config, { log: pino({ level: "warn" }), databaseSchema: schema });
const processing = createProcessing(platform);
const app = await buildApp(platform);

try {
  const tg = await client.registerBot({ username: "journal_bench_bot" });
  const key = (await app.inject({ method: "POST", url: "/v2/auth", payload: { email: "bench@example.com", password: "bench password" } })).json().data.api_key as string;
  const botId = (await app.inject({ method: "POST", url: `/v2/bots?api_key=${key}`, payload: { name: "bench", token: tg.token } })).json().id as number;
  await app.inject({ method: "POST", url: `/v2/bots/${botId}/commands?api_key=${key}`, payload: { command: "/count", bjs_code: 'User.setProp("n", User.getProp("n", 0) + 1, "integer"); Bot.sendMessage("n=" + User.getProp("n"))' } });
  await platform.bots.store.setStatus(botId, { status: "works" });
  const api = new BotApi(tg.token, { apiRoot: emulator.apiRoot });
  const users: { user: UserHandle; chat: ChatHandle }[] = [];
  for (let i = 0; i < LANES; i++) {
    const user = await client.createUser({ first_name: `U${i}` });
    users.push({ user, chat: await user.privateChat(tg) });
  }
  let offset = 0;
  let delivery = 0;
  /** `count` updates from the users in turn, taken from the emulator. */
  async function updates(count: number): Promise<Update[]> {
    for (let i = 0; i < count; i++) await users[i % LANES]!.user.sendText(users[i % LANES]!.chat, "/count");
    const taken: Update[] = [];
    while (taken.length < count) {
      const batch = (await api.call("getUpdates", { offset, limit: 100, timeout: 0 })) as Update[];
      taken.push(...batch);
      offset = batch.at(-1)!.update_id + 1;
    }
    return taken;
  }
  /** Handles the updates, one lane per chat; answers updates/s and each handle()'s latency. */
  async function handleAll(all: Update[], journal: boolean): Promise<{ rate: number; latencies: number[] }> {
    const lanes = new Map<number, Update[]>();
    for (const update of all) lanes.set(update.message!.chat.id, [...(lanes.get(update.message!.chat.id) ?? []), update]);
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      [...lanes.values()].map(async (lane) => {
        for (const update of lane) {
          const at = performance.now();
          await processing.processor.handle(botId, update, journal ? { key: `bench:${++delivery}` } : undefined);
          latencies.push(performance.now() - at);
        }
      }),
    );
    return { rate: all.length / ((performance.now() - started) / 1000), latencies };
  }

  await handleAll(await updates(LANES * 10), false); // warm-up: isolates, caches, connections
  const results: Record<"today" | "journal", { rate: number[]; latencies: number[] }> = { today: { rate: [], latencies: [] }, journal: { rate: [], latencies: [] } };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ["today", "journal"] as const) {
      const { rate, latencies } = await handleAll(await updates(UPDATES), mode === "journal");
      results[mode].rate.push(rate);
      results[mode].latencies.push(...latencies);
    }
  }
  const sent = (await api.call("getUpdates", { offset, timeout: 0 })) as Update[];
  if (sent.length > 0) throw new Error("updates left over");
  for (const mode of ["today", "journal"] as const) {
    const { rate, latencies } = results[mode];
    const mean = rate.reduce((a, b) => a + b, 0) / rate.length;
    console.log(`${mode.padEnd(8)} ${mean.toFixed(0).padStart(5)} updates/s (${LANES} chats at once; rounds: ${rate.map((r) => r.toFixed(0)).join(", ")})  handle() p50 ${percentile(latencies, 50).toFixed(1)} ms  p99 ${percentile(latencies, 99).toFixed(1)} ms`);
  }
  console.log(`journal/today throughput: ${(results.journal.rate.reduce((a, b) => a + b, 0) / results.today.rate.reduce((a, b) => a + b, 0)).toFixed(2)}`);
} finally {
  await app.close();
  await processing.close();
  await platform.close();
  await emulator.close();
  await admin.query(`drop schema ${schema} cascade`);
  await admin.end();
  rmSync(folder, { recursive: true, force: true });
}
