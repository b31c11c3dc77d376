/**
 * A broadcast at Telegram's limits: 5,000 recipients through the emulator with its flood
 * limits on (30 messages/s per bot, 1/s per private chat) and 429s injected on top, while a
 * user keeps talking to the same bot. Botyard as `botyard serve` wires it (SQLite, webhook
 * intake, the embedded job queue, the sender pacing every call: TELEGRAM_LIMITS on); the
 * emulator runs in the same process.
 *
 * It prints:
 * - the achieved rate (recipients delivered per second, from the task's start to its end)
 *   divided by the sender's configured per-bot rate (the emulator's limit is the same); the
 *   injected 429s' pauses count against it; target at least 0.95. Beside it, the bot's rate
 *   with the replies sent meanwhile, which share the per-bot rate;
 * - the emulator's own 429s (the sender sending early), beside the injected ones;
 * - duplicates and losses: recipients with more or fewer than one message; target 0;
 * - the p50/p99 latency of the user's `/ping` replies while the broadcast runs, beside the
 *   same replies with no broadcast (the baseline, in the same run); target p99 under 1 s.
 *
 *   npx tsx bench/broadcast.ts [--recipients 5000] [--faults 5]
 *
 * `--faults N` injects N 429s (retry_after 1 s) spread over the broadcast: each holds the
 * whole bot for a second, and the message is sent again.
 * Loopback only; it stops by itself.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { buildApp } from "../src/api/app.js";
import { loadConfig } from "../src/config.js";
import { createPlatform } from "../src/platform.js";
import { createProcessing } from "../src/runtime/processing.js";
import { directTransport, EmulatorClient, startEmulator, telegramLimits, type ChatHandle, type UserHandle } from "../src/telegram/emulator/index.js";
import { freePort } from "../test/support/net.js";
import { percentile } from "./stats.js";

const { values } = parseArgs({ options: { recipients: { type: "string", default: "5000" }, faults: { type: "string", default: "5" } } });
const RECIPIENTS = Number(values.recipients);
const FAULTS = Number(values.faults);
/** The injected 429s' retry_after, in seconds. */
const RETRY_AFTER_S = 1;
/** A pause between pings: Telegram allows about one message a second to one private chat. */
const PING_EVERY_MS = 1000;

const folder = mkdtempSync(join(tmpdir(), "botyard-bench-broadcast-"));
const emulator = await startEmulator({ limits: { enabled: true } });
const client = new EmulatorClient(directTransport(emulator.control));
const port = await freePort();
const config = loadConfig({
  DATA_DIR: folder,
  SECRET_KEY: "bench",
  PORT: String(port),
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  TELEGRAM_API_ROOT: emulator.apiRoot,
  FREE_PLAN_ITERATIONS: "1000000000",
  TELEGRAM_LIMITS: "on",
  TELEGRAM_BOT_RATE: String(telegramLimits.perBotPerSecond),
});
const platform = await createPlatform(config, { log: pino({ level: "warn" }) });
const processing = createProcessing(platform);
const app = await buildApp(platform);
await app.listen({ port, host: "127.0.0.1" });
await platform.runtime.start(processing.processor);
await platform.jobs.start();

