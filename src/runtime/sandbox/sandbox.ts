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

/** A run sent to the process: the one it runs, or the one queued behind it. */
interface Sent {
  id: number;
  botId: number;
  reads: HostReads;
  timeoutMs: number;
  end(ending: RawOutcome | "returned"): void;
  /** Set when the run starts: the watchdog counts only its own time. */
  watchdog?: RunWatchdog;
  /** Whether other bots' realms shared the heap when it started. */
  shared?: boolean;
  killedFor?: Stop;
}

/**
 * One sandbox process (child.ts) seen from the platform: runs one execution at a time, with at
 * most one queued behind it (protocol.ts), knows which bots are warm in it, kills it when a run
 * outlives the watchdog, and starts a new one when it dies. A run the process hands back, or
 * that was still queued when it died, comes back "returned": it never started, and goes
 * wherever the executor sends it. A process that dies mid-run ends that run alone, as `crash`.
 * A run stopped by the memory limit or a crash while other bots' realms shared the heap is tried
 * once more, alone in the fresh isolate and with a watchdog of its own (nothing was applied
 * yet), so a bot is never charged for a heap that others filled; a real bomb is stopped again.
 */
export class Sandbox {
  private child?: ChildProcess;
  private ready?: Promise<boolean>;
  /** The running run first, then the one queued behind it. */
  private sent: Sent[] = [];
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

  async run(botId: number, run: ExecutionCode, globals: Record<string, unknown>, reads: HostReads, timeoutMs: number, retried = false): Promise<RawOutcome | "returned"> {
    if (!this.child) this.start();
    if (!(await this.ready) || this.disposed) return { output: null, stop: "crash" };
    // The process died while this run waited for it: the run goes again, to a process that lives.
    if (!this.child) return "returned";
    let sent!: Sent;
    const ending = await new Promise<RawOutcome | "returned">((end) => {
      sent = { id: ++this.nextId, botId, reads, timeoutMs, end };
      this.sent.push(sent);
      if (this.sent.length === 1) this.started(sent);
      const { code, libs, handler } = run;
      const wired = { code: this.sources.wire(code), libs: libs.map(({ name, lazy, code }) => ({ name, lazy, ...this.sources.wire(code) })), handler };
      this.send({ t: "run", id: sent.id, botId, run: wired, globals, timeoutMs });
    });
    if (ending === "returned") return ending;
    const others = ending.stop === "crash" ? sent.shared : ending.stop === "memory" && ending.shared;
    if (others && !retried) return this.run(botId, run, globals, reads, timeoutMs, true);
    return ending;
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
      // A process that lost its channel is as good as dead (and it ends itself: child.ts).
      const ended = () => {
        settle(false);
        this.exited(child);
      };
      child.on("disconnect", ended);
      child.on("exit", ended);
      child.on("error", () => child.kill("SIGKILL"));
    });
  }

  /** The process starts a run as soon as it has it, or when the one ahead ends. */
  private started(sent: Sent): void {
    sent.shared = this.warm.size - (this.warm.has(sent.botId) ? 1 : 0) > 0;
    sent.watchdog = new RunWatchdog(sent.timeoutMs, this.options.watchdogMarginMs, () => this.kill(sent, "timeout"));
  }

  private receive(message: FromSandbox): void {
    if (message.t === "ready") return;
    if (message.t === "returned") {
      const index = this.sent.findIndex((sent) => sent.id === message.id);
      // Only a run that has not started comes back.
      if (index > 0) this.sent.splice(index, 1)[0]!.end("returned");
      return;
    }
    const running = this.sent[0];
    if (!running || message.id !== running.id) return;
    if (message.t === "read") {
      const { id, seq } = message;
      let answered = false;
      const answer = (reply: ToSandbox) => {
        if (answered) return;
        answered = true;
        running.watchdog!.readEnded();
        this.send(reply);
      };
      // A read the platform answers too late fails in BJS, rather than costing the process.
      running.watchdog!.readStarted(() => answer({ t: "read", id, seq, error: "The platform took too long to answer this read" }));
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
    // The process went on to the queued run as it sent this answer.
    if (this.sent[0]) this.started(this.sent[0]);
  }

  private finish(outcome: RawOutcome): void {
    const running = this.sent.shift();
    if (!running) return;
    running.watchdog!.stop();
    running.end(outcome);
  }

  /** The process ended (killed by the watchdog, or by V8 itself): its run ends with it, a queued one goes back. */
  private exited(child: ChildProcess): void {
    if (this.child !== child) return;
    this.child = undefined;
    child.kill("SIGKILL");
    this.warm = new Set();
    const running = this.sent[0];
    if (running) this.finish({ output: null, stop: running.killedFor ?? "crash" });
    for (const queued of this.sent.splice(0)) queued.end("returned");
  }

  private kill(sent: Sent, reason: Stop): void {
    if (this.sent[0] !== sent || !this.child) return;
    sent.killedFor = reason;
    this.child.kill("SIGKILL");
  }

  private send(message: ToSandbox): void {
    // A process that just died takes no message; its exit ends the run.
    if (this.child?.connected) this.child.send(message);
  }
}
