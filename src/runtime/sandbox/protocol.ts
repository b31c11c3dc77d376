import type { ExecutionCode, ExecutionLimits, RawOutcome } from "./isolate-host.js";
import type { WiredSource } from "./source-wire.js";

/**
 * The characters all of one run's reads may carry, asked (counted in the sandbox process) and
 * answered (counted by the platform, which pays for them): a thousand reads at the 64 K cap
 * would cost the platform's thread a second.
 */
export const MAX_READ_CHARS_PER_RUN = 1024 * 1024;
export const READS_TOO_LARGE = `An execution's reads may carry at most ${MAX_READ_CHARS_PER_RUN} characters in all`;

/** How a sandbox process is set up: its isolate's size and the caps of each execution. */
export interface SandboxOptions {
  memoryMb: number;
  /** Heap the isolate's warm realms may fill, in MB (see isolate-host.ts). */
  warmMb: number;
  maxScripts: number;
  limits: ExecutionLimits;
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
  | {
      t: "run";
      id: number;
      botId: number;
      run: Omit<ExecutionCode, "code" | "libs"> & { code: WiredSource; libs: WireLib[] };
      globals: Record<string, unknown>;
      timeoutMs: number;
      /** Set on a run sent behind another: the time on `sharedClockMs` past which it may not start. */
      startBy?: number;
      /** The second try of a run the memory limit stopped while other realms shared the heap: it must run first in the fresh isolate. */
      alone?: boolean;
    }
  | { t: "read"; id: number; seq: number; result?: string; error?: string };

/** What a sandbox process sends back. A run sent behind another is `started` or `returned` unstarted. */
export type FromSandbox =
  | { t: "ready" }
  | {
      t: "read";
      id: number;
      seq: number;
      name: string;
      args: string;
      /** When the run stopped for this read, and when it took the answer to its last one, on `sharedClockMs` (run-watchdog.ts). */
      stoppedAt: number;
      resumedAt?: number;
    }
  | { t: "started"; id: number }
  | { t: "done"; id: number; outcome: RawOutcome; changes: WarmChanges }
  | { t: "returned"; id: number };

/**
 * The platform may send a process its next run while one runs, so the process goes from one to
 * the next without waiting for the platform to hear of the first and answer (at 1,000 active
 * bots, each process sat idle about a third of the time). It sends at most one ahead, only
 * behind a young run (executor.ts), and with a deadline to start by. Neither side may wait for
 * the other to decide: the process's thread may be held for seconds by a built-in that no
 * timeout stops, until the watchdog kills it. So the rule is one both apply alone, on a clock
 * both read (the machine's monotonic clock, the same in every process):
 * - the process starts such a run only after its announcement (`started`) is written to the
 *   channel, and only if the deadline is not yet past then; it starts one only after a run that
 *   ended cleanly with a short answer, else hands it back;
 * - the platform, once the deadline is past, polls the channel once, and a run not announced by
 *   then is its own again, to go elsewhere: the process can no longer start it.
 * So a run waits behind another owner's run for the deadline at most, runs exactly once, and a
 * process that dies has told the platform of every run it started. One poll reads at least 2 MB
 * (libuv's 32 reads of 64 KB); what the platform has not read when an announcement is written
 * is at most the socket's send buffer (208 KB by Linux's default), and a short answer keeps it
 * within a poll on hosts that raise it.
 *
 * After the memory limit stopped a run while other bots' realms shared the heap, the platform
 * sends that run again, `alone`; until it arrives the process hands back every run it is sent,
 * so none of them fills the fresh isolate first. A second try is never tried again, so the
 * process waits only after a first.
 */
export const sharedClockMs = (): number => Number(process.hrtime.bigint()) / 1e6;
