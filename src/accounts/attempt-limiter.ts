import type { Redis } from "ioredis";
import type { Clock } from "../clock.js";

/** The verdict on one more attempt under a key. */
export interface AttemptVerdict {
  allowed: boolean;
  /** Seconds until the window ends; 0 when allowed. */
  retryAfterS: number;
}

/** Counts attempts per key in fixed windows and says when a key has had too many. */
export interface AttemptLimiter {
  hit(key: string, limit: number, windowS: number): Promise<AttemptVerdict>;
}

/** For one process: counters in memory, timed by the injected clock. */
export class MemoryAttemptLimiter implements AttemptLimiter {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  constructor(private readonly clock: Clock) {}

  async hit(key: string, limit: number, windowS: number): Promise<AttemptVerdict> {
    const now = this.clock.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      this.sweep(now);
      window = { count: 0, endsAt: now + windowS * 1000 };
      this.windows.set(key, window);
    }
    window.count += 1;
    return verdict(window.count, limit, window.endsAt - now);
  }

  /** Drops ended windows so memory stays bounded by the keys of one window. */
  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}

/** For several processes: the counters live in Redis, shared by every API process. */
export class RedisAttemptLimiter implements AttemptLimiter {
  constructor(private readonly redis: Redis, private readonly prefix = "botyard:attempts:") {}

  async hit(key: string, limit: number, windowS: number): Promise<AttemptVerdict> {
    const name = this.prefix + key;
    const [[, count], [, ttl]] = (await this.redis
      .multi()
      .incr(name)
      .pttl(name)
      .exec()) as [[null, number], [null, number]];
    let remainingMs = ttl;
    if (ttl < 0) {
      remainingMs = windowS * 1000;
      await this.redis.pexpire(name, remainingMs);
    }
    return verdict(count, limit, remainingMs);
  }
}

function verdict(count: number, limit: number, remainingMs: number): AttemptVerdict {
  return count <= limit ? { allowed: true, retryAfterS: 0 } : { allowed: false, retryAfterS: Math.max(1, Math.ceil(remainingMs / 1000)) };
}
