import { fork, type ChildProcess } from "node:child_process";
import type { ExecutionCode, HostReads, RawOutcome, Stop } from "./isolate-host.js";
import { sharedClockMs, type FromSandbox, type SandboxOptions, type ToSandbox } from "./protocol.js";
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
/**
 * The young generation's semi-space, in MB (isolated-vm gives an isolate of 448 MB about 4).
 * A scavenge walks the roots of every warm realm, so fewer, larger ones cost less: with 1,000
 * realms taking turns, `bench/executor.ts --bots 1000` made 205 scavenges in 317 ms at the
 * default and 129 in 265 ms at 8 MB, and a run's p99 fell from 1.7-1.9 ms to 0.8 ms. It costs
 * memory: isolated-vm allows the young generation past `BJS_MEMORY_MB`, so a memory bomb now
 * stops about 24 MB later. Not more: from 12 MB on, a small isolate filling a huge array ran
 * about 30 s into its memory limit where it had ended its process within a second.
 */
const YOUNG_GENERATION = "--max-semi-space-size=8";
const EXEC_ARGV = ["--no-node-snapshot", TIER_UP_BUDGET, YOUNG_GENERATION, ...(fromSource ? ["--import", "tsx"] : [])];

export interface SandboxProcessOptions extends SandboxOptions {
  /**
   * How far past its time limit a run may go before its process is killed (run-watchdog.ts).
   * The isolate's own timeout stops BJS code; this stops work inside built-ins that never check
   * it (sorting or filling a huge array), which would otherwise hold the isolate for seconds.
   */
  watchdogMarginMs: number;
  /** How long a run sent behind another has to start there before it goes elsewhere (protocol.ts). */
  returnAfterMs: number;
}

/** A run sent to the process and not yet ended or handed back. */
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
 * most one sent behind it (protocol.ts), knows which bots are warm in it, kills it when a run
 * outlives the watchdog, and starts a new one when it dies. A run the process hands back, or
 * that did not start by its deadline, or was still unstarted when the process died, comes back
 * "returned": it never started, and goes wherever the executor sends it. A process that dies
 * mid-run ends that run alone, as `crash`.
 * A run stopped by the memory limit or a crash while other bots' realms shared the heap is tried
 * once more, alone in the fresh isolate and with a watchdog of its own (nothing was applied
 * yet), so a bot is never charged for a heap that others filled; a real bomb is stopped again.
 */
export class Sandbox {
  private child?: ChildProcess;
  private ready?: Promise<boolean>;
  /** The process said it is ready and has not ended since. */
  private up = false;
  private sent: Sent[] = [];
  /** The watchdog killed the process: what it announces after that never ran, and no run is sent to it. */
  private killed = false;
  /** Settles once the process has ended and everything it wrote was read. */
  private closed?: Promise<void>;
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

  /** True when a process is ready to run now (not dead, not still starting). */
  get live(): boolean {
    return this.up;
  }

  /** True when the bot's realm is warm in this process. */
  has(botId: number): boolean {
    return this.warm.has(botId);
  }

