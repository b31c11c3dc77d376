import { RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type { Clock } from "../../clock.js";
import type { SendingLimits } from "../../config.js";
import { ClockRateLimiter } from "./clock-limiter.js";
import { MemoryWindowStore, type WindowStore } from "./window-store.js";

/** Telegram's documented flood limits per chat (the per-bot rate is a setting). */
export const chatLimits = {
  /** About one message a second to a private chat, after a short burst. */
  private: { perSecond: 1, burst: 3 },
  /** 20 messages a minute to a group, supergroup or channel. */
  group: { perSecond: 20 / 60, burst: 20 },
} as const;

/** The chat a call writes to, as far as the limits care. */
export interface ChatTarget {
  /** The limiter key: the chat id as Telegram was given it. */
  key: string;
  group: boolean;
}

/** What a call asks of the limits. */
export interface PacedCall {
  /** It posts a message (Telegram's limits count messages; reads and edits only wait out a 429). */
  message: boolean;
  chat?: ChatTarget;
  /** Sent with `allow_paid_broadcast`: the paid per-bot rate applies, when one is set. */
  paid: boolean;
}

/** Why a call may not go yet, and for how long: its bot (paused, or its share taken) or its chat. */
export interface Wait {
  waitMs: number;
  scope: "bot" | "chat";
}

/** Methods that post a message into a chat (names are case-insensitive on Telegram). */
const POSTS_A_MESSAGE = /^(send(?!chataction)|forwardmessage|copymessage)/i;

/** Whether a Bot API method posts a message, and so counts against Telegram's flood limits. */
export function postsMessage(method: string): boolean {
  return POSTS_A_MESSAGE.test(method);
}

/**
 * Whether a Bot API call keeps its place behind its chat's calls that Telegram must be asked
 * again: every call but a read (a message, an edit, a deletion, a ban, leaving the chat...).
 * A deletion that overtook the message replying to it, or a `leaveChat` that overtook the
 * farewell, would break what the bot meant.
 */
export function keepsChatOrder(method: string): boolean {
  return !/^get/i.test(method);
}

/** The chat a Bot API call writes to: its `chat_id` (negative ids and @usernames are groups and channels). */
export function chatTarget(params: Record<string, unknown>): ChatTarget | undefined {
  const id = params.chat_id;
  if (typeof id === "number") return { key: String(id), group: id < 0 };
  if (typeof id === "string" && id !== "") return { key: id, group: id.startsWith("@") || id.startsWith("-") };
  return undefined;
}

/**
 * A fixed window of rate-limiter-flexible that never outruns Telegram's token bucket of
 * `burst` messages refilled at `perSecond`. A window may be spent at its very end and the next
 * one at its very start, so two windows' points meet within moments: a window holds at most
 * (burst + 1) / 2 points, and lasts as long as those points take at the rate, plus a
 * millisecond so rounding on Telegram's side never makes a send early.
 */
export function windowFor(perSecond: number, burst: number): { points: number; duration: number } {
  const points = Math.max(1, Math.floor((burst + 1) / 2));
  return { points, duration: (Math.ceil((points * 1000) / perSecond) + 1) / 1000 };
}

/**
 * The limits outbound calls pass (rate-limiter-flexible, timed by the injected clock, its
 * windows in this process or, in shared mode, in Redis for every worker): every
 * call, a pause per bot while Telegram's `retry_after` runs; a message, also the bot's rate
 * over all its chats (the paid rate for paid broadcasts) and its chat's rate. Keys are bot ids (a token's
 * public part), never tokens.
 */
export class SendLimits {
  private readonly pauses: RateLimiterAbstract;
  private readonly perBot?: RateLimiterAbstract;
  private readonly perBotPaid?: RateLimiterAbstract;
  private readonly perPrivateChat?: RateLimiterAbstract;
  private readonly perGroup?: RateLimiterAbstract;

  constructor(clock: Clock, limits: SendingLimits, store: WindowStore = new MemoryWindowStore()) {
    const limiter = (keyPrefix: string, window: { points: number; duration: number }) => new ClockRateLimiter(clock, store, { keyPrefix, ...window });
    this.pauses = limiter("tg-pause", { points: 1, duration: 1 });
    if (!limits.enabled) return;
    this.perBot = limiter("tg-bot", windowFor(limits.perBotPerSecond, limits.perBotPerSecond));
    if (limits.paidPerBotPerSecond > 0) this.perBotPaid = limiter("tg-paid", windowFor(limits.paidPerBotPerSecond, limits.paidPerBotPerSecond));
    this.perPrivateChat = limiter("tg-chat", windowFor(chatLimits.private.perSecond, chatLimits.private.burst));
    this.perGroup = limiter("tg-group", windowFor(chatLimits.group.perSecond, chatLimits.group.burst));
  }

  /** Takes the call's share of its bot's and its chat's limits (undefined: it may go), or says how long to wait. */
  async take(token: string, call: PacedCall): Promise<Wait | undefined> {
    const bot = botKey(token);
    const paused = await this.pauses.get(bot);
    if (paused && paused.consumedPoints > this.pauses.points) return { waitMs: Math.max(1, paused.msBeforeNext), scope: "bot" };
    if (!call.message) return undefined;
    const botLimiter = (call.paid && this.perBotPaid) || this.perBot;
    if (botLimiter) {
      const waitMs = await refusal(botLimiter.consume(bot));
      if (waitMs) return { waitMs, scope: "bot" };
    }
    const chatLimiter = call.chat && (call.chat.group ? this.perGroup : this.perPrivateChat);
    if (chatLimiter) {
      const waitMs = await refusal(chatLimiter.consume(`${bot}:${call.chat!.key}`));
      if (waitMs) {
        await botLimiter?.reward(bot);
        return { waitMs, scope: "chat" };
      }
    }
    return undefined;
  }

  /** Holds every call of the bot for `seconds` (Telegram's `retry_after`), whatever its chat. */
  async pause(token: string, seconds: number): Promise<void> {
    await this.pauses.block(botKey(token), seconds);
  }
}

/** The bot's id: the part of the token before the colon (tokens have that form), public, not a secret. */
function botKey(token: string): string {
  return token.split(":", 1)[0]!;
}

/** 0 when the consume passed; else the milliseconds until the limiter's window ends. */
async function refusal(consumed: Promise<RateLimiterRes>): Promise<number> {
  try {
    await consumed;
    return 0;
  } catch (error) {
    if (error instanceof RateLimiterRes) return Math.max(1, error.msBeforeNext);
    throw error;
  }
}
