import type { ExecutionCode, ExecutionLimits, RawOutcome } from "./isolate-host.js";

/** How a sandbox process is set up: its isolate's size and the caps of each execution. */
export interface SandboxOptions {
  memoryMb: number;
  maxRealms: number;
  maxScripts: number;
  limits: ExecutionLimits;
}

/**
 * A library as a run names it: its source travels once per process, later runs name it by
 * the id it came with (sandbox.ts, child.ts).
 */
export interface WireLib {
  name: string;
  lazy?: boolean;
  source: number;
  code?: string;
}

/** What the platform sends a sandbox process. */
export type ToSandbox =
  | { t: "run"; id: number; botId: number; run: Omit<ExecutionCode, "libs"> & { libs: WireLib[] }; globals: string; timeoutMs: number }
  | { t: "read"; id: number; seq: number; result?: string; error?: string };

/** What a sandbox process sends back. */
export type FromSandbox =
  | { t: "ready" }
  | { t: "read"; id: number; seq: number; name: string; args: string }
  | { t: "done"; id: number; outcome: RawOutcome; warm: number[] };
