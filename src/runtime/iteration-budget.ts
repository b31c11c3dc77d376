import type { IterationMeter } from "../accounts/iterations.js";
import type { Clock, Timer } from "../clock.js";

/** How often spent iterations are written, and how long a read of an owner's written usage is trusted. */
const FLUSH_MS = 1000;
const USAGE_TTL_MS = 5000;

/**
 * Meters iterations (spec/bjs.md §4) without a database write per update: spending is added
 * up in memory and written in batches ("the counter may update in batches"); the quota check
 * reads an owner's usage at most every few seconds and adds what is not written yet.
 */
export class IterationBudget {
  private readonly unwritten = new Map<string, { ownerId: number; botId: number; n: number }>();
  /** The unwritten iterations summed per owner (the quota check runs for every update). */
  private readonly unwrittenByOwner = new Map<number, number>();
  private readonly usage = new Map<number, { used: number; readAt: number }>();
  private started = false;
  private timer?: Timer;

  constructor(
    private readonly meter: IterationMeter,
    private readonly clock: Clock,
  ) {}

  /** Starts writing batches in the background. */
  start(): void {
    this.started = true;
    if (this.unwritten.size > 0) this.flushSoon();
  }

  /**
   * Arms one write a batch's length from now, unless one is armed. Nothing is armed while
   * nothing is owed: an idle process does not wake every second (nor does a test's clock
   * moved on by a week fire 600 000 empty batches).
   */
  private flushSoon(): void {
    if (!this.started || this.timer) return;
    this.timer = this.clock.setTimer(FLUSH_MS, () => {
      this.timer = undefined;
      // A batch that could not be written stays owed (owing arms the next write).
      void this.flush().catch(() => {});
    });
  }

  spend(ownerId: number, botId: number, iterations: number): void {
    this.owe(ownerId, botId, iterations);
    this.unwrittenByOwner.set(ownerId, (this.unwrittenByOwner.get(ownerId) ?? 0) + iterations);
  }

  /** Adds to the next batch. */
  private owe(ownerId: number, botId: number, iterations: number): void {
    const key = `${ownerId}:${botId}`;
    const entry = this.unwritten.get(key) ?? { ownerId, botId, n: 0 };
    entry.n += iterations;
    this.unwritten.set(key, entry);
    this.flushSoon();
  }

  /** Iterations the owner spent this month, written or not. */
  async spent(ownerId: number): Promise<number> {
    let known = this.usage.get(ownerId);
    if (!known || this.clock.now() - known.readAt > USAGE_TTL_MS) {
      known = { used: (await this.meter.usage(ownerId)).used, readAt: this.clock.now() };
      this.usage.set(ownerId, known);
    }
    return known.used + (this.unwrittenByOwner.get(ownerId) ?? 0);
  }

  /**
   * Writes what was spent since the last batch. Each write adds to the stored counter, so
   * processes sharing a database sum exactly; what fails to be written is owed again (still
   * counted here meanwhile), and the failure thrown.
   */
  async flush(): Promise<void> {
    const batch = [...this.unwritten.values()];
    this.unwritten.clear();
    for (const [i, { ownerId, botId, n }] of batch.entries()) {
      try {
        await this.meter.add(ownerId, botId, n);
      } catch (error) {
        for (const rest of batch.slice(i)) this.owe(rest.ownerId, rest.botId, rest.n);
        throw error;
      }
      const left = this.unwrittenByOwner.get(ownerId)! - n;
      if (left > 0) this.unwrittenByOwner.set(ownerId, left);
      else this.unwrittenByOwner.delete(ownerId);
      // The written count moved: read it afresh next time rather than guess.
      this.usage.delete(ownerId);
    }
  }

  async stop(): Promise<void> {
    this.started = false;
    this.timer?.cancel();
    this.timer = undefined;
    await this.flush();
  }
}
