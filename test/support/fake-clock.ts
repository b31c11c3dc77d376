import type { Clock, Timer } from "../../src/clock.js";

interface PendingTimer {
  due: number;
  /** Creation order: timers due at the same moment fire in the order they were set. */
  seq: number;
  fire(): void;
}

/**
 * A clock tests move by hand. Its timers fire only when the clock is moved past their due
 * time, in due order, with `now()` set to each timer's due time while it fires, so a test
 * decides exactly what has happened.
 */
export class FakeClock implements Clock {
  private readonly timers = new Set<PendingTimer>();
  private seq = 0;

  constructor(private ms = Date.parse("2026-01-15T12:00:00.000Z")) {}

  now(): number {
    return this.ms;
  }

  setTimer(ms: number, fire: () => void): Timer {
    const timer = { due: this.ms + Math.max(0, ms), seq: this.seq++, fire };
    this.timers.add(timer);
    return { cancel: () => void this.timers.delete(timer) };
  }

  /** Moves the clock `ms` ahead, firing every timer that falls due on the way (also those set meanwhile). */
  advance(ms: number): void {
    const end = this.ms + ms;
    for (let next = this.nextDue(end); next; next = this.nextDue(end)) {
      this.timers.delete(next);
      this.ms = Math.max(this.ms, next.due);
      next.fire();
    }
    this.ms = end;
  }

  /**
   * Like `advance`, but lets the asynchronous work each timer starts run (I/O included)
   * before the next one fires, and after the last: for code whose timers lead to database
   * reads and writes.
   */
  async advanceAsync(ms: number): Promise<void> {
    const end = this.ms + ms;
    for (let next = this.nextDue(end); next; next = this.nextDue(end)) {
      this.timers.delete(next);
      this.ms = Math.max(this.ms, next.due);
      next.fire();
      await settle();
    }
    this.ms = end;
    await settle();
  }

  /** How many timers wait to fire (tests check nothing is left armed). */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** The earliest due time among the pending timers, if any. */
  get nextTimerAt(): number | undefined {
    return this.nextDue(Number.POSITIVE_INFINITY)?.due;
  }

  private nextDue(end: number): PendingTimer | undefined {
    let first: PendingTimer | undefined;
    for (const timer of this.timers) {
      if (timer.due <= end && (!first || timer.due < first.due || (timer.due === first.due && timer.seq < first.seq))) first = timer;
    }
    return first;
  }
}

/** Lets pending callbacks, promise chains and quick I/O run (a few event-loop turns). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}
