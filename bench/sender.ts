/**
 * The sender under a mailing: `--recipients` private chats of one bot get one message each
 * (priority "broadcast", a bounded number in flight, as a broadcast worker keeps), through the
 * emulator with Telegram's limits on at the same per-bot rate as the sender's. Meanwhile
 * users of the same bot get an interactive reply twice a second. Run twice in the same
 * process: a baseline with no 429, then with `--faults` 429s (retry_after 1 s) injected
 * evenly over the mailing. Prints, for each: the achieved rate (the mailing's and the
 * replies' sends) divided by the configured one (the 429 pauses count against it), duplicates and losses (from the emulator's chats), the
 * emulator's own 429s (the sender early), and the p50/p99 latency of the replies.
 *
 *   npx tsx bench/sender.ts [--recipients 5000] [--rate 30] [--faults 5]
 *
 * Loopback only, system clock; at 30/s each run takes recipients / 30 seconds.
 */
import { parseArgs } from "node:util";
import { systemClock } from "../src/clock.js";
import { TelegramSender } from "../src/runtime/telegram-sender.js";
import { startEmulator, type RunningEmulator } from "../src/telegram/emulator/index.js";

const { values } = parseArgs({
  options: {
    recipients: { type: "string", default: "5000" },
    rate: { type: "string", default: "30" },
    faults: { type: "string", default: "5" },
  },
});
const RECIPIENTS = Number(values.recipients);
const RATE = Number(values.rate);
const FAULTS = Number(values.faults);
/** Broadcast calls pending at once (a broadcast worker's window). */
const IN_FLIGHT = 2 * RATE;
const REPLY_EVERY_MS = 500;
/** Interactive users, replied to in turn: each gets a message every 10 s, under its chat's limit. */
const REPLY_USERS = 20;

interface RunResult {
  label: string;
  rateRatio: number;
  seconds: number;
  duplicates: number;
  losses: number;
  failed: number;
  emulator429: number;
  replies: number;
  p50: number;
  p99: number;
}

async function run(label: string, faults: number): Promise<RunResult> {
  const emulator: RunningEmulator = await startEmulator({ limits: { enabled: true, perBotPerSecond: RATE }, historyLimit: 10 });
  const { control } = emulator;
  const bot = control.registerBot({ username: "mailing_bot" });
  const chatOf = (index: number) => {
    const user = control.createUser({ first_name: `R${index}` });
    control.openPrivateChat({ user_id: user.id, bot_id: bot.user.id });
    return user.id;
  };
  const recipients = Array.from({ length: RECIPIENTS }, (_, i) => chatOf(i));
  const repliers = Array.from({ length: REPLY_USERS }, (_, i) => chatOf(RECIPIENTS + i));
  const sender = new TelegramSender({ apiRoot: emulator.apiRoot, clock: systemClock, limits: { enabled: true, perBotPerSecond: RATE, paidPerBotPerSecond: 0 } });

  // Replies while the mailing runs.
  const latencies: number[] = [];
  const repliedAt: number[] = [];
  let replying = true;
  let turn = 0;
  const replies = (async () => {
    const pending: Promise<void>[] = [];
    while (replying) {
      const chatId = repliers[turn++ % REPLY_USERS]!;
      const started = performance.now();
      pending.push(
        sender.call(bot.token, "sendMessage", { chat_id: chatId, text: "your answer" }).then(() => {
          repliedAt.push(performance.now());
          latencies.push(performance.now() - started);
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, REPLY_EVERY_MS));
    }
    await Promise.all(pending);
  })();

  // 429s spread over the mailing's expected length.
  const expectedMs = (RECIPIENTS / RATE) * 1000;
  const faultTimers = Array.from({ length: faults }, (_, i) =>
    setTimeout(() => emulator.emulator.faults.inject({ method: "sendMessage", kind: 429, count: 1, retryAfter: 1 }), ((i + 1) * expectedMs) / (faults + 1)),
  );

  let failed = 0;
  let next = 0;
  let firstAt = 0;
  let lastAt = 0;
  const started = performance.now();
  const worker = async () => {
    for (let index = next++; index < RECIPIENTS; index = next++) {
      try {
        await sender.call(bot.token, "sendMessage", { chat_id: recipients[index], text: `news ${index}` }, { priority: "broadcast" });
        lastAt = performance.now();
        firstAt ||= lastAt;
      } catch {
        failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  replying = false;
  await replies;
  faultTimers.forEach(clearTimeout);

  let duplicates = 0;
  let losses = 0;
  for (const chatId of recipients) {
    const received = control.history({ chat_id: chatId, bot_id: bot.user.id }).filter((message) => message.from?.id === bot.user.id).length;
    if (received === 0) losses++;
    if (received > 1) duplicates += received - 1;
  }
  const counters = control.counters();
  sender.close();
  await emulator.close();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  // Every send of the bot counts against its rate, the replies too: from the first delivery on.
  const repliesMeanwhile = repliedAt.filter((at) => at > firstAt && at <= lastAt).length;
  const rateRatio = (RECIPIENTS - 1 + repliesMeanwhile) / ((lastAt - firstAt) / 1000) / RATE;
  return {
    label,
    rateRatio,
    seconds: (performance.now() - started) / 1000,
    duplicates,
    losses,
    failed,
    emulator429: counters.tooManyRequests - faults,
    replies: latencies.length,
    p50: at(0.5),
    p99: at(0.99),
  };
}

const results = [await run("no 429 (baseline)", 0), await run(`${FAULTS} injected 429s`, FAULTS)];
console.log(`sender: ${RECIPIENTS} recipients at ${RATE}/s per bot, ${IN_FLIGHT} in flight, a reply every ${REPLY_EVERY_MS} ms`);
console.table(
  results.map((r) => ({
    run: r.label,
    "achieved / configured rate": r.rateRatio.toFixed(3),
    seconds: r.seconds.toFixed(1),
    duplicates: r.duplicates,
    losses: r.losses,
    "failed calls": r.failed,
    "429s from pacing": r.emulator429,
    replies: r.replies,
    "reply p50 ms": r.p50.toFixed(0),
    "reply p99 ms": r.p99.toFixed(0),
  })),
);
