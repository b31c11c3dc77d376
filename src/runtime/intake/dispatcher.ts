import type { Update } from "@grammyjs/types";
import type { Logger } from "pino";
import type { UpdateHandler } from "../update-handler.js";
import type { Inbox, InboxRow } from "./inbox.js";
import { UpdateAttempts, type AttemptOptions } from "./attempts.js";
import { abortableSleep, type AbortableSleep } from "./sleep.js";

/** What receivers (the webhook route, polling loops) hand their updates to. */
export interface UpdateIntake {
  /** Records the updates durably, then dispatches the new ones; answers how many were new. */
  accept(botId: number, updates: readonly Update[]): Promise<number>;
}

export interface DispatcherOptions extends AttemptOptions {
  /** Ordering keys handled at the same time; as many more may have only their Telegram calls left, on their way. */
  concurrency: number;
  /**
   * Slots past `concurrency`, taken once every slot is, each by an owner holding no slot: two
   * owners whose endless loops filled their shares left a third owner's update waiting for a
   * slot, and by the time it had one and reached the sandboxes, their queued runs had taken the
   * sandboxes the loops gave back (its reply came two loops late, not one).
   */
  overflowSlots: number;
  /** The wait before attempt `attempt + 1`, after `attempt` failures. */
  retryDelayMs(failures: number): number;
  sleep: AbortableSleep;
  /** How long `stop` waits for the updates being handled; the rest are handled after a restart. */
  drainTimeoutMs: number;
}

export const defaultDispatcherOptions: DispatcherOptions = {
  concurrency: 64,
  overflowSlots: 4,
  maxAttempts: 5,
  retryDelayMs: (failures) => Math.min(60_000, 1000 * 2 ** (failures - 1)),
  sleep: abortableSleep,
  drainTimeoutMs: 10_000,
  quarantineAfterStarts: 3,
};

/** The rows of one `(bot, ordering key)`, handled one at a time in id order. */
interface Lane {
  key: string;
  rows: InboxRow[];
  /** When the lane came, in the order lanes came: an owner's lanes go on oldest first. */
  since: number;
  /** Its bot's owner as last read: kept when it cannot be read again, so the owner's slots stay counted. */
  owner?: number;
}

/**
 * Hands accepted updates to the UpdateHandler: strictly in order within one `(bot, ordering
 * key)` lane, lanes in parallel up to `concurrency`, and one owner's bots in at most half of
 * them (its share: a waiting update of another owner goes before the giver's next when a slot
 * is given back, even when two owners hold them all, and an owner holding none takes one of a
 * few overflow slots while one is free). New rows come in memory right after their commit (no
 * polling of the table); the table only matters on `start`, which resumes every row left
 * pending by the last process, except those whose handling took the process down again and
 * again (set aside as failed). A rejected `handle` is retried after a
 * back-off, which holds the lane (so order holds) but not a slot, then given up after
 * `maxAttempts`. A row whose handling has only its Telegram calls left, on their way, is
 * released: it gives its slot back and lets its lane's next row begin, whose first call waits
 * for them (Delivery.after), so a reply's round trip to Telegram holds neither the chat's
 * next update nor a slot. At most `concurrency` rows are released at once, an owner's at
 * most its share of them (a row past that keeps its slot until its calls are through); a
 * lane runs one row ahead of a released row at most, and its rows are marked done in order:
 * a crash handles again at most two rows of a chat.
 */
