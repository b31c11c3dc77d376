import { setMaxListeners } from "node:events";
import type { Update } from "@grammyjs/types";
import { postJson } from "../post-json.js";
import { orderingKey } from "../update-parts.js";
import type { Counters } from "./counters.js";
import type { BotAccount, WebhookSettings } from "./world.js";

/** How webhook delivery retries: back-off doubles from `retryBaseMs` up to `retryMaxMs`. */
export interface DeliveryOptions {
  retryBaseMs: number;
  retryMaxMs: number;
  /** A receiver slower than this counts as failed. */
  timeoutMs: number;
}

/** What deliveries need from the emulator. */
export interface DeliveryContext {
  options: DeliveryOptions;
  counters: Counters;
  /** Telegram's date now, in seconds. */
  date(): number;
  /** Runs a Bot API method a webhook answered with (`{"method": ..., ...params}`). */
  onReply(bot: BotAccount, method: string, params: Record<string, unknown>): void;
}

/** Updates of one chat (or, without a chat, of one user) go in order; any other update alone. */
function orderKey(update: Update): string {
  return orderingKey(update) ?? `update:${update.update_id}`;
}

/**
 * Delivers one bot's updates to its webhook as Telegram does: a POST per update with the
 * secret token header, one update in flight per chat (chats in parallel, up to
 * max_connections), and on a non-2xx answer or a network error the same update again after
 * a growing back-off, so a chat's order is never broken.
 */
class WebhookDelivery {
  private readonly busyChats = new Set<string>();
  /** Each chat's updates not yet handed out, oldest first, and the chats free to send now. */
  private readonly waiting = new Map<string, Update[]>();
  private readonly ready: string[] = [];
  private lastQueuedId = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly aborts = new AbortController();
  private readonly unsubscribe: () => void;
  private inFlight = 0;

  constructor(
    private readonly bot: BotAccount,
    private readonly webhook: WebhookSettings,
    private readonly context: DeliveryContext,
  ) {
    // One abort listener per delivery in flight, up to max_connections (100 by default).
    setMaxListeners(0, this.aborts.signal);
    this.unsubscribe = bot.updates.onPush(() => this.pump());
    this.pump();
  }

  stop(): void {
    this.unsubscribe();
    this.aborts.abort();
    for (const timer of this.timers) clearTimeout(timer);
  }

  /**
   * Sends what may go now. Costs what is new plus what is sent, not the whole backlog: new
   * updates join their chat's queue (getUpdates cannot confirm updates while a webhook is set,
   * and setting or deleting it starts a new delivery, so the queues stay true to the bot's).
   */
  private pump(): void {
    this.takeNewUpdates();
    while (!this.aborts.signal.aborted && this.inFlight < this.webhook.maxConnections && this.ready.length > 0) {
      const key = this.ready.shift()!;
      const queue = this.waiting.get(key)!;
      const update = queue.shift()!;
      if (queue.length === 0) this.waiting.delete(key);
      this.busyChats.add(key);
      this.inFlight++;
      void this.deliver(update, key, 0);
    }
  }

  /** Moves updates pushed since the last pump into their chats' queues. */
  private takeNewUpdates(): void {
    const pending = this.bot.updates.pending;
    let first = pending.length;
    while (first > 0 && pending[first - 1]!.update_id > this.lastQueuedId) first--;
    for (let i = first; i < pending.length; i++) {
      const update = pending[i]!;
      const key = orderKey(update);
      const queue = this.waiting.get(key);
      if (queue) queue.push(update);
      else {
        this.waiting.set(key, [update]);
        if (!this.busyChats.has(key)) this.ready.push(key);
      }
      this.lastQueuedId = update.update_id;
    }
  }

  /** A chat's update went through: the chat's next one may go. */
  private chatFree(key: string): void {
    this.busyChats.delete(key);
    if (this.waiting.has(key)) this.ready.push(key);
  }

  private async deliver(update: Update, key: string, attempt: number): Promise<void> {
    const failure = await this.post(update);
    if (this.aborts.signal.aborted) return;
    if (failure === undefined) {
      this.context.counters.webhookDeliveries++;
      this.bot.updates.remove(update);
      this.chatFree(key);
      this.inFlight--;
      this.pump();
      return;
    }
    this.context.counters.webhookFailures++;
    this.webhook.lastErrorDate = this.context.date();
    this.webhook.lastErrorMessage = failure;
    const { retryBaseMs, retryMaxMs } = this.context.options;
    const delay = Math.min(retryMaxMs, retryBaseMs * 2 ** attempt);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.deliver(update, key, attempt + 1);
    }, delay);
    this.timers.add(timer);
  }

  /** POSTs the update; undefined on success, else Telegram's last_error_message. */
  private async post(update: Update): Promise<string | undefined> {
    try {
      const answer = await postJson(new URL(this.webhook.url), JSON.stringify(update), {
        headers: this.webhook.secretToken ? { "x-telegram-bot-api-secret-token": this.webhook.secretToken } : {},
        timeoutMs: this.context.options.timeoutMs,
        signal: this.aborts.signal,
      });
      if (answer.status < 200 || answer.status > 299) return `Wrong response from the webhook: ${answer.status} ${answer.statusText}`;
      this.runReply(answer.body);
      return undefined;
    } catch (error) {
      if ((error as { code?: unknown }).code === "ECONNREFUSED") return "Connection refused";
      return (error as Error).name === "TimeoutError" ? "Read timeout expired" : `Failed to deliver: ${(error as Error).message}`;
    }
  }

  /** A receiver may answer with a method call, which Telegram runs (its result goes nowhere). */
  private runReply(body: string): void {
    if (!body.startsWith("{")) return;
    try {
      const { method, ...params } = JSON.parse(body) as { method?: unknown };
      if (typeof method === "string") this.context.onReply(this.bot, method, params);
    } catch {
      // Not JSON: Telegram ignores the body too.
    }
  }
}

/** The running webhook deliveries, one per bot with a webhook. */
export class Webhooks {
  private readonly deliveries = new Map<BotAccount, WebhookDelivery>();

  constructor(private readonly context: DeliveryContext) {}

  /** (Re)starts delivery to the bot's current webhook, or stops it if it has none. */
  restart(bot: BotAccount): void {
    this.deliveries.get(bot)?.stop();
    this.deliveries.delete(bot);
    if (bot.webhook) this.deliveries.set(bot, new WebhookDelivery(bot, bot.webhook, this.context));
  }

  stopAll(): void {
    for (const delivery of this.deliveries.values()) delivery.stop();
    this.deliveries.clear();
  }
}
