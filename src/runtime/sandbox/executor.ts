import { AppError } from "../../errors.js";
import { coreLibSources, type LibSource } from "../../catalog/lib-sources.js";
import { Body, type Segment } from "./body.js";
import type { ExecutionLimits, HostReads } from "./isolate-host.js";
import { MAX_READ_CHARS_PER_RUN, READS_TOO_LARGE } from "./protocol.js";
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
   * the run gives the sandbox back and starts again within the share, and its owner borrows no
   * more for a while: what another owner may wait for a lent sandbox is at most this, once a
   * minute per owner (plus the watchdog's margin and a process start, for work the isolate's
   * timeout cannot stop).
   */
  borrowMs: number;
  /**
   * A run may be sent to a busy sandbox behind a run younger than this (protocol.ts), and comes
   * back unstarted if it has not started there within `returnAfterMs`. A run that came back
   * waits for an idle sandbox, so another owner's slow runs hold it that long once at most.
   */
  queueBehindMs: number;
  returnAfterMs: number;
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
  queueBehindMs: 5,
  returnAfterMs: 10,
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

/** A run's place in a sandbox (running, or queued behind the run there): within its owner's share, or lent beyond it. */
interface Slot {
  sandbox: Sandbox;
  ownerId: number;
  lent: boolean;
}

/** An execution on its way to a sandbox. */
interface Seeker {
  botId: number;
  ownerId: number;
  /** Whether it may be sent behind a young run (not once it came back from one). */
  queues: boolean;
}

/** An execution waiting for a sandbox. */
export interface Waiter extends Seeker {
  passedOver: number;
  /** When a better-suited waiter first went before it. */
  passedSince?: number;
  /** Whether it may take a sandbox lent beyond its owner's share. */
  mayBorrow: boolean;
  take(slot: Slot): void;
}

/**
 * How long an owner whose run outlived a lent sandbox's time borrows none. The owner, not the
 * bot: an owner with many bots would otherwise make another owner wait for a lent sandbox
 * once per bot.
 */
const SLOW_OWNER_MS = 60_000;
/** Slow owners remembered before the expired ones are swept out. */
const MAX_SLOW_OWNERS = 1000;
/** Owners whose last turn is remembered; one forgotten takes its turn as if never served, as the longest ago is. */
const MAX_SERVED_OWNERS = 1000;

/** Waiters of the owner whose turn it is that a freed sandbox chooses among (oldest first)... */
const FIT_WINDOW = 8;
/** ...as long as the oldest was first passed over less than this ago; then it is passed over no more. */
const PASS_OVER_MS = 20;

/**
 * An owner's turn at a freed sandbox: the sandboxes it holds, then when it was last served (0
 * for never), the lower first.
 */
export type Turn = readonly [held: number, servedAt: number];

/**
 * The waiters that can take a freed place within their owner's share, of the owner whose turn
 * it is (its oldest `FIT_WINDOW`): the one holding the fewest sandboxes, then the one served
 * longest ago, then the one whose run came first. A run that came back unstarted goes first,
 * alone: it had a place, and would have started there. In the order runs came instead, two
 * owners whose endless loops held both sandboxes, each with more runs waiting, kept a third
 * owner's run waiting behind all of theirs.
 */
function turn(waiting: readonly Waiter[], mayRun: (waiter: Waiter) => boolean, turnOf: (ownerId: number) => Turn): number[] {
  const byOwner = new Map<number, number[]>();
  for (let i = 0; i < waiting.length; i++) {
    const waiter = waiting[i]!;
    const mine = byOwner.get(waiter.ownerId);
    if ((mine?.length ?? 0) >= FIT_WINDOW || !mayRun(waiter)) continue;
    if (!waiter.queues) return [i];
    if (mine) mine.push(i);
    else byOwner.set(waiter.ownerId, [i]);
  }
  let next: number[] = [];
  let nextTurn: Turn | undefined;
  for (const [ownerId, mine] of byOwner) {
    const [held, servedAt] = turnOf(ownerId);
    if (!nextTurn || held < nextTurn[0] || (held === nextTurn[0] && servedAt < nextTurn[1])) [next, nextTurn] = [mine, [held, servedAt]];
  }
  return next;
}