export class Dispatcher implements UpdateIntake {
  private handler?: UpdateHandler;
  private readonly options: DispatcherOptions;
  private readonly lanes = new Map<string, Lane>();
  /** Lanes with rows waiting for a free slot, and owners whose oldest parked lane may take one. */
  private readonly ready: (Lane | { wakes: number })[] = [];
  private running = 0;
  /** Slots held by rows being handled (the running ones that are not parking). */
  private handling = 0;
  /** Slots each owner holds, and its lanes parked until it gives one back (or, below `concurrency`, anyone does). */
  private readonly byOwner = new Map<number, number>();
  private readonly parked = new Map<number, Lane[]>();
  /** Lanes made so far: the next one's `since`. */
  private lanesCome = 0;
  private readonly ownerShare: number;
  /** Rows accepted before `start`: merged with the resumed ones so order holds. */
  private held: InboxRow[] = [];
  /** Ids of the rows in the lanes: a row committed just before `start` read the pending ones must not come twice. */
  private readonly queued = new Set<number>();
  private closing = new AbortController();
  private idle?: () => void;
  /** Per lane key, its last finished row until it is through: its calls answered, its done mark made after the row before it. */
  private readonly finishing = new Map<string, Promise<void>>();
  /** Rows released with their Telegram calls still on their way, in all and by owner. */
  private onTheirWay = 0;
  private readonly onTheirWayByOwner = new Map<number, number>();
  private doneIds: number[] = [];
  private flushing?: Promise<void>;
  private readonly attempts: UpdateAttempts;

  constructor(
    private readonly inbox: Inbox,
    private readonly log: Logger,
    options: Partial<DispatcherOptions> = {},
  ) {
    this.options = { ...defaultDispatcherOptions, ...options };
    this.ownerShare = Math.max(1, Math.floor(this.options.concurrency / 2));
    this.attempts = new UpdateAttempts(inbox, log, this.options);
  }

  async accept(botId: number, updates: readonly Update[]): Promise<number> {
    const rows = await this.inbox.insert(botId, updates, true);
    this.options.metrics?.received(rows.length, updates.length - rows.length);
    if (this.handler) this.enqueue(rows);
    else this.held.push(...rows);
    return rows.length;
  }

  /** Starts handling with `handler`: first every pending row of the inbox, in order. */
  async start(handler: UpdateHandler): Promise<void> {
    if (this.handler) throw new Error("the dispatcher is already started");
    this.closing = new AbortController();
    const pending = await this.quarantine(await this.inbox.pending());
    // Rows accepted while the pending ones loaded may be in both lists.
    const byId = new Map([...pending, ...this.held].map((row) => [row.id, row]));
    this.held = [];
    this.handler = handler;
    this.enqueue([...byId.values()].sort((a, b) => a.id - b.id));
  }

