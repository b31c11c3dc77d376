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

/** Waiters a freed isolate chooses among (oldest first). */
const FIT_WINDOW = 8;

export const defaultExecutorOptions: ExecutorOptions = {
  isolates: 2,
  memoryMb: 128,
  realmsPerIsolate: 64,
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
  private readonly waiting: { botId: number; take: (host: IsolateHost) => void; passedOver: number }[] = [];

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

  /**
   * How well an isolate suits a bot: its realm is warm there (2), it is the bot's home (1, so
   * a bot's realm is not built in every isolate in turn), or neither (0).
   */
  private fit(host: IsolateHost, botId: number): number {
    return host.has(botId) ? 2 : this.hosts[botId % this.hosts.length] === host ? 1 : 0;
  }

  /** The free isolate that suits the bot best, or a place in the queue. */
  private acquire(botId: number): Promise<IsolateHost> {
    let host: IsolateHost | undefined;
    for (const candidate of this.hosts) {
      if (!this.busy.has(candidate) && (!host || this.fit(candidate, botId) > this.fit(host, botId))) host = candidate;
    }
    if (host) {
      this.busy.add(host);
      return Promise.resolve(host);
    }
    return new Promise((take) => this.waiting.push({ botId, take, passedOver: 0 }));
  }

  private release(host: IsolateHost): void {
    // The waiter this isolate suits best among the oldest few; the oldest is passed over only
    // so many times, so none waits long for a busy home.
    let index = 0;
    if ((this.waiting[0]?.passedOver ?? 0) < FIT_WINDOW) {
      for (let i = 1; i < Math.min(this.waiting.length, FIT_WINDOW); i++) {
        if (this.fit(host, this.waiting[i]!.botId) > this.fit(host, this.waiting[index]!.botId)) index = i;
      }
      if (index > 0) this.waiting[0]!.passedOver++;
    }
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
