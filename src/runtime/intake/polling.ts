import type { Update } from "@grammyjs/types";
import type { Logger } from "pino";
import { BotApi, TelegramApiError, type ApiRoot } from "../../telegram/bot-api.js";
import type { UpdateKind } from "./allowed-updates.js";
import type { UpdateIntake } from "./dispatcher.js";
import { abortableSleep, type AbortableSleep } from "./sleep.js";

export interface PollingOptions {
  apiRoot: ApiRoot;
  /** getUpdates' long-polling timeout, in seconds. */
  timeoutS: number;
  allowedUpdates: readonly UpdateKind[];
  /** The wait after `failures` failures in a row (429 waits its `retry_after` instead). */
  retryDelayMs(failures: number): number;
  sleep: AbortableSleep;
}

export const defaultPollingOptions: Omit<PollingOptions, "apiRoot" | "allowedUpdates"> = {
  timeoutS: 25,
  retryDelayMs: (failures) => Math.min(30_000, 500 * 2 ** (failures - 1)),
  sleep: abortableSleep,
};

/** Telegram's answers that mean the token no longer works: stop, do not retry. */
const REVOKED = new Set([401, 404]);

/**
 * One bot's long-polling loop: getUpdates, record the batch in the inbox, then confirm it by
 * asking for the next offset. An update is confirmed only after its row is committed, so a
 * crash at any point loses none (the refetched batch is dropped as duplicates). Errors back
 * off; a revoked token ends the loop through `onRevoked`. `stop` aborts the waiting request.
 */
export class PollingLoop {
  private readonly abort = new AbortController();
  private readonly api: BotApi;
  private finished?: Promise<void>;

  constructor(
    readonly botId: number,
    token: string,
    private readonly intake: UpdateIntake,
    private readonly log: Logger,
    private readonly options: PollingOptions,
    /** Told Telegram's description when the token is refused; the loop has ended by then. */
    private readonly onRevoked: (description: string) => Promise<void>,
  ) {
    this.api = new BotApi(token, {
      apiRoot: options.apiRoot,
      // Longer than the long poll itself, so only a dead connection times out.
      timeoutMs: (options.timeoutS + 15) * 1000,
      signal: this.abort.signal,
      held: true,
    });
  }

  /** Starts polling in the background. */
  start(): void {
    this.finished ??= this.run().catch((error: unknown) => this.log.error({ err: error, bot_id: this.botId }, "polling loop crashed"));
  }

  /** Ends the loop, cutting a waiting getUpdates short; resolves once it has ended. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.finished;
  }

  private async run(): Promise<void> {
    const { signal } = this.abort;
    const { timeoutS, allowedUpdates, retryDelayMs, sleep } = this.options;
    let offset: number | undefined;
    let failures = 0;
    while (!signal.aborted) {
      let updates: Update[];
      try {
        updates = await this.api.call("getUpdates", { offset, timeout: timeoutS, allowed_updates: allowedUpdates });
        if (updates.length > 0) {
          await this.intake.accept(this.botId, updates);
          offset = updates.at(-1)!.update_id + 1;
        }
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        if (error instanceof TelegramApiError && REVOKED.has(error.error_code)) {
          this.log.warn({ bot_id: this.botId, reason: error.description }, "Telegram refused the bot's token: polling stopped");
          await this.onRevoked(error.description);
          return;
        }
        failures++;
        const tooMany = error instanceof TelegramApiError && error.error_code === 429;
        const delayMs = tooMany ? (error.retry_after ?? 1) * 1000 : retryDelayMs(failures);
        this.log.warn({ bot_id: this.botId, reason: (error as Error).message, retry_in_ms: delayMs }, "polling failed; retrying");
        await sleep(delayMs, signal);
      }
    }
  }
}
