/**
 * A sandbox process: one isolate (isolate-host.ts) running the platform's BJS, one execution at
 * a time, driven over the IPC channel (protocol.ts). Property reads go back to the platform.
 * V8 ends the whole process on some allocations no isolate limit catches; then only this
 * process and its one execution are lost, and the platform starts another.
 */
import { IsolateHost } from "./isolate-host.js";
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

process.on("message", (message: ToSandbox) => {
  if (message.t === "read") {
    const waiting = waitingReads.get(message.seq);
    waitingReads.delete(message.seq);
    if (message.error !== undefined) waiting?.reject(new Error(message.error));
    else waiting?.resolve(message.result!);
    return;
  }
  const { id, botId, globals, timeoutMs } = message;
  const run = {
    code: sources.take(message.run.code) ?? missing("the command's code"),
    libs: message.run.libs.map((lib) => ({ name: lib.name, lazy: lib.lazy, code: sources.take(lib) ?? missing(`the source of library ${lib.name}`) })),
    handler: message.run.handler,
  };
  const reads = (name: string, args: string) =>
    new Promise<string>((resolve, reject) => {
      const seq = ++readSeq;
      waitingReads.set(seq, { resolve, reject });
      send({ t: "read", id, seq, name, args });
    });
  void host.run(botId, run, globals, reads, timeoutMs).then(
    (outcome) => send({ t: "done", id, outcome, changes: host.takeChanges(botId) }),
    () => send({ t: "done", id, outcome: { output: null, stop: "crash" }, changes: host.takeChanges(botId) }),
  );
});
// The platform went away: nothing is left to serve.
process.on("disconnect", () => process.exit(0));
send({ t: "ready" });
