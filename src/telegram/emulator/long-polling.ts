import type { Update } from "@grammyjs/types";
import { conflict, type TelegramError } from "./errors.js";
import type { BotAccount } from "./world.js";

/** What getUpdates asks for. */
export interface PollRequest {
  offset?: number;
  limit: number;
  timeoutS: number;
  allowedUpdates?: string[];
  signal: AbortSignal;
}

/**
 * getUpdates: answers at once when updates are pending, else holds the request until one
 * arrives or the timeout passes. One poll per bot: a newer one ends the older with 409.
 */
export class LongPolling {
  private readonly waiting = new Map<BotAccount, (error?: TelegramError) => void>();

  async poll(bot: BotAccount, request: PollRequest): Promise<Update[]> {
    this.end(bot, conflict("terminated by other getUpdates request; make sure that only one bot instance is running"));
    bot.updates.allow(request.allowedUpdates);
    if (request.offset !== undefined) bot.updates.confirm(request.offset);
    if (bot.updates.pending.length === 0 && request.timeoutS > 0 && !request.signal.aborted) {
      await this.wait(bot, request);
    }
    return bot.updates.pending.slice(0, request.limit);
  }

  /** Whether a getUpdates of the bot is being held. */
  isWaiting(bot: BotAccount): boolean {
    return this.waiting.has(bot);
  }

  /** Ends the bot's waiting poll, with an error (a conflict) or with what is pending. */
  end(bot: BotAccount, error?: TelegramError): void {
    this.waiting.get(bot)?.(error);
  }

  /** Ends every waiting poll (the emulator is closing). */
  endAll(): void {
    for (const finish of this.waiting.values()) finish();
  }

  private wait(bot: BotAccount, { timeoutS, signal }: PollRequest): Promise<void> {
    return new Promise((resolve, reject) => {
      const finish = (error?: TelegramError): void => {
        clearTimeout(timer);
        unsubscribe();
        signal.removeEventListener("abort", onAbort);
        if (this.waiting.get(bot) === finish) this.waiting.delete(bot);
        if (error) reject(error);
        else resolve();
      };
      const onAbort = (): void => finish();
      const timer = setTimeout(finish, timeoutS * 1000);
      const unsubscribe = bot.updates.onPush(() => finish());
      signal.addEventListener("abort", onAbort);
      this.waiting.set(bot, finish);
    });
  }
}
