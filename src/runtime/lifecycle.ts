import type { Logger } from "pino";
import { RECEIVING_STATUSES, type Bot, type BotLifecycle, type BotStore, type StopOptions } from "../bots/bots.js";
import type { CacheBus } from "../cache-bus.js";
import { every, isoNow, type Clock, type Timer } from "../clock.js";
import { ValidationError } from "../errors.js";
import { Signal } from "../signal.js";
import type { UserFromGetMe } from "@grammyjs/types";
import { isTelegramError, telegramReason, TelegramNetworkError } from "../telegram/bot-api.js";
import { ALLOWED_UPDATES } from "./intake/allowed-updates.js";
import type { JobQueue } from "../jobs/job-queue.js";
import type { UpdateIntake } from "./intake/dispatcher.js";
import type { PollLeases } from "./intake/poll-leases.js";
import { PollingLoop, type PollingOptions } from "./intake/polling.js";
import type { CallOptions, TelegramSender } from "./telegram-sender.js";

export interface BotRunnerDeps {
  store: BotStore;
  sender: Pick<TelegramSender, "call">;
  intake: UpdateIntake;
  clock: Clock;
  log: Logger;
  /** Where a stopped bot's pending runs are cancelled. */
  jobs: Pick<JobQueue, "cancel">;
  /** Where Telegram reaches this platform; undefined = bots use long polling. */
  publicUrl?: string;
  polling: Omit<PollingOptions, "allowedUpdates">;
  /** The wait before starting a bot again when Telegram was unreachable at resume. */
  resumeRetryDelayMs?: (failures: number) => number;
  /** False: this process runs no polling loop (an API process); other processes poll the bots it starts. Default true. */
  polls?: boolean;
  /**
   * Shared mode: a loop runs only while this process holds the bot's lease, and the process
   * takes up running polling bots nobody polls (a scan every renewal, and at once when
   * `changes` tells a bot changed: started or stopped elsewhere).
   */
  sharedPolling?: { leases: PollLeases; changes: CacheBus };
}

const NO_TOKEN = "Token can't be blank: add the bot's Telegram token before starting it, or connect it to the playground first (POST /v2/bots/{id}/playground)";

/** One attempt per call: a failure is the bot's status (and `resume` has its own retry on the clock). */
const ONCE: CallOptions = { retry: false };

/** Bots started at once by `resume`, so a platform with many bots does not flood Telegram. */
const RESUME_CONCURRENCY = 8;

/**
 * Starts and stops bots at Telegram and records their status. Starting checks the token
 * (getMe), then sets a webhook to `PUBLIC_URL/telegram/<id>` with the bot's secret, or without
 * PUBLIC_URL removes any webhook and runs a long-polling loop. The bot ends `works`, or `error`
 * with Telegram's reason. Transitions of one bot never overlap.
 */
export class BotRunner implements BotLifecycle {
  private readonly loops = new Map<number, PollingLoop>();
  private readonly transitions = new Map<number, Promise<void>>();
  private readonly retries = new Map<number, Timer>();
  private closed = false;
  private roster?: Timer;
  /** Emits a bot's id each time it starts working (also when resumed at platform start). */
  readonly started = new Signal<number>();

  constructor(private readonly deps: BotRunnerDeps) {}

  /**
   * Shared mode, in a polling process: renews this process's leases (a loop whose lease was
   * lost ends), takes up polling bots that nobody polls, and follows bots started or stopped
   * elsewhere. Ends with `close`.
   */
  startRoster(): void {
    const shared = this.deps.sharedPolling;
    if (!shared || this.deps.polls === false || this.deps.publicUrl || this.roster || this.closed) return;
    shared.changes.onStale("bot", (id) => void (id === undefined ? this.scan() : this.follow(id)));
    this.roster = every(this.deps.clock, shared.leases.renewEveryMs, () => void this.scan());
    void this.scan();
  }

  /** One roster pass: every running bot followed (its loop kept, taken up or ended), and loops of bots no longer running ended. */
  private async scan(): Promise<void> {
    try {
      const running = await this.deps.store.withStatus(["works"]);
      const ids = new Set(running.map((bot) => bot.id));
      for (const id of this.loops.keys()) ids.add(id);
      await Promise.all([...ids].map((id) => this.follow(id)));
    } catch (error) {
      this.deps.log.error({ err: error }, "could not scan the polling bots");
    }
  }

