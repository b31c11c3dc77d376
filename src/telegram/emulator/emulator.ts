import { setTimeout as sleep } from "node:timers/promises";
import { systemClock, type Clock } from "../../clock.js";
import { Described, type MethodContext, type Services } from "./context.js";
import { emptyCounters, type Counters } from "./counters.js";
import { internalError, notFound, TelegramError, tooManyRequests, unauthorized } from "./errors.js";
import { Faults } from "./faults.js";
import { RateLimiter, telegramLimits, type RateLimits } from "./limits.js";
import { LongPolling } from "./long-polling.js";
import { methods } from "./methods/index.js";
import { Params } from "./params.js";
import { Webhooks, type DeliveryOptions } from "./webhook-delivery.js";
import { World } from "./world.js";

/** How to set up an emulator; every field has a default. */
export interface EmulatorOptions {
  /** Where dates and rate limits take time from (a fake clock in tests). */
  clock?: Clock;
  /** Telegram's flood limits; `{enabled: false}` switches them off. */
  limits?: Partial<RateLimits>;
  /** Webhook retry back-off and timeout. */
  webhook?: Partial<DeliveryOptions>;
  /** Messages kept per chat (default 1,000: older ones are forgotten, which keeps the heap small and the GC cheap under load). */
  historyLimit?: number;
  /**
   * The first update_id of a bot registered now (default 1). An emulator started again in front
   * of bots that remember the update ids they saw (the playground's, whose inbox drops an id it
   * has had) must not number from 1 again.
   */
  firstUpdateId?: () => number;
}

/** A Bot API answer: the HTTP status and the JSON body. */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

const never = (): AbortSignal => new AbortController().signal;

/** Telegram without the network: the world, its rules, and the Bot API over it. */
export class TelegramEmulator implements Services {
  readonly clock: Clock;
  readonly world: World;
  readonly limits: RateLimiter;
  readonly polling = new LongPolling();
  readonly webhooks: Webhooks;
  readonly faults = new Faults();
  readonly counters: Counters = emptyCounters();

  constructor(options: EmulatorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.world = new World({ clock: this.clock, historyLimit: options.historyLimit ?? 1000, firstUpdateId: options.firstUpdateId });
    this.limits = new RateLimiter({ ...telegramLimits, ...options.limits }, this.clock);
    this.webhooks = new Webhooks({
      options: { retryBaseMs: 1000, retryMaxMs: 60_000, timeoutMs: 30_000, ...options.webhook },
      counters: this.counters,
      date: () => this.world.date(),
      onReply: (bot, method, params) => void this.call(bot.token, method, new Params(params)),
    });
  }

  /**
   * Runs one Bot API call as Telegram answers it. Resolves to undefined only for an
   * injected hang, once the caller has given up (`hangUp`, made only when needed).
   */
  async call(token: string, methodName: string, params: Params, hangUp = never): Promise<ApiAnswer | undefined> {
    try {
      const bot = this.world.bots.get(token);
      if (!bot) throw unauthorized();
      this.counters.calls[methodName] = (this.counters.calls[methodName] ?? 0) + 1;
      const name = methodName.toLowerCase();
      const method = methods.get(name);
      if (!method) throw notFound();
      const delay = this.faults.delayFor(name);
      if (delay > 0) await sleep(delay);
      const fault = this.faults.take(name);
      if (fault?.kind === "hang") {
        const signal = hangUp();
        if (!signal.aborted) await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        return undefined;
      }
      if (fault?.kind === 429) throw tooManyRequests(fault.retryAfter ?? 1);
      if (fault?.kind === 500) throw internalError();
      const { world, limits, polling, webhooks } = this;
      const context: MethodContext = { world, limits, polling, webhooks, bot, params, hangUp };
      const result = await method(context);
      if (result instanceof Described) return { status: 200, body: { ok: true, result: result.result, description: result.description } };
      return { status: 200, body: { ok: true, result } };
    } catch (error) {
      if (!(error instanceof TelegramError)) throw error;
      if (error.code === 429) this.counters.tooManyRequests++;
      return { status: error.code, body: error };
    }
  }

  /** Back to a fresh Telegram: no bots, users, chats, faults; counters at zero. */
  reset(): void {
    this.webhooks.stopAll();
    this.polling.endAll();
    this.world.reset();
    this.limits.reset();
    this.faults.clear();
    Object.assign(this.counters, emptyCounters());
  }

  /** Stops webhook deliveries and ends waiting polls. */
  close(): void {
    this.webhooks.stopAll();
    this.polling.endAll();
  }
}
