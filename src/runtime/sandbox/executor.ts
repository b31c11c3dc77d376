import { AppError } from "../../errors.js";
import { coreLibSources, type LibSource } from "../../catalog/lib-sources.js";
import { Body, type Segment } from "./body.js";
import type { ExecutionLimits, HostReads } from "./isolate-host.js";
import { readOutcome, type ExecutionResult } from "./outcome.js";
import { Sandbox } from "./sandbox.js";

export type { BjsError, ExecutionResult } from "./outcome.js";

/** One BJS execution: whose it is, its body, its globals, how it reads, how long it may run. */
export interface Execution {
  botId: number;
  /** The bot's owner: one owner holds at most its share of the sandboxes. */
  ownerId: number;
  segments: Segment[];
  /** The bot's installed libraries, in install order (the core ones are added to them). */
  libs?: readonly LibSource[];
  /**
   * A name a library registered with `on` (spec/bjs.md §6.1): its function runs instead of the
   * segments. "" only loads the libraries, to learn the names they register.
   */
  handler?: string;
  /** The per-execution globals (spec/bjs.md §2.2), JSON-serialisable. */
  globals: Record<string, unknown>;
  reads: HostReads;
  timeoutMs: number;
}

export interface ExecutorOptions {
  /** Sandbox processes (each one isolate) running BJS side by side. */
  isolates: number;
  memoryMb: number;
  /** Heap each isolate's warm bot realms may fill, in MB (see IsolateHost). */
  warmMb: number;
  limits: ExecutionLimits;
  /** How far past its time limit a run may go before its sandbox process is killed. */
  watchdogMarginMs: number;
  /**
   * How long a run may hold a sandbox lent beyond its owner's share (0: never lend). Past it,
   * the run gives the sandbox back and starts again within the share, and its bot borrows no
   * more for a while: what another owner may wait for a lent sandbox is at most this.
   */
  borrowMs: number;
  /** Start each sandbox process at its first run, not at once (an api process renders web apps now and then). */
  startOnFirstRun?: boolean;
  /** Milliseconds on a monotonic clock (tests pass their own). */
  now: () => number;
}

export const defaultExecutorOptions: ExecutorOptions = {
  isolates: 2,
  memoryMb: 448,
  warmMb: 320,
  limits: { maxActions: 500, maxActionBytes: 2 * 1024 * 1024, maxReads: 1000 },
  watchdogMarginMs: 1000,
  borrowMs: 100,
  now: () => performance.now(),
};

const NO_LIBS: readonly LibSource[] = [];
/** Each list of installed libraries (a bot's command book keeps one) with the core ones added. */
const libLists = new WeakMap<readonly LibSource[], readonly LibSource[]>();

/** The installed libraries, then the core ones the bot did not install itself; made once per list. */
function withCoreLibs(installed: readonly LibSource[]): readonly LibSource[] {
  let libs = libLists.get(installed);
  if (!libs) {
    libs = [...installed, ...coreLibSources().filter((core) => !installed.some((lib) => lib.name === core.name))];
    libLists.set(installed, libs);
  }
  return libs;
}

/** A sandbox held for one execution: within its owner's share, or lent beyond it. */
interface Slot {
  sandbox: Sandbox;
  lent: boolean;
}

/** An execution waiting for a sandbox. */
export interface Waiter {
  botId: number;
  ownerId: number;
  passedOver: number;
  /** When a better-suited waiter first went before it. */
  passedSince?: number;
  /** Whether it may take a sandbox lent beyond its owner's share. */
  mayBorrow: boolean;
  take(slot: Slot): void;
}

/** How long a bot whose run outlived a lent sandbox's time borrows none. */
const SLOW_BOT_MS = 60_000;
/** Slow bots remembered before the expired ones are swept out. */
const MAX_SLOW_BOTS = 1000;

/** Waiters a freed sandbox chooses among (oldest first)... */
const FIT_WINDOW = 8;
/** ...as long as the oldest was first passed over less than this ago; then it is passed over no more. */
const PASS_OVER_MS = 20;

/**
 * Which waiter a freed sandbox takes: among those whose owner is under its share, the oldest,
 * unless a waiter among the next few suits this sandbox better (its realm is warm there, or it
 * is its home) and the oldest has been passed over neither too often nor for long. The time
 * counts from its first pass-over, not from when it came: in a deep queue every waiter has
 * waited long, through no fault of the choice, and handing each head to whichever sandbox came
 * free built a second realm for a bot in every sandbox in turn (bench/runtime.ts --bots 1000).
 * Answers the waiter's index, or -1 when every waiter's owner is at its share.
 */
