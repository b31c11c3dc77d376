import type { Clock } from "../../clock.js";

/** Telegram's flood limits on sending, as the emulator enforces them. */
export interface RateLimits {
  /** Off: every send passes (benchmarks of other components). */
  enabled: boolean;
  /** Messages per second one bot may send over all chats. */
  perBotPerSecond: number;
  /** ...and those sent with `allow_paid_broadcast`, counted apart (Telegram: up to 1,000/s for a fee). */
  paidPerBotPerSecond: number;
  /** Sustained messages per second to one private chat... */
  perPrivateChatPerSecond: number;
  /** ...after a burst of this many. */
  privateChatBurst: number;
  /** Messages per minute to one group or supergroup. */
  perGroupPerMinute: number;
}

/** The limits Telegram documents, with a small private-chat burst. */
export const telegramLimits: RateLimits = {
  enabled: true,
  perBotPerSecond: 30,
  paidPerBotPerSecond: 1000,
  perPrivateChatPerSecond: 1,
  privateChatBurst: 3,
  perGroupPerMinute: 20,
};

/** A token bucket: `capacity` tokens, refilled at `perMs` tokens per millisecond. */
class Bucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  /** Milliseconds until a token is available (0 = now). */
  waitMs(now: number): number {
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.updatedAt) * this.perMs);
    this.updatedAt = now;
    return this.tokens >= 1 ? 0 : (1 - this.tokens) / this.perMs;
  }

  take(): void {
    this.tokens -= 1;
  }
}

/** Where a message goes, as far as the limits care. */
export interface Destination {
  botId: number;
  chatId: number;
  isPrivate: boolean;
  /** Sent with `allow_paid_broadcast`: the paid per-bot rate applies instead of the free one. */
  paid?: boolean;
}

/**
 * Decides whether a bot may send a message now (a media group counts as one). A send passes only if the bot's
 * bucket and the chat's bucket both allow it, and then takes from both; otherwise it
 * answers the honest wait, in whole seconds, before the same send would pass.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly limits: RateLimits,
    private readonly clock: Clock,
  ) {}

  /** 0 when the send may go (and it is counted); else the seconds to wait. */
  acquire(to: Destination): number {
    if (!this.limits.enabled) return 0;
    const now = this.clock.now();
    const { perPrivateChatPerSecond, privateChatBurst, perGroupPerMinute } = this.limits;
    const perBot = to.paid ? this.limits.paidPerBotPerSecond : this.limits.perBotPerSecond;
    const bot = this.bucket(`${to.paid ? "$" : "b"}${to.botId}`, perBot, perBot / 1000, now);
    const chat = to.isPrivate
      ? this.bucket(`p${to.botId}:${to.chatId}`, privateChatBurst, perPrivateChatPerSecond / 1000, now)
      : this.bucket(`g${to.botId}:${to.chatId}`, perGroupPerMinute, perGroupPerMinute / 60_000, now);
    const waitMs = Math.max(bot.waitMs(now), chat.waitMs(now));
    if (waitMs > 0) return Math.max(1, Math.ceil(waitMs / 1000));
    bot.take();
    chat.take();
    return 0;
  }

  /** Forgets every bucket. */
  reset(): void {
    this.buckets.clear();
  }

  private bucket(key: string, capacity: number, perMs: number, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = new Bucket(capacity, perMs, now)));
    return bucket;
  }
}
