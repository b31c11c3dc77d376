/**
 * The BJS executor alone: executions per second of a small body (one property read, one
 * write, one message), beside the bare isolated-vm baseline of the same body in a reused
 * context without the BJS surface or the realm guard. With `--bots N` the runs take turns
 * over N bots (each with its own realm), as a platform with many active bots runs them; the
 * sandbox process's CPU time per run is printed too (what the runs cost, whatever else the
 * machine is doing), and, with several bots, what a realm's first three runs cost each (its
 * build, then the runs that warm what V8 keeps per realm).
 *
 *   npx tsx bench/executor.ts [--runs 5000] [--bots 1]
 */
import { parseArgs } from "node:util";
import ivm from "isolated-vm";
import { built } from "./built.js";
import { childrenCpuNs, percentile } from "./stats.js";

const { Executor, defaultExecutorOptions } = await built<typeof import("../src/runtime/sandbox/executor.js")>("runtime/sandbox/executor.js");

const { values } = parseArgs({ options: { runs: { type: "string", default: "5000" }, bots: { type: "string", default: "1" } } });
const RUNS = Number(values.runs);
const BOTS = Number(values.bots);
const BODY = 'var n = User.getProp("n", 0) + 1;\nUser.setProp("n", n, "integer");\nBot.sendMessage("hi " + n, {parse_mode: null});';

interface Timing {
  perSecond: number;
  p50: number;
  p99: number;
  /** CPU time of the sandbox process per timed run, in µs. */
  sandboxUs: number;
  /** The same for each of the first passes over the bots: a realm's build and first run, its second run, its third. */
  firstPassesUs: number[];
}

/** Passes over the bots timed on their own before the timed runs: a realm costs more until its third run. */
const FIRST_PASSES = 3;

/**
 * Runs `run` for every bot FIRST_PASSES times (at least 200 runs in all, so that V8 has warmed
 * up), then RUNS times taking turns over the bots; times each call of the latter.
 */
async function timed(run: (bot: number) => Promise<unknown>): Promise<Timing> {
  const firstPassesUs: number[] = [];
  for (let pass = 0; pass < FIRST_PASSES; pass++) {
    const before = childrenCpuNs();
    for (let bot = 0; bot < BOTS; bot++) await run(bot);
    firstPassesUs.push((childrenCpuNs() - before) / 1000 / BOTS);
  }
  for (let i = FIRST_PASSES * BOTS; i < 200; i++) await run(i % BOTS);
  const samples: number[] = [];
  const sandboxBefore = childrenCpuNs();
  const started = performance.now();
  for (let i = 0; i < RUNS; i++) {
    const at = performance.now();
    await run(i % BOTS);
    samples.push(performance.now() - at);
  }
  const perSecond = RUNS / ((performance.now() - started) / 1000);
  return { perSecond, p50: percentile(samples, 50), p99: percentile(samples, 99), sandboxUs: (childrenCpuNs() - sandboxBefore) / 1000 / RUNS, firstPassesUs };
}

const executor = new Executor({ ...defaultExecutorOptions, isolates: 1 });
// The read answered ahead, as the platform does for a literal property name (property-prefetch.ts).
const globals = { message: "/start", params: "", user: { id: 1, telegramid: 1 }, chat: { id: 1, chatid: 1, chat_type: "private" }, prefetched: [{ scope: "user", name: "n", found: true, value: 1, type: "integer" }] };
const ours = await timed((bot) =>
  executor.execute({ botId: bot + 1, ownerId: 1, segments: [{ name: "/start", code: BODY }], globals, reads: async () => '{"found":true,"value":1,"type":"integer"}', timeoutMs: 5000 }),
);
executor.dispose();

const isolate = new ivm.Isolate({ memoryLimit: 128 });
const context = await isolate.createContext();
await context.eval('globalThis.User = { getProp(n, d) { return d; }, setProp() {} }; globalThis.Bot = { sendMessage(t) { globalThis.out = t; } };');
const script = await isolate.compileScript(`(function () {\n${BODY}\n})(); out`);
const bare = await timed(() => script.run(context, { timeout: 5000 }));
isolate.dispose();

const line = (name: string, r: Timing) => `${name.padEnd(48)} ${r.perSecond.toFixed(0).padStart(7)} runs/s   p50 ${r.p50.toFixed(3)} ms   p99 ${r.p99.toFixed(3)} ms`;
console.log(`${RUNS} runs over ${BOTS} bot(s), one sandbox process`);
console.log(`${line("Executor (BJS surface, realm guard)", ours)}   sandbox process CPU ${ours.sandboxUs.toFixed(0)} µs/run`);
if (BOTS > 1) {
  const [build, second, third] = ours.firstPassesUs.map((us) => `${us.toFixed(0)} µs`);
  console.log(`  a realm's first runs, sandbox process CPU per run: build and first run ${build}, second ${second}, third ${third} (then as above)`);
}
console.log(line("bare isolated-vm, reused context (baseline)", bare));
console.log(`ratio ${(ours.perSecond / bare.perSecond).toFixed(2)}×`);
