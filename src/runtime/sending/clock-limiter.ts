import { RateLimiterRedis, RateLimiterRes, type RateLimiterStoreAbstract as StoreAbstract } from "rate-limiter-flexible";
import type { Clock } from "../../clock.js";

/** The library's base class for stores, which its index does not export (its Redis store extends it). */
const RateLimiterStoreAbstract = Object.getPrototypeOf(RateLimiterRedis) as typeof StoreAbstract;

/** One key's window: points consumed so far and when the window ends (null = never). */
interface Window {
  consumed: number;
  endsAt: number | null;
}

/** What `_upsert` and `_get` hand to `_getRateLimiterRes`. */
interface StoreAnswer {
  consumed: number;
  msLeft: number;
}

/** Above this many keys, ended windows are swept (and the mark doubles if most are live). */
const SWEEP_FROM = 1024;

/**
 * rate-limiter-flexible with an in-process store timed by the injected clock. Its own memory
 * store reads Date.now and arms setTimeout, which a fake clock cannot move; this store keeps
 * the library's limiter (consume, block, reward) and only answers "how many points in this
 * window, and how long is left" from `clock.now()`. Windows may be fractions of a second.
 * For scale-out, RateLimiterRedis takes its place under the same options and keys (SendLimits
 * builds every limiter in one spot); it sets expiries in whole seconds, so the per-bot window
 * (about half a second) needs its `_upsert` with PEXPIRE there.
 */
export class ClockRateLimiter extends RateLimiterStoreAbstract {
  private readonly windows: Map<string, Window>;
  private sweepAt = SWEEP_FROM;

  constructor(
    private readonly clock: Clock,
    options: { keyPrefix: string; points: number; duration: number },
  ) {
    const windows = new Map<string, Window>();
    super({ ...options, storeClient: windows });
    this.windows = windows;
  }

  // The store methods rate-limiter-flexible's RateLimiterStoreAbstract calls.

  async _upsert(key: string, points: number, msDuration: number, forceExpire = false): Promise<StoreAnswer> {
    const now = this.clock.now();
    let window = this.windows.get(key);
    if (forceExpire || !window || (window.endsAt !== null && window.endsAt <= now)) {
      window = { consumed: 0, endsAt: msDuration > 0 ? now + msDuration : null };
      this.windows.set(key, window);
      if (this.windows.size >= this.sweepAt) this.sweep(now);
    }
    window.consumed += points;
    return { consumed: window.consumed, msLeft: window.endsAt === null ? -1 : window.endsAt - now };
  }

  async _get(key: string): Promise<StoreAnswer | null> {
    const now = this.clock.now();
    const window = this.windows.get(key);
    if (!window || (window.endsAt !== null && window.endsAt <= now)) return null;
    return { consumed: window.consumed, msLeft: window.endsAt === null ? -1 : window.endsAt - now };
  }

  async _delete(key: string): Promise<boolean> {
    return this.windows.delete(key);
  }

  _getRateLimiterRes(_key: string, changedPoints: number, answer: StoreAnswer): RateLimiterRes {
    return new RateLimiterRes(Math.max(this.points - answer.consumed, 0), answer.msLeft, answer.consumed, answer.consumed === changedPoints);
  }

  /** Drops ended windows, so memory follows the keys in use, not every chat ever written to. */
  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt !== null && window.endsAt <= now) this.windows.delete(key);
    this.sweepAt = Math.max(SWEEP_FROM, this.windows.size * 2);
  }
}