export function chooseWaiter(waiting: readonly Waiter[], fit: (botId: number) => number, mayRun: (ownerId: number) => boolean, now: number): number {
  let oldest = -1;
  const window: number[] = [];
  for (let i = 0; i < waiting.length && window.length < FIT_WINDOW; i++) {
    if (!mayRun(waiting[i]!.ownerId)) continue;
    if (oldest < 0) oldest = i;
    window.push(i);
  }
  if (oldest < 0) return -1;
  const first = waiting[oldest]!;
  if (first.passedOver >= FIT_WINDOW || now - (first.passedSince ?? now) >= PASS_OVER_MS) return oldest;
  let best = oldest;
  for (const i of window) if (fit(waiting[i]!.botId) > fit(waiting[best]!.botId)) best = i;
  if (best !== oldest && first.passedOver++ === 0) first.passedSince = now;
  return best;
}

/**
 * Runs BJS in a pool of sandbox processes, one isolate each. An execution goes to a free
 * sandbox, preferring one where the bot's realm is warm; a busy pool queues it. One owner
 * holds at most all sandboxes but one (its share), so an owner's endless loops never keep
 * another owner's bots waiting for their timeouts: with two or more sandboxes, another owner
 * waits only for the runs ahead of it. A sandbox nobody else wants is lent to an owner at its
 * share, on a short leash (`borrowMs`): a platform with one busy owner uses every sandbox,
 * and another owner waits for a lent one at most that long. What comes back is checked
 * (outcome.ts) before anyone acts on it.
 */
export class Executor {
  private readonly sandboxes: Sandbox[];
  private readonly busy = new Set<Sandbox>();
  private readonly waiting: Waiter[] = [];
  private readonly runningByOwner = new Map<number, number>();
  /** Bots whose run outlived a lent sandbox, until when they borrow none. */
  private readonly slowBots = new Map<number, number>();
  private readonly options: ExecutorOptions;
  private readonly ownerShare: number;

  constructor(options: Partial<ExecutorOptions> = {}) {
    this.options = { ...defaultExecutorOptions, ...options };
    const { isolates, memoryMb, warmMb, limits, watchdogMarginMs, startOnFirstRun } = this.options;
    this.sandboxes = Array.from({ length: Math.max(1, isolates) }, () => new Sandbox({ memoryMb, warmMb, maxScripts: 1000, limits, watchdogMarginMs }, { startOnFirstRun }));
    this.ownerShare = Math.max(1, this.sandboxes.length - 1);
  }

  /** Sandbox processes started again after they died or were killed. */
  get restarts(): number {
    return this.sandboxes.reduce((sum, sandbox) => sum + sandbox.restarts, 0);
  }

  async execute(execution: Execution): Promise<ExecutionResult> {
    const body = new Body(execution.segments);
    const run = { code: body.code, libs: withCoreLibs(execution.libs ?? NO_LIBS), handler: execution.handler ?? null };
    const { botId, ownerId, timeoutMs } = execution;
    const { borrowMs } = this.options;
    const runIn = (slot: Slot, limitMs: number) => slot.sandbox.run(botId, run, execution.globals, this.guarded(execution.reads), limitMs);
    let slot = await this.acquire(botId, ownerId, this.mayBorrow(botId));
    try {
      const leashed = slot.lent && timeoutMs > borrowMs;
      let raw = await runIn(slot, leashed ? borrowMs : timeoutMs);
      if (leashed && raw.stop === "timeout") {
        // Nothing of a run leaves the isolate but its outcome (reads only read): it may start again.
        this.markSlow(botId);
        this.release(slot, ownerId);
        slot = await this.acquire(botId, ownerId, false);
        raw = await runIn(slot, timeoutMs);
      }
      return readOutcome(raw, body, this.options.limits, timeoutMs);
    } finally {
      this.release(slot, ownerId);
    }
  }

  /** The bot borrows no sandbox for a while; bots whose while is over are forgotten as the list grows. */
  private markSlow(botId: number): void {
    const now = this.options.now();
    if (this.slowBots.size >= MAX_SLOW_BOTS) for (const [id, until] of this.slowBots) if (until <= now) this.slowBots.delete(id);
    this.slowBots.set(botId, now + SLOW_BOT_MS);
  }