try {
  const tg = await client.registerBot({ username: "broadcast_bench_bot" });
  const key = (await app.inject({ method: "POST", url: "/v2/auth", payload: { email: "bench@example.com", password: "bench password" } })).json().data.api_key as string;
  const botId = (await app.inject({ method: "POST", url: `/v2/bots?api_key=${key}`, payload: { name: "bench", token: tg.token } })).json().id as number;
  await app.inject({ method: "POST", url: `/v2/bots/${botId}/commands?api_key=${key}`, payload: { command: "/ping", bjs_code: 'Bot.sendMessage("pong " + params, {parse_mode: null})' } });
  const started = await app.inject({ method: "POST", url: `/v2/bots/${botId}/status?api_key=${key}`, payload: { status: "start_launch" } });
  if (started.json().status !== "works") throw new Error(`the bot did not start: ${started.body}`);

  // The recipients: private chats opened in the emulator, known to the bot (seeded, not /started: that would take minutes at 30/s).
  process.stdout.write(`seeding ${RECIPIENTS} recipients... `);
  const chats: ChatHandle[] = [];
  for (let i = 0; i < RECIPIENTS; i++) chats.push(await (await client.createUser({ first_name: `R${i}` })).privateChat(tg));
  const now = new Date().toISOString();
  for (let i = 0; i < chats.length; i += 500) {
    const rows = chats.slice(i, i + 500).map((chat) => ({ bot_id: botId, chatid: String(chat.id), chat_type: "private", title: null, username: null, user_id: null, blocked: 0, created_at: now, updated_at: now }));
    await platform.database.db.insertInto("chats").values(rows).execute();
  }
  console.log("done");

  const talker = await client.createUser({ first_name: "Talker" });
  const talk = await talker.privateChat(tg);
  /** The user's `/ping` replies, timed, until `until()` says stop. */
  async function pings(user: UserHandle, chat: ChatHandle, until: () => boolean, atLeast = 0): Promise<number[]> {
    const latencies: number[] = [];
    for (let i = 0; !until() || latencies.length < atLeast; i++) {
      const sentAt = performance.now();
      await user.command(chat, "ping", String(i));
      // The talker is a recipient too: its "Big news" is not the reply.
      let reply = await chat.waitForReply({ timeoutMs: 60_000 });
      while (reply.text === "Big news") reply = await chat.waitForReply({ timeoutMs: 60_000 });
      if (reply.text !== `pong ${i}`) throw new Error(`unexpected reply ${reply.text}`);
      latencies.push(performance.now() - sentAt);
      await new Promise((resolve) => setTimeout(resolve, PING_EVERY_MS));
    }
    return latencies;
  }

  const quiet = await pings(talker, talk, () => true, 20);

  const task = (await app.inject({ method: "POST", url: `/v2/bots/${botId}/broadcasts?api_key=${key}`, payload: { text: "Big news", for_chats: "private-chats" } })).json();
  const state = async () => (await app.inject({ method: "GET", url: `/v2/bots/${botId}/broadcasts?api_key=${key}` })).json()[0] as Record<string, unknown>;
  let finished = false;
  const busy = pings(talker, talk, () => finished);
  const faults = (async () => {
    for (let fault = 1; fault <= FAULTS; fault++) {
      while (!finished && ((await state()).processed as number) < (fault * RECIPIENTS) / (FAULTS + 1)) await new Promise((resolve) => setTimeout(resolve, 200));
      if (finished) return;
      await client.injectFault({ method: "sendMessage", kind: 429, retryAfter: RETRY_AFTER_S });
    }
  })();
  let last = 0;
  for (;;) {
    const now = await state();
    if (now.status === "finished") break;
    if ((now.processed as number) - last >= 500) {
      last = now.processed as number;
      console.log(`  ${now.processed}/${now.total} at ${now.speed}/s, ${emulator.emulator.counters.tooManyRequests} answers 429 so far`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  finished = true;
  const [busyLatencies] = await Promise.all([busy, faults]);
  const done = await state();
  const seconds = (Date.parse(done.finished_at as string) - Date.parse(done.started_at as string)) / 1000;
  const achieved = (done.delivered as number) / seconds;
  const configured = config.sending.perBotPerSecond;
  const injected = FAULTS - emulator.emulator.faults.pending;

  const counts = await Promise.all(chats.map(async (chat) => (await chat.history()).filter((m) => m.from?.is_bot && m.text === "Big news").length));
  const duplicates = counts.filter((count) => count > 1).length;
  const losses = counts.filter((count) => count === 0).length;

  const ms = (value: number) => `${Math.round(value)} ms`;
  console.log(`\nbroadcast of ${RECIPIENTS} (task ${task.id}): ${done.delivered} delivered, ${done.failed} failed, ${done.blocked} blocked in ${seconds.toFixed(1)} s`);
  console.log(`  429 answers: ${injected} injected, ${emulator.emulator.counters.tooManyRequests - injected} from the emulator's limits (target 0)`);
  console.log(`  achieved ${achieved.toFixed(2)}/s; configured ${configured}/s; ratio ${(achieved / configured).toFixed(3)} (target >= 0.95)`);
  const withReplies = ((done.delivered as number) + busyLatencies.length) / seconds;
  console.log(`  with the ${busyLatencies.length} /ping replies sent meanwhile: ${withReplies.toFixed(2)}/s, ratio ${(withReplies / configured).toFixed(3)}; ${injected * RETRY_AFTER_S} s of it held by the injected 429s`);
  console.log(`  duplicates ${duplicates}, losses ${losses} (target 0 and 0)`);
  console.log(`  /ping replies, no broadcast (baseline): p50 ${ms(percentile(quiet, 50))}, p99 ${ms(percentile(quiet, 99))} over ${quiet.length}`);
  console.log(`  /ping replies during the broadcast:     p50 ${ms(percentile(busyLatencies, 50))}, p99 ${ms(percentile(busyLatencies, 99))} over ${busyLatencies.length} (target p99 < 1000 ms); p99 ratio ${(percentile(busyLatencies, 99) / percentile(quiet, 99)).toFixed(1)}x`);
} finally {
  await app.close();
  await platform.runtime.close();
  await processing.close();
  await platform.close();
  await emulator.close();
  rmSync(folder, { recursive: true, force: true });
}
