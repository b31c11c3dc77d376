import { BotApi, TelegramApiError, TelegramNetworkError, type ApiRoot } from "../telegram/bot-api.js";
import type { RuntimeMetrics } from "./runtime-metrics.js";

/** Waits a number of milliseconds; tests pass one that returns at once. */
export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export interface SenderOptions {
  apiRoot: ApiRoot;
  /** Attempts of one call when Telegram answers 429. */
  maxAttempts?: number;
  /** The longest `retry_after` worth waiting for, in seconds; longer ones fail the call. */
  maxRetryAfterS?: number;
  sleep?: Sleep;
  /** Told how each call ended. */
  metrics?: RuntimeMetrics;
}

/** Whose traffic a call is. */
export type SendPriority = "interactive" | "broadcast";

export interface SendOptions {
  priority?: SendPriority;
}

/**
 * Calls the Bot API for bots, one client per token, and honours Telegram's 429: it waits
 * `retry_after` and tries again, so a burst slows down instead of losing messages. Every other
 * refusal is the caller's to handle.
 */
export class TelegramSender {
  private readonly clients = new Map<string, BotApi>();
  private readonly sleep: Sleep;

  constructor(private readonly options: SenderOptions) {
    this.sleep = options.sleep ?? realSleep;
  }

  private client(token: string): BotApi {
    let client = this.clients.get(token);
    if (!client) {
      client = new BotApi(token, { apiRoot: this.options.apiRoot });
      this.clients.set(token, client);
    }
    return client;
  }

  /**
   * Makes one Bot API call. `priority` says whose traffic it is: a bot's interactive replies
   * go before its broadcast traffic (spec issue 11; this sender does not order them yet).
   */
  async call(token: string, method: string, params: Record<string, unknown>, _options: SendOptions = {}): Promise<unknown> {
    const attempts = this.options.maxAttempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.client(token).call(method as never, params as never);
        this.options.metrics?.call("ok");
        return result;
      } catch (error) {
        const retryAfter = error instanceof TelegramApiError && error.error_code === 429 ? (error.retry_after ?? 1) : undefined;
        this.options.metrics?.call(retryAfter !== undefined ? "rate_limited" : error instanceof TelegramNetworkError ? "network" : "refused");
        if (retryAfter === undefined || attempt >= attempts || retryAfter > (this.options.maxRetryAfterS ?? 30)) throw error;
        await this.sleep(retryAfter * 1000);
      }
    }
  }
}