  async run(botId: number, run: ExecutionCode, globals: Record<string, unknown>, reads: HostReads, timeoutMs: number, retried = false): Promise<RawOutcome | "returned"> {
    // A process the watchdog killed may still answer a run that ended meanwhile: the next run waits for the process after it.
    if (this.killed) await this.closed;
    if (!this.child) this.start();
    if (!(await this.ready) || this.disposed) return { output: null, stop: "crash" };
    // The process died while this run waited for it: the run goes again, to a process that lives.
    if (!this.child) return "returned";
    let sent!: Sent;
    const ending = await new Promise<RawOutcome | "returned">((end) => {
      sent = { id: ++this.nextId, botId, reads, timeoutMs, end };
      const startBy = this.sent.length > 0 && !retried ? sharedClockMs() + this.options.returnAfterMs : undefined;
      this.sent.push(sent);
      if (startBy === undefined) this.started(sent);
      else this.recallAt(sent, startBy);
      const { code, libs, handler } = run;
      const wired = { code: this.sources.wire(code), libs: libs.map(({ name, lazy, code }) => ({ name, lazy, ...this.sources.wire(code) })), handler };
      this.send({ t: "run", id: sent.id, botId, run: wired, globals, timeoutMs, startBy, alone: retried || undefined });
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
    this.up = false;
    this.killed = false;
    this.warm = new Set();
    this.sources = new SourceSender();
    let closed!: () => void;
    this.closed = new Promise((settle) => (closed = settle));
    this.ready = new Promise<boolean>((settle) => {
      child.on("message", (message: FromSandbox) => {
        if (message.t !== "ready") return this.receive(message);
        this.up = this.child === child;
        settle(true);
      });
      // `close` comes after everything the process wrote to the channel was read: a run it
      // announced before it died is known to have started.
      const ended = () => {
        settle(false);
        this.exited(child);
        closed();
      };
      child.on("close", ended);
      // A process that could not be started (no pid) never closes.
      child.on("error", () => (child.pid === undefined ? ended() : child.kill("SIGKILL")));
    });
  }

  /** The run starts: as sent to an idle process, or as the process announced it. */
  private started(sent: Sent): void {
    sent.shared = this.warm.size - (this.warm.has(sent.botId) ? 1 : 0) > 0;
    sent.watchdog = new RunWatchdog(sent.timeoutMs, this.options.watchdogMarginMs, () => this.kill(sent, "timeout"), sharedClockMs);
  }

  /**
   * Takes a run sent behind another back once its deadline is past, unless the process has
   * announced it by then. The check waits for a poll of the channel (which comes before
   * setImmediate's turn), so an announcement written before the deadline is read first.
   */
  private recallAt(sent: Sent, startBy: number): void {
    const left = startBy - sharedClockMs();
    // The loop's timer clock may lag the real one: a timer that fires early is set again.
    if (left > 0) setTimeout(() => this.recallAt(sent, startBy), Math.ceil(left));
    else setImmediate(() => sent.watchdog || this.handedBack(sent));
  }

  private receive(message: FromSandbox): void {
    const sent = this.sent.find((candidate) => candidate.id === (message as { id?: number }).id);
    if (!sent) return;
    if (message.t === "returned") return this.handedBack(sent);
    if (message.t === "started") {
      if (!sent.watchdog && !this.killed) this.started(sent);
      return;
    }
    // Reads and answers come from the run that started.
    const { watchdog } = sent;
    if (!watchdog) return;
    if (message.t === "read") {
      const { id, seq } = message;
      let answered = false;
      const answer = (reply: ToSandbox) => {
        if (answered) return;
        answered = true;
        watchdog.readEnded();
        this.send(reply);
      };
      // A read the platform answers too late fails in BJS, rather than costing the process.
      watchdog.readStarted(() => answer({ t: "read", id, seq, error: "The platform took too long to answer this read" }), message.stoppedAt, message.resumedAt);
      sent.reads(message.name, message.args).then(
        (result) => answer({ t: "read", id, seq, result }),
        (error: Error) => answer({ t: "read", id, seq, error: error.message }),
      );
      return;
    }
    if (message.t !== "done") return;
    const { renewed, dropped, warm } = message.changes;
    if (renewed) this.warm.clear();
    for (const botId of dropped) this.warm.delete(botId);
    if (warm) this.warm.add(sent.botId);
    else this.warm.delete(sent.botId);
    this.ended(sent, message.outcome);
  }

  /** A run that never started goes back to the executor. */
  private handedBack(sent: Sent): void {
    if (this.sent.includes(sent)) this.ended(sent, "returned");
  }

  private ended(sent: Sent, ending: RawOutcome | "returned"): void {
    this.sent.splice(this.sent.indexOf(sent), 1);
    sent.watchdog?.stop();
    sent.end(ending);
  }

  /**
   * The process ended (killed by the watchdog, or by V8 itself): its run ends with it, the
   * unstarted ones go back, and a process that had started is started again at once, so the
   * next run does not wait for it (one that died before it was ready waits for a run to ask).
   */
  private exited(child: ChildProcess): void {
    if (this.child !== child) return;
    const hadStarted = this.up;
    this.child = undefined;
    this.up = false;
    this.warm = new Set();
    for (const sent of [...this.sent]) this.ended(sent, sent.watchdog ? { output: null, stop: sent.killedFor ?? "crash" } : "returned");
    if (hadStarted) this.start();
  }

  private kill(sent: Sent, reason: Stop): void {
    if (!this.sent.includes(sent) || !this.child) return;
    sent.killedFor = reason;
    this.killed = true;
    this.child.kill("SIGKILL");
  }

  private send(message: ToSandbox): void {
    // A process that just died takes no message; its exit ends the run.
    if (this.child?.connected) this.child.send(message);
  }
}
