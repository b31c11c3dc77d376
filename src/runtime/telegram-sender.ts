import { sleep, type Clock, type Timer } from "../clock.js";
import type { SendingLimits } from "../config.js";
import { BotApi, TelegramApiError, TelegramNetworkError, type ApiRoot } from "../telegram/bot-api.js";
import { chatTarget, keepsChatOrder, postsMessage, SendLimits, type ChatTarget } from "./sending/send-limits.js";
import type { WindowStore } from "./sending/window-store.js";
import type { CallOutcome, SendPriority, SenderMetrics } from "./sending/sender-metrics.js";

export type { SendPriority } from "./sending/sender-metrics.js";

export interface CallOptions {
  /** "interactive" (default): a reply to someone; "broadcast": a mailing, sent when no reply waits. */
  priority?: SendPriority;
  /**
   * False: one attempt, and the caller decides what a failure means (starting a bot, which has
   * its own retry on the clock, and answers an owner's request quickly). Default true.
   */
  retry?: boolean;
  /**
   * For a call whose result nobody reads: once it must be tried again (5xx, network error,
   * 429), the call answers undefined at once, so the caller (an update's handling, holding a
   * dispatcher slot) goes on, and the retries go on in the background, the chat's later calls
   * that change it kept behind them. A final failure is told here instead of thrown.
   */
  lateFailure?: (error: Error) => void;
}

export interface SenderOptions {
  apiRoot: ApiRoot;
  clock: Clock;
  limits: SendingLimits;
  metrics?: SenderMetrics;
  /** Where the limits' windows live; default this process's memory (RedisWindowStore: shared by every worker). */
  windows?: WindowStore;
  /** Attempts of one call in all (429, 5xx and network errors are tried again); default 5. */
  maxAttempts?: number;
}

/** A call waiting in a bot's queue, or between its attempts. */
interface QueuedCall {
  method: string;
  params: Record<string, unknown>;
  priority: SendPriority;
  retry: boolean;
  message: boolean;
  chat?: ChatTarget;
  paid: boolean;
  attempt: number;
  resolve(result: unknown): void;
  reject(error: Error): void;
  /** Answers the caller now and goes on retrying (with `lateFailure`). */
  detach?(): void;
}

/** One bot's calls: a queue per priority, and the loop that lets them go when the limits allow. */
interface BotQueue {
  lanes: Record<SendPriority, QueuedCall[]>;
  pumping: boolean;
  /** A call came while the loop was busy: look again before waiting. */
  dirty: boolean;
  /** Cuts the loop's wait short when a call comes. */
  wake?: AbortController;
}

/** Interactive first: a user waiting for a reply never queues behind a mailing. */
const PRIORITIES: readonly SendPriority[] = ["interactive", "broadcast"];

/** The wait before attempt `attempt + 1` after a 5xx or a network error: 0.5, 1, 2, 4 s... */
const backoffMs = (attempt: number) => Math.min(30_000, 500 * 2 ** (attempt - 1));

/** The longest `retry_after` worth waiting for, in seconds; a longer one fails the call (the bot stays held). */
const MAX_RETRY_AFTER_S = 60;

/**
 * The one way the platform calls Telegram for bots (replies, BJS `Api.*`, broadcasts, starting
 * and stopping; polling aside). Each bot's calls wait in two queues, interactive before
 * broadcast, and go as Telegram's limits allow (SendLimits: messages per bot, per chat, per
 * group), in order within a chat. A 429 holds the whole bot for its `retry_after` and the call
 * goes again first; 5xx answers and network errors are tried again after a back-off on the
 * clock, during which the bot's other calls go on, but not its chat's later calls that change
 * the chat (reads go on). Other refusals (400, 403 "blocked"...) reach the caller as
 * TelegramApiError at once.
 */
export class TelegramSender {
  private readonly queues = new Map<string, BotQueue>();
  private readonly backoffs = new Map<Timer, QueuedCall>();
  /** Chats (token and chat) whose call is between attempts: their later calls that change them wait for it. */
  private readonly heldChats = new Map<string, QueuedCall>();
  private readonly limits: SendLimits;
  private closed = false;

