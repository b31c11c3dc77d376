import type { Redis } from "ioredis";

/** One key's window as the store answers it: points consumed so far and the ms left (-1 = never ends). */
export interface WindowState {
  consumed: number;
  msLeft: number;
}

/**
 * Where the sender's fixed windows live: this process's memory, or Redis for every worker.
 * Time is the caller's (`now`, the injected clock), so both stores judge windows alike.
 */
export interface WindowStore {
  /** Adds `points` to the key's window, opening a new one of `msDuration` (0 = never ends) when none is open or `restart`. */
  upsert(key: string, points: number, msDuration: number, restart: boolean, now: number): Promise<WindowState>;
  /** The key's open window, or null. */
  get(key: string, now: number): Promise<WindowState | null>;
  delete(key: string): Promise<boolean>;
}

/** A window's points and when it ends (null = never). */
interface Window {
  consumed: number;
  endsAt: number | null;
}

/** Above this many keys, ended windows are swept (and the mark doubles if most are live). */
const SWEEP_FROM = 1024;

/** For one process: windows in a map. */
export class MemoryWindowStore implements WindowStore {
  private readonly windows = new Map<string, Window>();
  private sweepAt = SWEEP_FROM;

  async upsert(key: string, points: number, msDuration: number, restart: boolean, now: number): Promise<WindowState> {
    let window = this.windows.get(key);
    if (restart || !window || ended(window, now)) {
      window = { consumed: 0, endsAt: msDuration > 0 ? now + msDuration : null };
      this.windows.set(key, window);
      if (this.windows.size >= this.sweepAt) this.sweep(now);
    }
    window.consumed += points;
    return stateOf(window, now);
  }

  async get(key: string, now: number): Promise<WindowState | null> {
    const window = this.windows.get(key);
    return window && !ended(window, now) ? stateOf(window, now) : null;
  }

  async delete(key: string): Promise<boolean> {
    return this.windows.delete(key);
  }

  /** Drops ended windows, so memory follows the keys in use, not every chat ever written to. */
  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (ended(window, now)) this.windows.delete(key);
    this.sweepAt = Math.max(SWEEP_FROM, this.windows.size * 2);
  }
}

const ended = (window: Window, now: number) => window.endsAt !== null && window.endsAt <= now;
const stateOf = (window: Window, now: number): WindowState => ({ consumed: window.consumed, msLeft: window.endsAt === null ? -1 : window.endsAt - now });

/**
 * The same window in a Redis hash {consumed, ends}, read and changed in one script. Why our own
 * script and not rate-limiter-flexible's RateLimiterRedis: its store floors durations to whole
 * seconds (`EX`), and a window under a second (the per-bot 0.501 s) gets no expiry at all;
 * its custom Lua hook is only used for windows of a second or more. Here `ends` is in the
 * caller's time (passed in, so a fake clock drives it and every worker judges alike); the
 * key's own PEXPIRE only collects it, a minute after the window, so clocks a little apart
 * never lose a live window.
 */
const UPSERT = `
local now, points, ms = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local w = redis.call('HMGET', KEYS[1], 'consumed', 'ends')
local consumed, ends = tonumber(w[1]), tonumber(w[2])
if ARGV[4] == '1' or not consumed or (ends > 0 and ends <= now) then
  consumed = 0
  ends = 0
  if ms > 0 then ends = now + ms end
end
consumed = consumed + points
redis.call('HSET', KEYS[1], 'consumed', consumed, 'ends', ends)
if ends > 0 then
  redis.call('PEXPIRE', KEYS[1], ends - now + 60000)
  return {consumed, ends - now}
end
redis.call('PERSIST', KEYS[1])
return {consumed, -1}
`;

/** For several processes: every worker paces a bot on the same windows (a 429 seen by one holds all). */
export class RedisWindowStore implements WindowStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async upsert(key: string, points: number, msDuration: number, restart: boolean, now: number): Promise<WindowState> {
    const [consumed, msLeft] = (await this.redis.eval(UPSERT, 1, this.prefix + key, Math.round(now), points, Math.round(msDuration), restart ? "1" : "0")) as [number, number];
    return { consumed, msLeft };
  }

  async get(key: string, now: number): Promise<WindowState | null> {
    const [consumed, ends] = await this.redis.hmget(this.prefix + key, "consumed", "ends");
    if (consumed === null || ends === null) return null;
    const endsAt = Number(ends);
    if (endsAt > 0 && endsAt <= now) return null;
    return { consumed: Number(consumed), msLeft: endsAt > 0 ? endsAt - now : -1 };
  }

  async delete(key: string): Promise<boolean> {
    return (await this.redis.del(this.prefix + key)) > 0;
  }
}
