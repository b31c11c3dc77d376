import { RateLimiterRedis, RateLimiterRes, type RateLimiterStoreAbstract as StoreAbstract } from "rate-limiter-flexible";
import type { Clock } from "../../clock.js";
import type { WindowState, WindowStore } from "./window-store.js";

/** The library's base class for stores, which its index does not export (its Redis store extends it). */
const RateLimiterStoreAbstract = Object.getPrototypeOf(RateLimiterRedis) as typeof StoreAbstract;

/**
 * rate-limiter-flexible on a WindowStore timed by the injected clock. The library's own stores
 * read Date.now (and its memory store arms setTimeout), which a fake clock cannot move, and
 * its Redis store counts in whole seconds; this keeps the library's limiter (consume, block,
 * reward) and only answers "how many points in this window, and how long is left" from
 * `clock.now()`, in memory or in Redis. Windows may be fractions of a second.
 */
export class ClockRateLimiter extends RateLimiterStoreAbstract {
  constructor(
    private readonly clock: Clock,
    private readonly store: WindowStore,
    options: { keyPrefix: string; points: number; duration: number },
  ) {
    super({ ...options, storeClient: store });
  }

  // The store methods rate-limiter-flexible's RateLimiterStoreAbstract calls.

  _upsert(key: string, points: number, msDuration: number, forceExpire = false): Promise<WindowState> {
    return this.store.upsert(key, points, msDuration, forceExpire, this.clock.now());
  }

  _get(key: string): Promise<WindowState | null> {
    return this.store.get(key, this.clock.now());
  }

  _delete(key: string): Promise<boolean> {
    return this.store.delete(key);
  }

  _getRateLimiterRes(_key: string, changedPoints: number, answer: WindowState): RateLimiterRes {
    return new RateLimiterRes(Math.max(this.points - answer.consumed, 0), answer.msLeft, answer.consumed, answer.consumed === changedPoints);
  }
}
