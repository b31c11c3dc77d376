import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { BotStore } from "../bots/bots.js";
import type { ErrorLog } from "../bots/error-log.js";
import { every, type Clock, type Timer } from "../clock.js";
import type { Config } from "../config.js";
import type { Database } from "../db/database.js";
import type { JobQueue } from "../jobs/job-queue.js";
import type { ApiRoot } from "../telegram/bot-api.js";
import type { Redis } from "ioredis";
import { Dispatcher, type DispatcherOptions, type UpdateIntake } from "./intake/dispatcher.js";
import { GroupedUpdateQueue, type GroupedQueueOptions } from "./intake/grouped-queue.js";
import { Inbox, type InboxRow } from "./intake/inbox.js";
import { defaultPollingOptions, type PollingOptions } from "./intake/polling.js";
import { InboxReconciler, type ReconcilerOptions } from "./intake/reconciler.js";
import { BotRunner, type BotRunnerDeps } from "./lifecycle.js";
import { RuntimeMetrics } from "./runtime-metrics.js";
import type { TelegramSender } from "./telegram-sender.js";
import type { UpdateHandler } from "./update-handler.js";

export interface BotRuntimeDeps {
  database: Pick<Database, "db" | "committed">;
  clock: Clock;
  log: Logger;
  store: BotStore;
  /** How starting and stopping reach Telegram. */
  sender: Pick<TelegramSender, "call">;
  config: Pick<Config, "publicUrl" | "telegramApiRoot">;
  /** Where polling bots' calls go; default TELEGRAM_API_ROOT for every bot. */
  apiRoot?: ApiRoot;
  metrics: Registry;
  /** Where an update set aside at start is reported to its bot's owner. */
  errorLog: Pick<ErrorLog, "record">;
  /** Where a stopped bot's pending runs are cancelled. */
  jobs: Pick<JobQueue, "cancel">;
  /** Whether this process runs polling loops, and (shared mode) the leases that say which process polls a bot. */
  polling?: Pick<BotRunnerDeps, "polls" | "sharedPolling">;
  /**
   * Redis for updates shared by several processes (PostgreSQL only): accepted updates are
   * queued there for any worker, in order per chat. Without it one process handles them all.
   */
  updates?: { redis: Redis; prefix: string };
}

export interface BotRuntimeOptions {
  dispatcher?: Partial<DispatcherOptions>;
  /** The Redis queue's options, when `updates` is given (attempts and quarantine as the dispatcher's). */
  queue?: Partial<GroupedQueueOptions>;
  reconciler?: Partial<ReconcilerOptions>;
  polling?: Partial<Omit<PollingOptions, "apiRoot" | "allowedUpdates">>;
  /** How long handled updates are kept to recognise a redelivery (default 24 h). */
  keepHandledMs?: number;
}

const HOUR_MS = 3_600_000;

/**
 * The intake and lifecycle half of the bot runtime: the durable inbox, the dispatcher that
 * hands its rows to the UpdateHandler, and the runner that starts and stops bots. Updates are
 * accepted (webhook, polling) from construction on; they are handled once `start(handler)`
 * has resumed what the last process left pending.
 */
export class BotRuntime {
  readonly inbox: Inbox;
  /** Where the webhook route and the polling loops hand updates: `dispatcher` or `queue`. */
  readonly intake: UpdateIntake & { start(handler: UpdateHandler): Promise<void>; stop(): Promise<void> };
  /** The embedded intake (one process handles every update), unless `deps.updates` is given. */
  readonly dispatcher?: Dispatcher;
  /** The Redis intake shared by processes, when `deps.updates` is given. */
  readonly queue?: GroupedUpdateQueue;
  readonly reconciler?: InboxReconciler;
  readonly runner: BotRunner;
  readonly metrics: RuntimeMetrics;
  private readonly keepHandledMs: number;
  private pruning?: Timer;

  constructor(
    private readonly deps: BotRuntimeDeps,
    options: BotRuntimeOptions = {},
  ) {
    this.inbox = new Inbox(deps.database, deps.clock);
    this.metrics = new RuntimeMetrics(deps.metrics);
    const attempts = {
      quarantined: async (row: InboxRow) => {
        const message = `An update (update_id ${row.update.update_id}) was set aside without being handled: handling it stopped the platform ${row.starts} times`;
        await deps.errorLog.record(row.botId, { message, trigger: "update", group_key: "quarantined" });
      },
      metrics: this.metrics,
    };
    if (deps.updates) {
      this.queue = new GroupedUpdateQueue(this.inbox, deps.updates.redis, deps.log, deps.updates.prefix, { ...attempts, ...options.queue, metrics: this.metrics });
      this.reconciler = new InboxReconciler(this.inbox, this.queue, deps.clock, deps.log, options.reconciler);
      this.intake = this.queue;
    } else {
      this.dispatcher = new Dispatcher(this.inbox, deps.log, { ...attempts, ...options.dispatcher, metrics: this.metrics });
      this.intake = this.dispatcher;
    }
    this.runner = new BotRunner({
      store: deps.store,
      sender: deps.sender,
      intake: this.intake,
      clock: deps.clock,
      log: deps.log,
      jobs: deps.jobs,
      publicUrl: deps.config.publicUrl,
      polling: { ...defaultPollingOptions, ...options.polling, apiRoot: deps.apiRoot ?? deps.config.telegramApiRoot },
      ...deps.polling,
    });
    this.keepHandledMs = options.keepHandledMs ?? 24 * HOUR_MS;
  }

  /**
   * Starts handling updates with `handler` (the processor): first every update the inbox
   * holds pending (queued again, with the Redis intake), then the bots that were running are
   * started again. A process that only accepts updates never calls it.
   */
  async start(handler: UpdateHandler): Promise<void> {
    await this.intake.start(handler);
    await this.reconciler?.reconcile();
    this.reconciler?.start();
    await this.prune();
    this.pruning = every(this.deps.clock, HOUR_MS, () => void this.prune());
    const resumed = await this.runner.resume();
    if (resumed > 0) this.deps.log.info({ bots: resumed }, "running bots resumed");
    this.runner.startRoster();
  }

  /** Deletes handled updates older than the redelivery window. */
  async prune(): Promise<number> {
    try {
      return await this.inbox.prune(this.keepHandledMs);
    } catch (error) {
      this.deps.log.error({ err: error }, "could not prune the update inbox");
      return 0;
    }
  }

  /**
   * Shuts down for a process exit: polling loops end, the updates being handled finish, the
   * rest stay pending. Bot statuses are left as they are, so `start` resumes them next time.
   */
  async close(): Promise<void> {
    this.pruning?.cancel();
    this.reconciler?.stop();
    await this.runner.close();
    await this.intake.stop();
  }
}
