import type { ExecutionCode, ExecutionLimits, RawOutcome } from "./isolate-host.js";
import type { WiredSource } from "./source-wire.js";

/** How a sandbox process is set up: its isolate's size and the caps of each execution. */
export interface SandboxOptions {
  memoryMb: number;
  /** Heap the isolate's warm realms may fill, in MB (see isolate-host.ts). */
  warmMb: number;
  maxScripts: number;
  limits: ExecutionLimits;
  /** How long the run in progress may go before the run queued behind it is handed back unstarted. */
  returnAfterMs: number;
}

/** A library as a run names it: its source travels once per process (source-wire.ts). */
export interface WireLib extends WiredSource {
  name: string;
  lazy?: boolean;
}

/**
 * How the warm realms changed during a run, for the platform's copy of the set (sandbox.ts):
 * sent as changes, so a run's answer stays the same size however many bots are warm.
 */
export interface WarmChanges {
  /** The isolate was replaced: every realm was dropped. */
  renewed: boolean;
  /** Other bots whose realms were dropped (after the renewal, if any). */
  dropped: number[];
  /** Whether the run's own bot is warm now. */
  warm: boolean;
}

/**
 * What the platform sends a sandbox process. A run's globals travel as an object: the
 * channel's JSON encodes them once (as a JSON string they were encoded twice, every quote
 * escaped), and the sandbox process copies the object into the bot's realm as it is.
 */
export type ToSandbox =
  | { t: "run"; id: number; botId: number; run: Omit<ExecutionCode, "code" | "libs"> & { code: WiredSource; libs: WireLib[] }; globals: Record<string, unknown>; timeoutMs: number }
  | { t: "read"; id: number; seq: number; result?: string; error?: string };

/** What a sandbox process sends back. A run it was sent but never started may be `returned`. */
export type FromSandbox =
  | { t: "ready" }
  | { t: "read"; id: number; seq: number; name: string; args: string }
  | { t: "done"; id: number; outcome: RawOutcome; changes: WarmChanges }
  | { t: "returned"; id: number };

/**
 * The platform may send a process its next run while one runs, so the process goes from one to
 * the next without waiting for the platform to hear of the first and answer (at 1,000 active
 * bots, each process sat idle about a third of the time). It sends at most one ahead, and only
 * behind a young run (executor.ts); the process hands a queued run back unstarted once the run
 * ahead has gone `returnAfterMs`, which it alone can decide without a race. So a run queued
 * behind another owner's endless loop waits that long at most.
 */