  constructor(private readonly options: SenderOptions) {
    this.limits = new SendLimits(options.clock, options.limits, options.windows);
  }

  /** Calls `method` for the bot of `token`; answers Telegram's result, or throws TelegramApiError / TelegramNetworkError. */
  call(token: string, method: string, params: Record<string, unknown> = {}, options: CallOptions = {}): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new TelegramNetworkError(method, "the platform is shutting down"));
      const message = postsMessage(method);
      const { lateFailure } = options;
      let detached = false;
      const call: QueuedCall = {
        method,
        params,
        priority: options.priority ?? "interactive",
        retry: options.retry ?? true,
        message,
        // Messages wait for their chat's limit; every call that changes a chat, behind its retries.
        chat: keepsChatOrder(method) ? chatTarget(params) : undefined,
        paid: params.allow_paid_broadcast === true,
        attempt: 1,
        resolve,
        reject: (error) => (detached ? lateFailure!(error) : reject(error)),
        detach: lateFailure && (() => {
          detached = true;
          resolve(undefined);
        }),
      };
      this.enqueue(token, call);
    });
  }

  /** Fails every waiting call (and those between attempts): the process is going down. */
  close(): void {
    this.closed = true;
    for (const [timer, call] of this.backoffs) {
      timer.cancel();
      call.reject(new TelegramNetworkError(call.method, "the platform is shutting down"));
    }
    this.backoffs.clear();
    this.heldChats.clear();
    for (const queue of this.queues.values()) {
      for (const priority of PRIORITIES) for (const call of queue.lanes[priority].splice(0)) this.leave(call).reject(new TelegramNetworkError(call.method, "the platform is shutting down"));
      queue.wake?.abort();
    }
  }

  /** Puts a call in its bot's queue (a retry at the front, to keep its place) and makes sure the loop runs. */
  private enqueue(token: string, call: QueuedCall, front = false): void {
    if (this.closed) return call.reject(new TelegramNetworkError(call.method, "the platform is shutting down"));
    let queue = this.queues.get(token);
    if (!queue) {
      queue = { lanes: { interactive: [], broadcast: [] }, pumping: false, dirty: false };
      this.queues.set(token, queue);
    }
    const lane = queue.lanes[call.priority];
    if (front) lane.unshift(call);
    else lane.push(call);
    this.options.metrics?.queue(call.priority, 1);
    this.stir(token, queue);
  }

  /** Makes the bot's loop look at its queues again (now, or as soon as its pass ends). */
  private stir(token: string, queue: BotQueue): void {
    queue.dirty = true;
    queue.wake?.abort();
    if (!queue.pumping) void this.pump(token, queue);
  }

  /** A bot's loop: lets every call go that the limits allow, then waits for the next window or a new call. */
  private async pump(token: string, queue: BotQueue): Promise<void> {
    queue.pumping = true;
    try {
      for (;;) {
        queue.dirty = false;
        const readyAt = await this.release(token, queue);
        if (queue.dirty) continue;
        if (readyAt === undefined || this.closed) break;
        const waitMs = readyAt - this.options.clock.now();
        if (waitMs <= 0) continue;
        queue.wake = new AbortController();
        await sleep(this.options.clock, waitMs, queue.wake.signal);
        queue.wake = undefined;
      }
    } catch (error) {
      // The limiter's store failed: nothing in this queue can be paced, so none of it is sent.
      for (const priority of PRIORITIES) for (const call of queue.lanes[priority].splice(0)) this.fail(token, this.leave(call), error as Error);
    } finally {
      queue.pumping = false;
      if (queue.lanes.interactive.length + queue.lanes.broadcast.length === 0) this.queues.delete(token);
    }
  }

  /**
   * Sends every queued call the limits allow now, interactive ones first, keeping each chat's
   * order: once a chat's call must wait, its later ones wait too. Answers when (clock time)
   * one of the rest may go, or undefined when none is left.
   */
  private async release(token: string, queue: BotQueue): Promise<number | undefined> {
    const waitingChats = new Set<string>();
    let readyAt: number | undefined;
    for (const priority of PRIORITIES) {
      const lane = queue.lanes[priority];
      for (let i = 0; i < lane.length; ) {
        // A reply came during the pass (its awaits let time pass): start over, so it never waits behind the rest of a mailing.
        if (priority === "broadcast" && queue.dirty && queue.lanes.interactive.length > 0) return readyAt;
        const call = lane[i]!;
        const held = call.chat && this.heldChats.get(heldKey(token, call.chat));
        if (call.chat && ((call.message && waitingChats.has(call.chat.key)) || (held && held !== call))) {
          if (held && held !== call) call.detach?.(); // behind a retry: its caller need not wait either
          i++;
          continue;
        }
        const checkedAt = this.options.clock.now();
        const wait = await this.limits.take(token, call);
        if (this.closed) return undefined;
        if (!wait) {
          // The lane may have changed during the await (a retry put in front): find the call again.
          i = lane.indexOf(call);
          lane.splice(i, 1);
          // An attempt that throws (the limiter's store failing mid-retry) ends the call.
          this.attempt(token, this.leave(call)).catch((error: Error) => this.fail(token, call, error));
          continue;
        }
        readyAt = Math.min(readyAt ?? Infinity, checkedAt + wait.waitMs);
        if (wait.scope === "bot") return readyAt;
        waitingChats.add(call.chat!.key);
        i = lane.indexOf(call) + 1;
      }
    }
    return readyAt;
  }

  private leave(call: QueuedCall): QueuedCall {
    this.options.metrics?.queue(call.priority, -1);
    return call;
  }

  /** One attempt at a call; a retryable failure puts it back (after a 429's pause or a back-off). */
  private async attempt(token: string, call: QueuedCall): Promise<void> {
    try {
      // A client per attempt (it is only a URL): where a token's calls go may change (the playground's).
      const result = await new BotApi(token, { apiRoot: this.options.apiRoot }).call(call.method as never, call.params as never);
      this.options.metrics?.call("ok");
      this.unhold(token, call);
      call.resolve(result);
    } catch (error) {
      const outcome = outcomeOf(error);
      if (!outcome) return this.fail(token, call, error as Error);
      this.options.metrics?.call(outcome);
      const again = call.retry && call.attempt < (this.options.maxAttempts ?? 5);
      if (outcome === "rate_limited") {
        const retryAfter = (error as TelegramApiError).retry_after ?? 1;
        await this.limits.pause(token, retryAfter);
        if (again && retryAfter <= MAX_RETRY_AFTER_S) {
          this.retrying(token, call);
          call.attempt++;
          return this.enqueue(token, call, true);
        }
      } else if (again && outcome !== "refused") {
        this.retrying(token, call);
        const timer = this.options.clock.setTimer(backoffMs(call.attempt), () => {
          this.backoffs.delete(timer);
          call.attempt++;
          this.enqueue(token, call, true);
        });
        this.backoffs.set(timer, call);
        return;
      }
      this.fail(token, call, error as Error);
    }
  }

  /** The call ends failed: its chat's hold goes with it (a hold left behind would keep the chat's later calls forever). */
  private fail(token: string, call: QueuedCall, error: Error): void {
    this.unhold(token, call);
    call.reject(error);
  }

  /** A call goes again later: its chat's later calls that change it wait until it is through, and a detachable caller goes on. */
  private retrying(token: string, call: QueuedCall): void {
    if (call.chat) this.heldChats.set(heldKey(token, call.chat), call);
    call.detach?.();
  }

  /** The call is through (sent, or given up): its chat's later calls may go. */
  private unhold(token: string, call: QueuedCall): void {
    if (!call.chat || this.heldChats.get(heldKey(token, call.chat)) !== call) return;
    this.heldChats.delete(heldKey(token, call.chat));
    const queue = this.queues.get(token);
    if (queue) this.stir(token, queue);
  }
}

function heldKey(token: string, chat: ChatTarget): string {
  return `${token} ${chat.key}`;
}

/** How a failed attempt ended, or undefined for an error that is not Telegram's (a bug: never retried). */
function outcomeOf(error: unknown): CallOutcome | undefined {
  if (error instanceof TelegramNetworkError) return "network";
  if (!(error instanceof TelegramApiError)) return undefined;
  if (error.error_code === 429) return "rate_limited";
  return error.error_code >= 500 ? "server_error" : "refused";
}
