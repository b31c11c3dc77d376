import { fork, type ChildProcess } from "node:child_process";
import type { ExecutionCode, HostReads, RawOutcome, Stop } from "./isolate-host.js";
import type { FromSandbox, SandboxOptions, ToSandbox } from "./protocol.js";
import { RunWatchdog } from "./run-watchdog.js";
import { SourceSender } from "./source-wire.js";

/** The process entry next to this module: TypeScript under tsx (tests, benchmarks), built JS otherwise. */
const fromSource = import.meta.url.endsWith(".ts");
const ENTRY = new URL(fromSource ? "./child.ts" : "./child.js", import.meta.url);
/**
 * How much bytecode a function runs before V8 optimizes it with TurboFan (its default is 66 KB).
 * Every realm has its own copies of the BJS surface's functions, and each TurboFan job walks
 * every context in the isolate: with 500 warm realms taking turns, optimizing each realm's
 * copies after a few runs took over a third of a sandbox process's main thread. A loop in BJS,
 * or the realm of a busy bot, still reaches this budget soon.
 */
const TIER_UP_BUDGET = "--interrupt-budget=1000000";
const EXEC_ARGV = ["--no-node-snapshot", TIER_UP_BUDGET, ...(fromSource ? ["--import", "tsx"] : [])];

export interface SandboxProcessOptions extends SandboxOptions {
  /**
   * How far past its time limit a run may go before its process is killed (run-watchdog.ts).
   * The isolate's own timeout stops BJS code; this stops work inside built-ins that never check
   * it (sorting or filling a huge array), which would otherwise hold the isolate for seconds.
   */
  watchdogMarginMs: number;
}

/** The run in flight, and how its process was stopped if it was. */
interface Running {
  id: number;
  botId: number;
  reads: HostReads;
  done(outcome: RawOutcome): void;
  watchdog: RunWatchdog;
  killedFor?: Stop;
}

/**
 * One sandbox process (child.ts) seen from the platform: runs one execution at a time, knows
 * which bots are warm in it, kills it when a run outlives the watchdog, and starts a new one
 * when it dies. A process that dies mid-run ends that run alone, as `crash`. A run stopped by
 * the memory limit or a crash while other bots' realms shared the heap is tried once more,
 * alone in the fresh isolate and with a watchdog of its own (nothing was applied yet), so a
 * bot is never charged for a heap that others filled; a real bomb is stopped again.
 */
export class Sandbox {
  private child?: ChildProcess;
  private ready?: Promise<boolean>;
  private running?: Running;
  private warm = new Set<number>();
  private nextId = 0;
  private disposed = false;
  /** The bodies and library sources this process was sent. */
  private sources = new SourceSender();
  /** Processes started after the first. */
  restarts = -1;

  constructor(
    private readonly options: SandboxProcessOptions,
    { startOnFirstRun = false } = {},
  ) {
    if (!startOnFirstRun) this.start();
  }

  /** True when the bot's realm is warm in this process. */
  has(botId: number): boolean {
    return this.warm.has(botId);
  }

  async run(botId: number, run: ExecutionCode, globals: Record<string, unknown>, reads: HostReads, timeoutMs: number, retried = false): Promise<RawOutcome> {
    const shared = this.warm.size - (this.warm.has(botId) ? 1 : 0) > 0;
    if (!this.child) this.start();
    if (!(await this.ready)) return { output: null, stop: "crash" };
    const outcome = await new Promise<RawOutcome>((done) => {
      const id = ++this.nextId;
      const watchdog = new RunWatchdog(timeoutMs, this.options.watchdogMarginMs, () => this.kill("timeout"));
      this.running = { id, botId, reads, done, watchdog };
      const { code, libs, handler } = run;
      const wired = { code: this.sources.wire(code), libs: libs.map(({ name, lazy, code }) => ({ name, lazy, ...this.sources.wire(code) })), handler };
      this.send({ t: "run", id, botId, run: wired, globals, timeoutMs });
    });
    const others = outcome.stop === "crash" ? shared : outcome.stop === "memory" && outcome.shared;
    if (others && !retried) return this.run(botId, run, globals, reads, timeoutMs, true);
    return outcome;
  }

  dispose(): void {
    this.disposed = true;
    this.child?.kill("SIGKILL");
  }

  private start(): void {
    if (this.disposed) return;
    this.restarts++;
    const child = fork(ENTRY, [JSON.stringify(this.options)], { execArgv: EXEC_ARGV, stdio: ["ignore", "ignore", "ignore", "ipc"], serialization: "json" });
    this.child = child;
    this.warm = new Set();
    this.sources = new SourceSender();
    this.ready = new Promise<boolean>((settle) => {
      child.on("message", (message: FromSandbox) => (message.t === "ready" ? settle(true) : this.receive(message)));
      child.on("exit", () => {
        settle(false);
        this.exited(child);
      });
      child.on("error", () => child.kill("SIGKILL"));
    });
  }

  private receive(message: FromSandbox): void {
    const running = this.running;
    if (!running || message.t === "ready" || message.id !== running.id) return;
    if (message.t === "read") {
      const { id, seq } = message;
      let answered = false;
      const answer = (reply: ToSandbox) => {
        if (answered) return;
        answered = true;
        running.watchdog.readEnded();
        this.send(reply);
      };
      // A read the platform answers too late fails in BJS, rather than costing the process.
      running.watchdog.readStarted(() => answer({ t: "read", id, seq, error: "The platform took too long to answer this read" }));
      running.reads(message.name, message.args).then(
        (result) => answer({ t: "read", id, seq, result }),
        (error: Error) => answer({ t: "read", id, seq, error: error.message }),
      );
      return;
    }
    const { renewed, dropped, warm } = message.changes;
    if (renewed) this.warm.clear();
    for (const botId of dropped) this.warm.delete(botId);
    if (warm) this.warm.add(running.botId);
    else this.warm.delete(running.botId);
    this.finish(message.outcome);
  }

  private finish(outcome: RawOutcome): void {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    running.watchdog.stop();
    running.done(outcome);
  }

  /** The process ended (killed by the watchdog, or by V8 itself): its run ends with it. */
  private exited(child: ChildProcess): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.warm = new Set();
    const running = this.running;
    if (running) this.finish({ output: null, stop: running.killedFor ?? "crash" });
  }

  private kill(reason: Stop): void {
    if (!this.running || !this.child) return;
    this.running.killedFor = reason;
    this.child.kill("SIGKILL");
  }

  private send(message: ToSandbox): void {
    // A process that just died takes no message; its exit ends the run.
    if (this.child?.connected) this.child.send(message);
  }
}
