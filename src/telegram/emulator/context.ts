import type { RateLimiter } from "./limits.js";
import type { LongPolling } from "./long-polling.js";
import type { Params } from "./params.js";
import type { Webhooks } from "./webhook-delivery.js";
import type { BotAccount, World } from "./world.js";

/** What the Bot API methods share: the world and the machinery around it. */
export interface Services {
  world: World;
  limits: RateLimiter;
  polling: LongPolling;
  webhooks: Webhooks;
}

/** One Bot API call: who calls, with what, and a signal that fires if the caller hangs up. */
export interface MethodContext extends Services {
  bot: BotAccount;
  params: Params;
  /** Made on first use: most calls never wait, and a signal per call costs throughput. */
  hangUp(): AbortSignal;
}

/** A Bot API method: returns the `result` or throws a TelegramError. */
export type Method = (ctx: MethodContext) => unknown;

/** A result Telegram answers with a `description` beside it (setWebhook, deleteWebhook). */
export class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}