/**
 * Which waiter a freed place takes: among those it can take within their owner's share, the
 * oldest of the owner whose turn it is (above), unless another of that owner's next few suits
 * it better (an idle sandbox, a realm warm there, the bot's home) and the oldest has been passed
 * over neither too often nor for long. Only the same owner's: another owner's warm run went
 * before an owner whose turn it was, and an attacker's loops are warm. The time counts from the
 * first pass-over, not from when it came: in a deep queue every waiter has waited long, through
 * no fault of the choice, and handing each head to whichever sandbox came free built a second
 * realm for a bot in every sandbox in turn (bench/runtime.ts --bots 1000). Answers the waiter's
 * index, or -1 when no waiter can take a place within its share.
 */
export function chooseWaiter(waiting: readonly Waiter[], fit: (waiter: Waiter) => number, mayRun: (waiter: Waiter) => boolean, now: number, turnOf: (ownerId: number) => Turn): number {
  const window = turn(waiting, mayRun, turnOf);
  if (window.length === 0) return -1;
  const head = window[0]!;
  const first = waiting[head]!;
  if (first.passedOver >= FIT_WINDOW || now - (first.passedSince ?? now) >= PASS_OVER_MS) return head;
  let best = head;
  for (const i of window) if (fit(waiting[i]!) > fit(waiting[best]!)) best = i;
  if (best !== head && first.passedOver++ === 0) first.passedSince = now;
  return best;
}

/** Where a run may go, and how well it suits the run (higher is better). */
interface Place {
  sandbox: Sandbox;
  fit: number;
}

/**
 * Runs BJS in a pool of sandbox processes, one isolate each. An execution goes to an idle
 * sandbox, preferring one where the bot's realm is warm, or else is queued behind a young run
 * (protocol.ts) or waits. One owner holds at most all sandboxes but one (its share), so an
 * owner's endless loops never keep another owner's bots waiting for their timeouts: with two or
 * more sandboxes, another owner waits only for the runs ahead of it, and owners take turns at a
 * freed sandbox, so even when several owners' loops hold them all, another owner waits for one
 * of those runs to end, not for every run they queued. A sandbox nobody else wants
 * is lent to an owner at its share, on a short leash (`borrowMs`): a platform with one busy
 * owner uses every sandbox, and another owner waits for a lent one at most that long (and the
 * queue's patience). What comes back is checked (outcome.ts) before anyone acts on it.
 */
export class Executor {
  private readonly sandboxes: Sandbox[];
  /** The runs each sandbox was given, the running one first. */
  private readonly slots = new Map<Sandbox, Slot[]>();
  /** When each busy sandbox's running run started, as far as this side knows. */
  private readonly runningSince = new Map<Sandbox, number>();
  private readonly waiting: Waiter[] = [];
  /** Owners whose run outlived a lent sandbox, until when they borrow none. */
  private readonly slowOwners = new Map<number, number>();
  /** When each owner last took a place, counted in places taken, the longest ago first. */
  private readonly servedAt = new Map<number, number>();
  private placesTaken = 0;
  private readonly options: ExecutorOptions;
  private readonly ownerShare: number;

  constructor(options: Partial<ExecutorOptions> = {}) {
    this.options = { ...defaultExecutorOptions, ...options };
    const { isolates, memoryMb, warmMb, limits, watchdogMarginMs, returnAfterMs, startOnFirstRun } = this.options;
    this.sandboxes = Array.from({ length: Math.max(1, isolates) }, () => new Sandbox({ memoryMb, warmMb, maxScripts: 1000, limits, returnAfterMs, watchdogMarginMs }, { startOnFirstRun }));
    for (const sandbox of this.sandboxes) this.slots.set(sandbox, []);
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
    let mayBorrow = this.mayBorrow(ownerId);
    let returned = false;
    for (;;) {
      const slot = await this.acquire({ botId, ownerId, queues: !returned }, mayBorrow);
      const leashed = slot.lent && timeoutMs > borrowMs;
      // Each start counts its own reads, as its realm does.
      const reads = this.guarded(execution.reads);
      const raw = await slot.sandbox.run(botId, run, execution.globals, reads, leashed ? borrowMs : timeoutMs).finally(() => this.release(slot));
      // A run handed back never started: it goes elsewhere, ahead of the runs that came after it.
      returned = raw === "returned";
      if (raw === "returned") continue;
      // A run stopped in a lent sandbox (by its leash, or by the memory limit or a crash, which
      // cost that process every warm realm) bars its owner from borrowing for a while.
      if (leashed && raw.stop !== undefined) this.markSlow(ownerId);
      if (leashed && raw.stop === "timeout") {
        // Nothing of a run leaves the isolate but its outcome (reads only read): it may start
        // again, within its owner's share and with its whole time.
        mayBorrow = false;
        continue;
      }
      return readOutcome(raw, body, this.options.limits, timeoutMs);
    }
  }