  /**
   * Stops taking rows from the lanes and waits for the updates being handled (a retry back-off
   * is cut short). Rows not started stay pending in the inbox for the next start.
   */
  async stop(): Promise<void> {
    if (!this.handler) return;
    this.handler = undefined;
    this.closing.abort();
    this.ready.length = 0;
    this.parked.clear();
    if (this.running > 0 || this.finishing.size > 0) {
      const drained = this.running > 0 ? new Promise<void>((resolve) => (this.idle = resolve)) : Promise.resolve();
      // Rows released while the others drain are waited for too.
      const through = drained.then(async () => {
        while (this.finishing.size > 0) await Promise.all(this.finishing.values());
      });
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, this.options.drainTimeoutMs).unref());
      await Promise.race([through, timeout]);
    }
    this.lanes.clear();
    this.queued.clear();
    await this.flush();
  }

  private enqueue(rows: readonly InboxRow[]): void {
    for (const row of rows) {
      if (this.queued.has(row.id)) continue;
      this.queued.add(row.id);
      const key = `${row.botId}:${row.orderingKey}`;
      let lane = this.lanes.get(key);
      if (!lane) {
        lane = { key, rows: [], since: ++this.lanesCome };
        this.lanes.set(key, lane);
        this.ready.push(lane);
      }
      lane.rows.push(row);
    }
    this.pump();
  }

  private pump(): void {
    // Overflow slots only where owners are told: one is for an owner holding no slot.
    const slots = this.options.concurrency + (this.handler?.ownerOf ? this.options.overflowSlots : 0);
    while (this.handler && this.running < slots && this.ready.length > 0) {
      const next = this.ready.shift()!;
      const lane = "wakes" in next ? this.unpark(next.wakes) : next;
      if (!lane) continue;
      this.running++;
      void this.drive(lane, this.handler);
    }
  }

  /** The rows that are not set aside for having stopped the process each time. */
  private async quarantine(rows: InboxRow[]): Promise<InboxRow[]> {
    const kept: InboxRow[] = [];
    for (const row of rows) if (!(await this.attempts.setAsideIfDeadly(row))) kept.push(row);
    return kept;
  }

  /**
   * Handles the lane's first row, then gives the slot back (the lane queues again if it has more).
   * The slot goes to the owner's oldest parked lane instead when one came before this one, so an
   * owner's newer chats never overtake its parked ones.
   */
  private async drive(lane: Lane, handler: UpdateHandler): Promise<void> {
    const { signal } = this.closing;
    const owner = await this.ownerOf(lane, handler);
    const holds = owner === undefined ? 0 : (this.byOwner.get(owner) ?? 0);
    if (owner !== undefined && (holds >= this.ownerShare || (holds > 0 && this.handling >= this.options.concurrency))) {
      // The owner holds its share of slots, or holds one and this is an overflow slot: this lane waits.
      this.running--;
      if (signal.aborted) return this.drained();
      this.park(owner, lane);
      this.pump();
      return;
    }
    if (owner !== undefined && (this.parked.get(owner)?.[0]?.since ?? Infinity) < lane.since) {
      const older = this.unpark(owner)!;
      this.park(owner, lane);
      lane = older;
    }
    const row = lane.rows[0]!;
    this.hold(owner, +1);
    const { outcome, wait } = await this.attempt(lane.key, row, handler, owner);
    this.running--;
    if (outcome === "finished") this.queued.delete(lane.rows.shift()!.id);
    if (signal.aborted) return this.drained();
    if (outcome === "retry") {
      // The lane keeps its place (new rows join it) while the back-off runs off the slot.
      void this.options.sleep(this.options.retryDelayMs(row.attempts), signal).then((waited) => {
        if (!waited) return;
        this.ready.push(lane);
        this.pump();
      });
      this.pump();
    } else if (wait) {
      // Off the slot too, and the lane stays (new rows join it) until it may go on.
      this.pump();
      void wait.then(() => signal.aborted || this.goOn(lane));
    } else this.goOn(lane);
  }

  /** A row ended while the dispatcher stops: the last one lets `stop` go on. */
  private drained(): void {
    if (this.running === 0) this.idle?.();
  }

  /** The lane's next row may begin: back among the ready lanes, or gone if it has none. */
  private goOn(lane: Lane): void {
    if (lane.rows.length > 0) this.ready.push(lane);
    else this.lanes.delete(lane.key);
    this.pump();
  }

  /** The owner of the lane's bot; the one last read when it cannot be read now (the database failing), else unknown, and then uncounted. */
  private async ownerOf(lane: Lane, handler: UpdateHandler): Promise<number | undefined> {
    const botId = lane.rows[0]!.botId;
    try {
      lane.owner = await handler.ownerOf?.(botId);
    } catch (error) {
      this.log.warn({ err: error, bot_id: botId }, "could not read an update's owner");
    }
    return lane.owner;
  }

  /** The lane waits for a slot, after the owner's lanes that came before it. */
  private park(owner: number, lane: Lane): void {
    const lanes = this.parked.get(owner) ?? [];
    let at = lanes.length;
    while (at > 0 && lanes[at - 1]!.since > lane.since) at--;
    lanes.splice(at, 0, lane);
    this.parked.set(owner, lanes);
  }

  /** Takes the owner's oldest parked lane out. */
  private unpark(owner: number): Lane | undefined {
    const lanes = this.parked.get(owner);
    const lane = lanes?.shift();
    if (lanes?.length === 0) this.parked.delete(owner);
    return lane;
  }

  /**
   * Counts a slot taken or given back by an owner. A given-back slot wakes parked lanes, behind
   * the lanes of other owners that came first (put ahead of them, the giver's took the slot back
   * at once, and two owners holding every slot with endless work kept a third owner's update out
   * for as long as they had more): the giver's, and, below `concurrency`, an owner's below its
   * share, which waited only because every slot was held (else it would wait for its owner's
   * own slot while others stood free). A wake takes the owner's oldest parked lane only when its
   * turn comes: until then the lane stays parked, where the owner's newer chats find it and let
   * it go first (drive).
   */
  private hold(owner: number | undefined, change: 1 | -1): void {
    this.handling += change;
    if (owner !== undefined) countIn(this.byOwner, owner, change);
    if (change > 0) return;
    if (owner !== undefined && this.parked.has(owner)) this.ready.push({ wakes: owner });
    if (this.handling >= this.options.concurrency) return;
    let oldest: { owner: number; since: number } | undefined;
    for (const [waiting, lanes] of this.parked) {
      if ((this.byOwner.get(waiting) ?? 0) < this.ownerShare && (!oldest || lanes[0]!.since < oldest.since)) oldest = { owner: waiting, since: lanes[0]!.since };
    }
    if (oldest) this.ready.push({ wakes: oldest.owner });
  }

  /**
   * One attempt at a row: `finished` (handled, given up, or released with only its Telegram
   * calls left) or `retry`, and what the lane's next row waits for: the lane's row before this
   * one, if it is not through yet. The owner's share of slots goes back when the row is
   * handled or released. A row is marked done once it is through and the lane's row before it is.
   */
  private async attempt(laneKey: string, row: InboxRow, handler: UpdateHandler, owner: number | undefined): Promise<{ outcome: "finished" | "retry"; wait?: Promise<void> }> {
    const wait = this.finishing.get(laneKey);
    let isReleased = false;
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = () => {
        if (isReleased || !this.mayRelease(owner)) return;
        isReleased = true;
        this.countOnTheirWay(owner, +1);
        resolve();
      };
    });
    const handled = this.attempts.attempt(row, handler, { released: release, after: wait });
    await Promise.race([handled, released]);
    this.hold(owner, -1);
    if (!isReleased) {
      const outcome = await handled;
      if (outcome === "retry") return { outcome, wait };
      if (!wait) {
        if (outcome === "handled") this.markDone(row.id);
        return { outcome: "finished" };
      }
    }
    const through: Promise<void> = Promise.all([handled, wait]).then(([last]) => {
      if (last === "handled") this.markDone(row.id);
      if (this.finishing.get(laneKey) === through) this.finishing.delete(laneKey);
      if (isReleased) this.countOnTheirWay(owner, -1);
    });
    this.finishing.set(laneKey, through);
    return { outcome: "finished", wait };
  }

  /** Whether one more row (of this owner) may be released: at most `concurrency`, an owner's at most its share. */
  private mayRelease(owner: number | undefined): boolean {
    return this.onTheirWay < this.options.concurrency && (owner === undefined || (this.onTheirWayByOwner.get(owner) ?? 0) < this.ownerShare);
  }

  private countOnTheirWay(owner: number | undefined, change: 1 | -1): void {
    this.onTheirWay += change;
    if (owner !== undefined) countIn(this.onTheirWayByOwner, owner, change);
  }

  /** Done marks are written in batches: one statement for every row finished meanwhile. */
  private markDone(id: number): void {
    this.doneIds.push(id);
    this.writeDoneSoon(0);
  }

  private writeDoneSoon(delayMs: number): void {
    this.flushing ??= new Promise<void>((resolve) => (delayMs > 0 ? setTimeout(resolve, delayMs).unref() : setImmediate(resolve))).then(() => this.writeDone());
  }

  private async writeDone(): Promise<void> {
    const ids = this.doneIds;
    this.doneIds = [];
    let failed = false;
    try {
      await this.inbox.markDone(ids);
    } catch (error) {
      // Left pending, they would be handled again after a restart: keep them for the next batch.
      this.log.error({ err: error }, "could not mark updates done");
      this.doneIds.unshift(...ids);
      failed = true;
    }
    this.flushing = undefined;
    if (this.doneIds.length > 0 && !(failed && this.closing.signal.aborted)) this.writeDoneSoon(failed ? 1000 : 0);
  }

  /** Resolves once the done marks of every update handled so far are written. */
  async flush(): Promise<void> {
    await this.flushing;
    if (this.doneIds.length > 0) await this.writeDone();
  }
}

/** Adds `change` to an owner's count, leaving no entry at zero. */
function countIn(counts: Map<number, number>, owner: number, change: 1 | -1): void {
  const count = (counts.get(owner) ?? 0) + change;
  if (count > 0) counts.set(owner, count);
  else counts.delete(owner);
}
