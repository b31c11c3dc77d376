import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * Who may poll a bot: Telegram answers one getUpdates per token at a time, and two processes
 * polling one bot would fight over its offset. A process polls a bot only while it holds the
 * bot's lease, renews it while it polls, and gives it back when it stops; a dead holder's
 * lease runs out and another process takes the bot.
 */
export interface PollLeases {
  /** Takes the bot's lease, or renews it when this process holds it; answers whether it does now. */
  hold(botId: number): Promise<boolean>;
  /** Gives the lease back if this process holds it. */
  release(botId: number): Promise<void>;
  /** How often a holder must renew (well inside the lease). */
  readonly renewEveryMs: number;
}

/** Takes the lease when free, renews it when ours; ARGV: holder, lease ms. */
const HOLD = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if holder then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/** Deletes the lease only when ours (a lease that ran out may be another's already). */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Leases in Redis (`<prefix>:poll:<bot id>`), on Redis's time: a holder that stops renewing loses it after `leaseMs`. */
export class RedisPollLeases implements PollLeases {
  /** This process, as the leases name it. */
  private readonly holder = randomUUID();
  readonly renewEveryMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly leaseMs = 30_000,
  ) {
    this.renewEveryMs = Math.floor(leaseMs / 3);
  }

  async hold(botId: number): Promise<boolean> {
    return (await this.redis.eval(HOLD, 1, this.key(botId), this.holder, this.leaseMs)) === 1;
  }

  async release(botId: number): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key(botId), this.holder);
  }

  private key(botId: number): string {
    return `${this.prefix}:poll:${botId}`;
  }
}