  /** Makes this process poll the bot if it runs and this process holds (or takes) its lease; else ends its loop here. */
  private follow(botId: number): Promise<void> {
    return this.serially(botId, async () => {
      if (this.closed) return;
      const bot = await this.deps.store.byId(botId);
      const token = bot && bot.status === "works" ? this.deps.store.tokenOf(bot) : null;
      if (!bot || !token) return this.endPolling(botId);
      if (!(await this.deps.sharedPolling!.leases.hold(botId))) return this.endPolling(botId, { release: false });
      if (!this.loops.has(botId)) this.poll(bot, token);
    }).catch((error: unknown) => this.deps.log.error({ err: error, bot_id: botId }, "could not follow the bot's polling"));
  }

  /** Starts the bot; a bot without a token is a validation error. Read its status afterwards. */
  start(bot: Pick<Bot, "id">): Promise<void> {
    return this.serially(bot.id, () => this.launch(bot.id, { resuming: false, failures: 0 }));
  }

  /**
   * Stops the bot: polling ended, webhook removed, status `stopped`, and its pending runs
   * cancelled unless `keepRuns` (a restart under a new token). Never throws.
   */
  stop(bot: Pick<Bot, "id">, { keepRuns = false }: StopOptions = {}): Promise<void> {
    return this.serially(bot.id, () => this.halt(bot.id, keepRuns));
  }

  /**
   * At platform start: starts again every bot that was running (or starting) when the last
   * process ended, and finishes interrupted stops. Answers how many bots it started.
   */
  async resume(): Promise<number> {
    const { store } = this.deps;
    const stopping = await store.withStatus(["start_stopping"]);
    await Promise.all(stopping.map((bot) => this.stop(bot)));
    const queue = await store.withStatus(RECEIVING_STATUSES);
    const started = queue.length;
    const worker = async () => {
      for (let bot = queue.shift(); bot; bot = queue.shift()) {
        const id = bot.id;
        await this.serially(id, () => this.launch(id, { resuming: true, failures: 0 })).catch((error: unknown) =>
          this.deps.log.error({ err: error, bot_id: id }, "could not resume the bot"),
        );
      }
    };
    await Promise.all(Array.from({ length: RESUME_CONCURRENCY }, worker));
    return started;
  }

  /** Whether this process runs a polling loop for the bot. */
  isPolling(botId: number): boolean {
    return this.loops.has(botId);
  }

  /**
   * Ends every polling loop and pending retry without touching any status, so the bots start
   * again at the next `resume` (a process shutting down, not owners stopping their bots).
   */
  async close(): Promise<void> {
    this.closed = true;
    this.roster?.cancel();
    for (const timer of this.retries.values()) timer.cancel();
    this.retries.clear();
    await Promise.allSettled([...this.transitions.values()]);
    // Leases given back, so another process takes the bots up at its next scan.
    await Promise.allSettled([...this.loops.keys()].map((id) => this.endPolling(id)));
  }

  private async launch(botId: number, attempt: { resuming: boolean; failures: number }): Promise<void> {
    const { store, log } = this.deps;
    const bot = await store.byId(botId);
    if (!bot || this.closed) return;
    const token = store.tokenOf(bot);
    if (!token) {
      if (!attempt.resuming) throw new ValidationError([NO_TOKEN]);
      await store.setStatus(botId, { status: "error", status_error: NO_TOKEN });
      return;
    }
    // A running bot (resumed, or started again) stays "works" meanwhile: the processor handles
    // only a working bot's updates, and the ones already accepted must not be dropped.
    if (bot.status !== "works") await store.setStatus(botId, { status: "start_launch", status_error: null });
    await this.endPolling(botId);
    try {
      await this.connect(bot, token);
    } catch (error) {
      await this.endPolling(botId);
      if (error instanceof TelegramNetworkError && attempt.resuming) {
        // Telegram being away for a moment must not stop a bot that was running: try again.
        this.retryLater(botId, attempt.failures + 1);
        log.warn({ bot_id: botId, reason: error.message }, "could not resume the bot yet; retrying");
        return;
      }
      if (!isTelegramError(error)) throw error;
      const reason = telegramReason(error);
      await store.setStatus(botId, { status: "error", status_error: reason });
      log.info({ bot_id: botId, reason }, "Telegram refused to start the bot");
      return;
    }
    await this.started.emit(botId);
  }