  /** The owner borrows no sandbox for a while; owners whose while is over are forgotten as the list grows. */
  private markSlow(ownerId: number): void {
    const now = this.options.now();
    if (this.slowOwners.size >= MAX_SLOW_OWNERS) for (const [id, until] of this.slowOwners) if (until <= now) this.slowOwners.delete(id);
    this.slowOwners.set(ownerId, now + SLOW_OWNER_MS);
  }

  /** Whether the owner's runs may take a sandbox lent beyond its share. */
  private mayBorrow(ownerId: number): boolean {
    if (this.options.borrowMs <= 0) return false;
    const until = this.slowOwners.get(ownerId);
    if (until === undefined) return true;
    if (until > this.options.now()) return false;
    this.slowOwners.delete(ownerId);
    return true;
  }

  /**
   * The execution's reads, counted again (the realm refuses reads past the cap itself, so that
   * a loop of refused reads never waits on the host), with only a read's own refusal said back.
   * Their answers count here against what one execution's reads may carry: this thread pays for
   * every character that crosses to the sandbox (a command's code read a thousand times as a
   * web app template cost it seconds).
   */
  private guarded(reads: HostReads): HostReads {
    let count = 0;
    let carried = 0;
    const { maxReads } = this.options.limits;
    return async (name, args) => {
      if (++count > maxReads) throw new Error(`Too many reads in one execution (the limit is ${maxReads})`);
      let answer: string;
      try {
        answer = await reads(name, args);
      } catch (error) {
        throw new Error(error instanceof AppError ? error.message : "The platform could not answer this read");
      }
      carried += name.length + args.length + answer.length;
      if (carried > MAX_READ_CHARS_PER_RUN) throw new Error(READS_TOO_LARGE);
      return answer;
    };
  }

  /**
   * How well a sandbox suits a bot: idle with a live process (3) before a queue or a process
   * still starting (after a crash, a run there would wait for the start); then its realm is
   * warm there (2), it is the bot's home (1, so a bot's realm is not built in every sandbox in
   * turn), or neither.
   */
  private fit(sandbox: Sandbox, botId: number): number {
    const idle = this.slots.get(sandbox)!.length === 0 && sandbox.live ? 3 : 0;
    return idle + (sandbox.has(botId) ? 2 : this.sandboxes[botId % this.sandboxes.length] === sandbox ? 1 : 0);
  }

  /** The sandboxes running or holding queued a run of the owner: any, or only within its share. */
  private holding(ownerId: number, lentToo: boolean): Sandbox[] {
    return this.sandboxes.filter((sandbox) => this.slots.get(sandbox)!.some((slot) => slot.ownerId === ownerId && (lentToo || !slot.lent)));
  }

  /** Whether the owner's run in the sandbox stays within its share: it holds no more sandboxes than that, counting this one. */
  private withinShare(sandbox: Sandbox, ownerId: number): boolean {
    const held = this.holding(ownerId, false);
    return held.includes(sandbox) || held.length < this.ownerShare;
  }

  /** Sandboxes a run may go to now: idle ones, and busy ones whose run is young enough to queue behind. */
  private openSandboxes(): Sandbox[] {
    const now = this.options.now();
    return this.sandboxes.filter((sandbox) => {
      const load = this.slots.get(sandbox)!.length;
      return load === 0 || (load === 1 && now - this.runningSince.get(sandbox)! < this.options.queueBehindMs);
    });
  }

