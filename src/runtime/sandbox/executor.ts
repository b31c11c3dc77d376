import { Body, type Segment } from "./body.js";
import { IsolateHost, type ExecutionLimits, type HostReads } from "./isolate-host.js";

/** One BJS execution: whose it is, its body, its globals, how it reads, how long it may run. */
export interface Execution {
  botId: number;
  segments: Segment[];
  /** The per-execution globals (spec/bjs.md §2.2), JSON-serialisable. */
  globals: Record<string, unknown>;
  reads: HostReads;
  timeoutMs: number;
}

/** An uncaught BJS failure, located in the segment (`@`, the command, `@@`) it came from. */
export interface BjsError {
  name: string;
  message: string;
  /** The stack with body lines mapped to `segment:line:column`. */
  stack: string;
  segment: string | null;
  line: number | null;
  timedOut: boolean;
  outOfMemory: boolean;
}

/** What an execution produced. Actions queued before an error are kept (nothing is rolled back). */
export interface ExecutionResult {
  actions: { type: string; [key: string]: unknown }[];
  error?: BjsError;
}

export interface ExecutorOptions {
  /** Isolates (threads) running BJS side by side. */
  isolates: number;
  memoryMb: number;
  /** Bot realms kept warm per isolate. */
  realmsPerIsolate: number;
  limits: ExecutionLimits;
}

export const defaultExecutorOptions: ExecutorOptions = {
  isolates: 2,
  memoryMb: 128,
  realmsPerIsolate: 128,
  limits: { maxActions: 500, maxActionBytes: 2 * 1024 * 1024 },
};

/**
 * Runs BJS in a pool of isolated-vm isolates. An execution goes to a free isolate, preferring
 * one where the bot's realm is warm; a busy pool queues it. So an endless loop holds one
 * isolate until its timeout while the others keep serving every other bot.
 */
export class Executor {
  private readonly hosts: IsolateHost[];
  private readonly busy = new Set<IsolateHost>();
  private readonly waiting: { botId: number; take: (host: IsolateHost) => void }[] = [];

  constructor(options: ExecutorOptions = defaultExecutorOptions) {
    this.hosts = Array.from(
      { length: Math.max(1, options.isolates) },
      () => new IsolateHost({ memoryMb: options.memoryMb, maxRealms: options.realmsPerIsolate, maxScripts: 1000, limits: options.limits }),
    );
  }

  async execute(execution: Execution): Promise<ExecutionResult> {
    const body = new Body(execution.segments);
    const host = await this.acquire(execution.botId);
    try {
      const outcome = await host.run(execution.botId, body.code, execution.globals, execution.reads, execution.timeoutMs);
      return {
        actions: outcome.actions as ExecutionResult["actions"],
        error: outcome.error && locate(body, outcome.error, execution.timeoutMs),
      };
    } finally {
      this.release(host);
    }
  }

  private acquire(botId: number): Promise<IsolateHost> {
    const free = this.hosts.filter((host) => !this.busy.has(host));
    const host = free.find((h) => h.has(botId)) ?? free[0];
    if (host) {
      this.busy.add(host);
      return Promise.resolve(host);
    }
    return new Promise((take) => this.waiting.push({ botId, take }));
  }

  private release(host: IsolateHost): void {
    const index = Math.max(0, this.waiting.findIndex((w) => host.has(w.botId)));
    const next = this.waiting.splice(index, 1)[0];
    if (next) next.take(host);
    else this.busy.delete(host);
  }

  dispose(): void {
    for (const host of this.hosts) host.dispose();
  }
}

function locate(body: Body, raw: { name: string; message: string; stack?: string }, timeoutMs: number): BjsError {
  const timedOut = /timed out/i.test(raw.message);
  const outOfMemory = /memory limit/i.test(raw.message);
  const at = body.locateIn(raw.stack) ?? body.locateIn(raw.message);
  let message = raw.message.replace(/ \[bjs:\d+:\d+\]$/, "");
  if (timedOut) message = `Command timed out: BJS ran longer than ${timeoutMs / 1000} s`;
  if (outOfMemory) message = "Command stopped: BJS used more memory than allowed";
  const stack = raw.stack ? body.mapStack(raw.stack) : `${raw.name}: ${message}`;
  return { name: raw.name, message, stack, segment: at?.segment ?? null, line: at?.line ?? null, timedOut, outOfMemory };
}
