/**
 * The BJS executor alone: executions per second of a small body (one property read, one
 * write, one message) in one bot's warm realm, beside the bare isolated-vm baseline of the
 * same body in a reused context without the BJS surface or the realm guard.
 *
 *   npx tsx bench/executor.ts [--runs 5000]
 */
import { parseArgs } from "node:util";
import ivm from "isolated-vm";
import { Executor, defaultExecutorOptions } from "../src/runtime/sandbox/executor.js";
import { percentile } from "./stats.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5000" } } });
const RUNS = Number(values.runs);
const BODY = 'var n = User.getProp("n", 0) + 1;\nUser.setProp("n", n, "integer");\nBot.sendMessage("hi " + n, {parse_mode: null});';

async function timed(run: () => Promise<unknown>): Promise<{ perSecond: number; p50: number; p99: number }> {
  for (let i = 0; i < 200; i++) await run();
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < RUNS; i++) {
    const at = performance.now();
    await run();
    samples.push(performance.now() - at);
  }
  return { perSecond: RUNS / ((performance.now() - started) / 1000), p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

const executor = new Executor({ ...defaultExecutorOptions, isolates: 1 });
const globals = { message: "/start", params: "", user: { id: 1, telegramid: 1 }, chat: { id: 1, chatid: 1, chat_type: "private" } };
const ours = await timed(() =>
  executor.execute({ botId: 1, ownerId: 1, segments: [{ name: "/start", code: BODY }], globals, reads: async () => '{"found":true,"value":1,"type":"integer"}', timeoutMs: 5000 }),
);
executor.dispose();

const isolate = new ivm.Isolate({ memoryLimit: 128 });
const context = await isolate.createContext();
await context.eval('globalThis.User = { getProp(n, d) { return d; }, setProp() {} }; globalThis.Bot = { sendMessage(t) { globalThis.out = t; } };');
const script = await isolate.compileScript(`(function () {\n${BODY}\n})(); out`);
const bare = await timed(() => script.run(context, { timeout: 5000 }));
isolate.dispose();

const line = (name: string, r: { perSecond: number; p50: number; p99: number }) =>
  `${name.padEnd(48)} ${r.perSecond.toFixed(0).padStart(7)} runs/s   p50 ${r.p50.toFixed(3)} ms   p99 ${r.p99.toFixed(3)} ms`;
console.log(line("Executor (BJS surface, realm guard, host read)", ours));
console.log(line("bare isolated-vm, reused context (baseline)", bare));
console.log(`ratio ${(ours.perSecond / bare.perSecond).toFixed(2)}×`);
