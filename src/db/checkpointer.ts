import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** WAL pages after which the main connection checkpoints by itself (should the worker lag or die). */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;

/** What one checkpoint did, in WAL frames: all of them are copied when `checkpointed === log`. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

// CommonJS, evaluated in the worker: better-sqlite3 is required by the path resolved here.
// Its errors are rethrown as plain Errors, which cross the thread boundary with their message.
const workerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const plainly = (work) => {
  try {
    return work();
  } catch (error) {
    throw new Error(error.code ? error.message + " (" + error.code + ")" : error.message);
  }
};
const db = plainly(() => new Database(workerData.file, { fileMustExist: true }));
db.pragma("busy_timeout = 1000");
db.pragma("synchronous = NORMAL");
const checkpoint = () => plainly(() => db.pragma("wal_checkpoint(PASSIVE)")[0]);
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message === "checkpoint") parentPort.postMessage(checkpoint());
  if (message === "stop") {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

/**
 * Copies the SQLite write-ahead log into the database file from a worker thread, every
 * `intervalMs`. SQLite would otherwise checkpoint inside a commit on the event loop, a
 * stall of milliseconds every few MB of writes (bench/runtime.ts: p99 at 200 updates/s
 * 4.8 ms with it, 2.8-3.5 ms without). Passive checkpoints never block the writer.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private readonly stopped: Promise<number>;

  /** `onError` hears why the worker died; the connection's own checkpoints take over then. */
  constructor(file: string, onError: (error: Error) => void, intervalMs = 200) {
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    this.worker = new Worker(workerSource, { eval: true, workerData: { file, driver, intervalMs } });
    this.worker.unref();
    this.worker.on("error", onError);
    this.stopped = new Promise((resolve) => this.worker.once("exit", resolve));
  }

  /** Checkpoints now (tests, diagnostics). */
  checkpoint(): Promise<CheckpointResult> {
    return new Promise((resolve, reject) => {
      const fail = (error: Error) => reject(error);
      this.worker.once("error", fail);
      this.worker.once("message", (result: CheckpointResult) => {
        this.worker.off("error", fail);
        resolve(result);
      });
      this.worker.postMessage("checkpoint");
    });
  }

  async stop(): Promise<void> {
    // Held by the loop while it stops: else a process with nothing else left would end with the wait unsettled.
    this.worker.ref();
    this.worker.postMessage("stop");
    await this.stopped;
  }
}