  /**
   * The Telegram side of starting: the token checked, then a webhook or a polling loop. The
   * bot is marked working before updates can flow (Telegram delivers as soon as the webhook
   * is set), so none reaches the processor while the bot still looks stopped.
   */
  private async connect(bot: Bot, token: string): Promise<void> {
    const { sender, publicUrl, store } = this.deps;
    const me = (await sender.call(token, "getMe", {}, ONCE)) as UserFromGetMe;
    if (me.username !== bot.username) await store.update(bot.id, { username: me.username });
    const working = () => store.setStatus(bot.id, { status: "works", status_error: null, last_run_at: isoNow(this.deps.clock) });
    if (publicUrl) {
      await working();
      await sender.call(
        token,
        "setWebhook",
        { url: `${publicUrl}/telegram/${bot.id}`, secret_token: bot.webhook_secret, allowed_updates: [...ALLOWED_UPDATES], drop_pending_updates: false },
        ONCE,
      );
      return;
    }
    await sender.call(token, "deleteWebhook", { drop_pending_updates: false }, ONCE);
    await working();
    if (this.closed || this.deps.polls === false) return;
    // Shared mode: another process may be polling it already; the roster takes it up if not.
    if (this.deps.sharedPolling && !(await this.deps.sharedPolling.leases.hold(bot.id))) return;
    this.poll(bot, token);
  }

  private poll(bot: Bot, token: string): void {
    const loop: PollingLoop = new PollingLoop(bot.id, token, this.deps.intake, this.deps.log, { ...this.deps.polling, allowedUpdates: ALLOWED_UPDATES }, (reason) =>
      this.revoked(loop, reason),
    );
    this.loops.set(bot.id, loop);
    loop.start();
  }

  private async halt(botId: number, keepRuns: boolean): Promise<void> {
    const { store, sender, log } = this.deps;
    try {
      this.retries.get(botId)?.cancel();
      this.retries.delete(botId);
      const bot = await store.byId(botId);
      if (!bot) return;
      await store.setStatus(botId, { status: "start_stopping" });
      await this.endPolling(botId);
      const token = store.tokenOf(bot);
      if (token) {
        // Also when polling: a webhook set elsewhere (or under an older PUBLIC_URL) must go too.
        await sender
          .call(token, "deleteWebhook", { drop_pending_updates: false }, ONCE)
          .catch((error: Error) => log.warn({ bot_id: botId, reason: error.message }, "could not remove the bot's webhook"));
      }
      await store.setStatus(botId, { status: "stopped", status_error: null });
      if (!keepRuns) await this.deps.jobs.cancel(botId);
    } catch (error) {
      log.error({ err: error, bot_id: botId }, "could not stop the bot");
    }
  }

  /** A polling loop found the token refused: the bot is in error until its owner acts. */
  private async revoked(loop: PollingLoop, reason: string): Promise<void> {
    if (this.loops.get(loop.botId) !== loop) return;
    this.loops.delete(loop.botId);
    await this.deps.sharedPolling?.leases.release(loop.botId);
    await this.deps.store.setStatus(loop.botId, { status: "error", status_error: reason });
  }

  /** Ends the bot's loop here, and gives its lease back unless another process holds it now. */
  private async endPolling(botId: number, { release = true } = {}): Promise<void> {
    const loop = this.loops.get(botId);
    this.loops.delete(botId);
    await loop?.stop();
    if (release) await this.deps.sharedPolling?.leases.release(botId);
  }

  private retryLater(botId: number, failures: number): void {
    const delayMs = (this.deps.resumeRetryDelayMs ?? ((n) => Math.min(300_000, 1000 * 2 ** n)))(failures);
    const timer = this.deps.clock.setTimer(delayMs, () => {
      this.retries.delete(botId);
      void this.serially(botId, () => this.launch(botId, { resuming: true, failures })).catch((error: unknown) =>
        this.deps.log.error({ err: error, bot_id: botId }, "could not resume the bot"),
      );
    });
    this.retries.set(botId, timer);
  }

  /** Runs `transition` after the bot's previous one has ended. */
  private serially(botId: number, transition: () => Promise<void>): Promise<void> {
    const previous = this.transitions.get(botId) ?? Promise.resolve();
    const next = previous.then(transition, transition);
    this.transitions.set(botId, next);
    const forget = () => {
      if (this.transitions.get(botId) === next) this.transitions.delete(botId);
    };
    next.then(forget, forget);
    return next;
  }
}
