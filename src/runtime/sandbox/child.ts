/**
 * A sandbox process: one isolate (isolate-host.ts) running the platform's BJS, one execution at
 * a time with at most one queued behind it, driven over the IPC channel (protocol.ts). Property
 * reads go back to the platform.
 * V8 ends the whole process on some allocations no isolate limit catches; then only this
 * process and its one execution are lost (a queued one goes elsewhere, unstarted), and the
 * platform starts another.
 */
import { IsolateHost, type ExecutionCode, type RawOutcome } from "./isolate-host.js";
import type { FromSandbox, SandboxOptions, ToSandbox } from "./protocol.js";
import { SourceReceiver } from "./source-wire.js";

const options = JSON.parse(process.argv[2]!) as SandboxOptions;
const host = new IsolateHost(options);
const waitingReads = new Map<number, { resolve(result: string): void; reject(error: Error): void }>();
const sources = new SourceReceiver();
let readSeq = 0;

/** A body that says which source never arrived, in place of it. */
const missing = (what: string) => `throw new Error(${JSON.stringify(`${what} did not reach the sandbox`)})`;

const send = (message: FromSandbox) => process.send!(message);

/** A run as the process holds it: its sources taken from the channel as it arrived. */
interface Run {
  id: number;
  botId: number;
  code: ExecutionCode;
  globals: Record<string, unknown>;
  timeoutMs: number;
}

/** When the run in progress started; the run queued behind it and the timer that hands it back. */
let runningSince: number | undefined;
let queued: { run: Run; handBack: NodeJS.Timeout } | undefined;

process.on("message", (message: ToSandbox) => {
  if (message.t === "read") {
    const waiting = waitingReads.get(message.seq);
    waitingReads.delete(message.seq);
    if (message.error !== undefined) waiting?.reject(new Error(message.error));
    else waiting?.resolve(message.result!);
    return;
  }
  // Sources are taken now, whether the run starts, waits or goes back: the platform counts them
  // as sent to this process, and names them only from now on.
  const { id, botId, globals, timeoutMs } = message;
  const code = {
    code: sources.take(message.run.code) ?? missing("the command's code"),
    libs: message.run.libs.map((lib) => ({ name: lib.name, lazy: lib.lazy, code: sources.take(lib) ?? missing(`the source of library ${lib.name}`) })),
    handler: message.run.handler,
  };
  const run = { id, botId, code, globals, timeoutMs };
  if (runningSince === undefined) start(run);
  else if (queued) send({ t: "returned", id });
  else queue(run);
});

/** Holds a run until the one in progress ends, or hands it back once that one has gone too long (protocol.ts). */
function queue(run: Run): void {
  const handBack = setTimeout(
    () => {
      queued = undefined;
      send({ t: "returned", id: run.id });
    },
    Math.max(0, options.returnAfterMs - (performance.now() - runningSince!)),
  );
  queued = { run, handBack };
}

function start({ id, botId, code, globals, timeoutMs }: Run): void {
  runningSince = performance.now();
  const reads = (name: string, args: string) =>
    new Promise<string>((resolve, reject) => {
      const seq = ++readSeq;
      waitingReads.set(seq, { resolve, reject });
      send({ t: "read", id, seq, name, args });
    });
  const ended = (outcome: RawOutcome) => {
    send({ t: "done", id, outcome, changes: host.takeChanges(botId) });
    runningSince = undefined;
    const next = queued;
    queued = undefined;
    if (next) {
      clearTimeout(next.handBack);
      start(next.run);
    }
  };
  void host.run(botId, code, globals, reads, timeoutMs).then(ended, () => ended({ output: null, stop: "crash" }));
}

// The platform went away: nothing is left to serve.
process.on("disconnect", () => process.exit(0));
send({ t: "ready" });
