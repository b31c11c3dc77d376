/**
 * A sandbox process: one isolate (isolate-host.ts) running the platform's BJS, one execution at
 * a time with at most one queued behind it, driven over the IPC channel (protocol.ts). Property
 * reads go back to the platform.
 * V8 ends the whole process on some allocations no isolate limit catches; then only this
 * process and its one execution are lost (a queued one goes elsewhere, unstarted), and the
 * platform starts another.
 */
import { IsolateHost, type ExecutionCode, type RawOutcome } from "./isolate-host.js";
import { sharedClockMs, type FromSandbox, type SandboxOptions, type ToSandbox } from "./protocol.js";
import { SourceReceiver } from "./source-wire.js";

const options = JSON.parse(process.argv[2]!) as SandboxOptions;
const host = new IsolateHost(options);
const waitingReads = new Map<number, { resolve(result: string): void; reject(error: Error): void }>();
const sources = new SourceReceiver();
let readSeq = 0;
/** When the running run took the answer to its last read (run-watchdog.ts). */
let resumedAt: number | undefined;

/** A body that says which source never arrived, in place of it. */
const missing = (what: string) => `throw new Error(${JSON.stringify(`${what} did not reach the sandbox`)})`;

const send = (message: FromSandbox, written?: () => void) => process.send!(message, (error: Error | null) => error || written?.());

/** A run as the process holds it: its sources taken from the channel as it arrived. */
interface Run {
  id: number;
  botId: number;
  code: ExecutionCode;
  globals: Record<string, unknown>;
  timeoutMs: number;
  /** Set on a run sent behind another: past it, the run may no longer start here. */
  startBy?: number;
  alone?: boolean;
}

/** The longest output after which a queued run may follow (64 K characters are at most 384 KB of JSON: see protocol.ts). */
const FOLLOW_AFTER_CHARS = 64 * 1024;

/** Whether a run is in progress (or being announced); the run queued behind it. */
let busy = false;
let queued: Run | undefined;
/** A run met the memory limit beside other realms: every run goes back until its second try comes (protocol.ts). */
let awaitingRetry = false;

process.on("message", (message: ToSandbox) => {
  if (message.t === "read") {
    const waiting = waitingReads.get(message.seq);
    waitingReads.delete(message.seq);
    resumedAt = sharedClockMs();
    if (message.error !== undefined) waiting?.reject(new Error(message.error));
    else waiting?.resolve(message.result!);
    return;
  }
  // Sources are taken now, whether the run starts, waits or goes back: the platform counts them
  // as sent to this process, and names them only from now on.
  const { id, botId, globals, timeoutMs, startBy, alone } = message;
  const code = {
    code: sources.take(message.run.code) ?? missing("the command's code"),
    libs: message.run.libs.map((lib) => ({ name: lib.name, lazy: lib.lazy, code: sources.take(lib) ?? missing(`the source of library ${lib.name}`) })),
    handler: message.run.handler,
  };
  const run = { id, botId, code, globals, timeoutMs, startBy, alone };
  // A third run goes back unstarted, as does any but the second try the process waits for.
  if ((awaitingRetry && !alone) || (busy && queued)) send({ t: "returned", id });
  else if (busy) queued = run;
  else begin(run);
  if (alone) awaitingRetry = false;
});

/**
 * Starts a run. One sent behind another is announced first, and starts only once the
 * announcement is written and its deadline not yet past (protocol.ts): so the platform hears of
 * it even if the run then ends the process, and never gives it elsewhere while it runs here.
 */
function begin(run: Run): void {
  busy = true;
  const { startBy } = run;
  if (startBy === undefined) return start(run);
  send({ t: "started", id: run.id }, () => {
    if (sharedClockMs() < startBy) return start(run);
    send({ t: "returned", id: run.id });
    next(true);
  });
}

/** After a run: the queued one starts if it still may, and only after a clean, short run (protocol.ts), or goes back. */
function next(clean: boolean): void {
  busy = false;
  const run = queued;
  queued = undefined;
  if (!run) return;
  if (clean && sharedClockMs() < (run.startBy ?? 0)) begin(run);
  else send({ t: "returned", id: run.id });
}

function start({ id, botId, code, globals, timeoutMs, alone }: Run): void {
  resumedAt = undefined;
  const reads = (name: string, args: string) =>
    new Promise<string>((resolve, reject) => {
      const seq = ++readSeq;
      waitingReads.set(seq, { resolve, reject });
      send({ t: "read", id, seq, name, args, stoppedAt: sharedClockMs(), resumedAt });
    });
  const ended = (outcome: RawOutcome) => {
    send({ t: "done", id, outcome, changes: host.takeChanges(botId) });
    awaitingRetry = outcome.stop === "memory" && outcome.shared === true && !alone;
    next(outcome.stop === undefined && (outcome.output?.length ?? 0) <= FOLLOW_AFTER_CHARS);
  };
  void host.run(botId, code, globals, reads, timeoutMs).then(ended, () => ended({ output: null, stop: "crash" }));
}

// The platform went away: nothing is left to serve.
process.on("disconnect", () => process.exit(0));
send({ t: "ready" });