  /**
   * Of the open sandboxes, the one that suits the run best: within its owner's share only,
   * unless it may be `lent` one beyond it (then one within the share still goes first at equal fit).
   * A busy one only where the bot's realm is warm: a run queued where it is not has a realm built
   * for it there, behind another run. With 1,000 bots over two sandboxes, queueing behind any
   * busy sandbox cost the sandbox processes about 40% more CPU than no queueing at all; cold runs
   * queued at their home as well cost 6-8% more CPU per update over all threads than warm ones only.
   */
  private bestPlace(open: readonly Sandbox[], { botId, ownerId, queues }: Seeker, lent: boolean): Place | undefined {
    let best: Place | undefined;
    for (const sandbox of open) {
      if (this.slots.get(sandbox)!.length > 0 && (!queues || !sandbox.has(botId))) continue;
      const within = this.withinShare(sandbox, ownerId);
      if (!lent && !within) continue;
      const fit = 2 * this.fit(sandbox, botId) + (within ? 1 : 0);
      if (!best || fit > best.fit) best = { sandbox, fit };
    }
    return best;
  }

  /** The open sandbox that suits the run best (lent, when its owner is at its share), or a place in the queue. */
  private acquire(seeker: Seeker, mayBorrow: boolean): Promise<Slot> {
    const place = this.bestPlace(this.openSandboxes(), seeker, mayBorrow);
    if (place) return Promise.resolve(this.take(place.sandbox, seeker.ownerId));
    return new Promise((take) => {
      const waiter = { ...seeker, passedOver: 0, mayBorrow, take };
      // A run that came back came before the ones waiting.
      if (seeker.queues) this.waiting.push(waiter);
      else this.waiting.unshift(waiter);
    });
  }

  private take(sandbox: Sandbox, ownerId: number): Slot {
    const slot = { sandbox, ownerId, lent: !this.withinShare(sandbox, ownerId) };
    this.servedAt.delete(ownerId);
    this.servedAt.set(ownerId, ++this.placesTaken);
    if (this.servedAt.size > MAX_SERVED_OWNERS) this.servedAt.delete(this.servedAt.keys().next().value!);
    const slots = this.slots.get(sandbox)!;
    slots.push(slot);
    if (slots.length === 1) this.runningSince.set(sandbox, this.options.now());
    return slot;
  }

  private release(slot: Slot): void {
    const slots = this.slots.get(slot.sandbox)!;
    const index = slots.indexOf(slot);
    slots.splice(index, 1);
    // The run queued behind it started as this one ended.
    if (index === 0 && slots.length > 0) this.runningSince.set(slot.sandbox, this.options.now());
    // Open places go to waiters (one whose owner was at its share may run now too), each to the
    // place that suits its bot best: a bot handed whichever sandbox came free would get a realm
    // built in every sandbox in turn, each build costing a cold run. A place no waiter takes
    // within its share is lent, to the waiter it suits best.
    for (;;) {
      const open = this.openSandboxes();
      if (open.length === 0 || this.waiting.length === 0) return;
      const placeOf = (waiter: Waiter, lent: boolean) => this.bestPlace(open, waiter, lent);
      let index = chooseWaiter(this.waiting, (waiter) => placeOf(waiter, false)!.fit, (waiter) => placeOf(waiter, false) !== undefined, this.options.now(), (ownerId) => [this.holding(ownerId, true).length, this.servedAt.get(ownerId) ?? 0]);
      const lent = index < 0;
      if (lent) index = this.borrower((waiter) => placeOf(waiter, true)?.fit ?? -1);
      if (index < 0) return;
      const next = this.waiting.splice(index, 1)[0]!;
      next.take(this.take(placeOf(next, lent)!.sandbox, next.ownerId));
    }
  }

  /** The waiter an open place is lent to: the oldest of those it suits best, or -1. */
  private borrower(fit: (waiter: Waiter) => number): number {
    let best = -1;
    let bestFit = -1;
    this.waiting.forEach((waiter, i) => {
      const suits = waiter.mayBorrow ? fit(waiter) : -1;
      if (suits > bestFit) [best, bestFit] = [i, suits];
    });
    return best;
  }

  dispose(): void {
    for (const sandbox of this.sandboxes) sandbox.dispose();
  }
}