  /** Whether a bot's run may take a sandbox lent beyond its owner's share. */
  private mayBorrow(botId: number): boolean {
    if (this.options.borrowMs <= 0) return false;
    const until = this.slowBots.get(botId);
    if (until === undefined) return true;
    if (until > this.options.now()) return false;
    this.slowBots.delete(botId);
    return true;
  }

  /**
   * The execution's reads, counted again (the realm refuses reads past the cap itself, so that
   * a loop of refused reads never waits on the host), with only a read's own refusal said back.
   */
  private guarded(reads: HostReads): HostReads {
    let count = 0;
    const { maxReads } = this.options.limits;
    return async (name, args) => {
      if (++count > maxReads) throw new Error(`Too many reads in one execution (the limit is ${maxReads})`);
      try {
        return await reads(name, args);
      } catch (error) {
        throw new Error(error instanceof AppError ? error.message : "The platform could not answer this read");
      }
    };
  }

  /**
   * How well a sandbox suits a bot: its realm is warm there (2), it is the bot's home (1, so
   * a bot's realm is not built in every sandbox in turn), or neither (0).
   */
  private fit(sandbox: Sandbox, botId: number): number {
    return sandbox.has(botId) ? 2 : this.sandboxes[botId % this.sandboxes.length] === sandbox ? 1 : 0;
  }

  private mayRun = (ownerId: number) => (this.runningByOwner.get(ownerId) ?? 0) < this.ownerShare;

  /** The free sandbox that suits the bot best (lent, when its owner is at its share), or a place in the queue. */
  private acquire(botId: number, ownerId: number, mayBorrow: boolean): Promise<Slot> {
    const free = this.freeSandboxes();
    const withinShare = this.mayRun(ownerId);
    if (free.length > 0 && (withinShare || mayBorrow)) {
      const slot = { sandbox: this.bestOf(free, botId).sandbox, lent: !withinShare };
      this.take(slot.sandbox, ownerId);
      return Promise.resolve(slot);
    }
    return new Promise((take) => this.waiting.push({ botId, ownerId, passedOver: 0, mayBorrow, take }));
  }

  private freeSandboxes(): Sandbox[] {
    return this.sandboxes.filter((candidate) => !this.busy.has(candidate));
  }

  private take(sandbox: Sandbox, ownerId: number): void {
    this.busy.add(sandbox);
    this.runningByOwner.set(ownerId, (this.runningByOwner.get(ownerId) ?? 0) + 1);
  }

  private release({ sandbox }: Slot, ownerId: number): void {
    const left = this.runningByOwner.get(ownerId)! - 1;
    if (left > 0) this.runningByOwner.set(ownerId, left);
    else this.runningByOwner.delete(ownerId);
    this.busy.delete(sandbox);
    // Free sandboxes go to waiters (one whose owner was at its share may run now too), each
    // to the free sandbox that suits its bot best: a bot handed whichever sandbox came free
    // would get a realm built in every sandbox in turn, each build costing a cold run. A
    // sandbox no waiter within its share takes is lent, to the waiter it suits best.
    for (;;) {
      const free = this.freeSandboxes();
      if (free.length === 0) return;
      const fit = (botId: number) => this.bestOf(free, botId).fit;
      let index = chooseWaiter(this.waiting, fit, this.mayRun, this.options.now());
      const lent = index < 0;
      if (lent) index = this.borrower(fit);
      if (index < 0) return;
      const next = this.waiting.splice(index, 1)[0]!;
      const { sandbox: chosen } = this.bestOf(free, next.botId);
      this.take(chosen, next.ownerId);
      next.take({ sandbox: chosen, lent });
    }
  }

  /** The waiter a free sandbox is lent to: the oldest of those it suits best, or -1. */
  private borrower(fit: (botId: number) => number): number {
    let best = -1;
    let bestFit = -1;
    this.waiting.forEach((waiter, i) => {
      const suits = waiter.mayBorrow ? fit(waiter.botId) : -1;
      if (suits > bestFit) [best, bestFit] = [i, suits];
    });
    return best;
  }

  /** Among free sandboxes, the one that suits the bot best, and how well. */
  private bestOf(free: readonly Sandbox[], botId: number): { sandbox: Sandbox; fit: number } {
    let best = { sandbox: free[0]!, fit: this.fit(free[0]!, botId) };
    for (const candidate of free.slice(1)) {
      const fit = this.fit(candidate, botId);
      if (fit > best.fit) best = { sandbox: candidate, fit };
    }
    return best;
  }

  dispose(): void {
    for (const sandbox of this.sandboxes) sandbox.dispose();
  }
}
