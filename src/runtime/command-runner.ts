import type { Logger } from "pino";
import type { Action } from "./actions.js";
import type { ErrorLog } from "../bots/error-log.js";
import type { PropertyStore } from "../bots/properties.js";
import { TelegramApiError, TelegramNetworkError } from "../telegram/bot-api.js";
import { answerParams, fillPlaceholders } from "./answer.js";
import { hasBjs } from "./command-book.js";
import type { Invocation } from "./invocation.js";
import { globalsOf } from "./invocation.js";
import type { Executor, BjsError } from "./sandbox/executor.js";
import type { Segment } from "./sandbox/body.js";
import type { TelegramSender } from "./telegram-sender.js";
import type { WaitStore } from "./waits.js";
import type { HostReads } from "./sandbox/isolate-host.js";
import type { PropertyPrefetch } from "./property-prefetch.js";
import type { RuntimeMetrics } from "./runtime-metrics.js";

/** What BJS sees in a private chat when it fails and the bot has no `!` command. */
export const DEFAULT_ERROR_REPLY = "Oh. Error happened 😢. Bug report was sent";

/** The runner's collaborators. */
export interface RunnerDeps {
  executor: Executor;
  sender: TelegramSender;
  waits: WaitStore;
  properties: PropertyStore;
  errorLog: ErrorLog;
  log: Logger;
  /** The host of the platform's public address, BJS's `BB_API_URL`. */
  apiHost: string;
  /** Property reads for BJS, bound to the invocation. */
  reads(invocation: Invocation): HostReads;
  /** The reads a body spells out, answered before it runs. */
  prefetch: PropertyPrefetch;
  metrics: RuntimeMetrics;
  /** The owner's quota for `iteration_quota`. */
  quota(invocation: Invocation): Promise<{ limit: number; used: number }>;
  /** Applies an execution's actions in order. */
  apply(actions: Action[], invocation: Invocation): Promise<void>;
}

/**
 * A failure while applying an execution's actions, already in the bot's error log: it ends the
 * update (marked handled), so the BJS is never run again and nothing already sent is sent again.
 */
export class UpdateEnded extends Error {
  constructor() {
    super("the update ended: applying a command's actions failed");
  }
}

/**
 * Runs one selected command (spec/bjs.md §1.5, §1.9, §2.14): the ask phase of "Wait for
 * answer", the Answer with its Keyboard, then one BJS body (`@` + command + `@@`) whose
 * actions are applied after it ends; a failure is logged, and in a private chat answered by
 * `!` or the default reply.
 */
export class CommandRunner {
  constructor(private readonly deps: RunnerDeps) {}

  async run(invocation: Invocation): Promise<void> {
    const { command } = invocation;
    if (command.need_reply && invocation.kind !== "reply") return this.ask(invocation);
    // The reply phase of a question does not repeat the question (spec §1.5).
    if (command.answer?.trim() && invocation.kind !== "reply") await this.sendAnswer(invocation);
    if (!hasBjs(command)) return;
    const quota = await this.deps.quota(invocation);
    const segments = this.segments(invocation);
    const prefetched = await this.deps.prefetch.load(invocation, segments);
    const result = await this.deps.executor.execute({
      botId: invocation.bot.row.id,
      ownerId: invocation.bot.owner.id,
      segments,
      globals: { ...globalsOf(invocation, this.deps.apiHost, quota), prefetched },
      reads: this.deps.reads(invocation),
      timeoutMs: invocation.bot.plan.command_timeout_s * 1000,
    });
    invocation.chain.committed = true;
    this.deps.metrics.execution(result.error);
    try {
      await this.deps.apply(result.actions, invocation);
    } catch (error) {
      if (error instanceof UpdateEnded) throw error;
      this.deps.log.error({ err: error, bot_id: invocation.bot.row.id, command: invocation.command.command }, "applying a command's actions failed");
      await this.record(invocation, { message: "The platform could not apply all of this command's actions; the update ended there and was not run again" }).catch(() => {});
      throw new UpdateEnded();
    }
    if (result.error) await this.fail(invocation, result.error);
  }

  /** The ask phase: the Answer is the question; the reply goes to this command's BJS. */
  private async ask(invocation: Invocation): Promise<void> {
    if (invocation.command.answer?.trim()) await this.sendAnswer(invocation);
    if (!invocation.user || !invocation.chat) {
      await this.record(invocation, { message: `Wait for answer needs a user and a chat: ${invocation.command.command} was run without them` });
      return;
    }
    const key = { botId: invocation.bot.row.id, chatId: invocation.chat.row.id, userId: invocation.user.row.id };
    await this.deps.waits.open(key, invocation.command.id, invocation.options ?? null);
  }

  /** The hooks wrap every execution of a command that has BJS (spec §1.9, recommendation). */
  private segments(invocation: Invocation): Segment[] {
    const hook = (name: "@" | "@@") => {
      const command = invocation.book.named(name);
      return hasBjs(command) && command !== invocation.command ? [{ name, code: command!.code! }] : [];
    };
    return [...hook("@"), { name: invocation.command.command, code: invocation.command.code! }, ...hook("@@")];
  }

  private async sendAnswer(invocation: Invocation): Promise<void> {
    const chat = invocation.chat;
    if (!chat) return;
    const { bot, command, user } = invocation;
    const text = await fillPlaceholders(command.answer!, async (name) => {
      const own = user ? await this.deps.properties.get(bot.row.id, "user", name, { userId: user.row.id }) : undefined;
      return own !== undefined ? own : this.deps.properties.get(bot.row.id, "bot", name);
    });
    if (!invocation.chain.trySend()) return;
    await this.post(invocation, "sendMessage", answerParams(Number(chat.row.chatid), text, command.keyboard_body), (reason) => `The Answer of ${command.command} was refused: ${reason}`);
  }

  /**
   * Makes a Bot API call whose result nobody reads, and logs a refusal as `refusal(reason)`.
   * A call Telegram must be asked again is left to the sender's retries, so the update's
   * handling (and its dispatcher slot) goes on; a refusal that comes later is logged then.
   */
  async post(invocation: Invocation, method: string, params: Record<string, unknown>, refusal: (reason: string) => string): Promise<void> {
    const log = async (error: unknown) => {
      if (!(error instanceof TelegramApiError || error instanceof TelegramNetworkError)) throw error;
      await this.record(invocation, { message: refusal(telegramReason(error)) });
    };
    const lateFailure = (error: Error) =>
      void log(error).catch((logError: unknown) => this.deps.log.error({ err: logError, botId: invocation.bot.row.id }, "could not log a late Telegram refusal"));
    try {
      await this.deps.sender.call(invocation.bot.token, method, params, { lateFailure });
    } catch (error) {
      await log(error);
    }
  }

  /** Logs the failure; in a private chat, answers with `!` (never recursively) or the default reply. */
  private async fail(invocation: Invocation, error: BjsError): Promise<void> {
    await this.record(invocation, { message: error.message, stack: error.stack, segment: error.segment, line: error.line });
    const privateChat = invocation.chat?.row.chat_type === "private";
    if (!privateChat || invocation.kind === "callback" || invocation.kind === "error") return;
    const bang = invocation.book.named("!");
    if (bang) {
      await this.run({ ...invocation, command: bang, kind: "error", options: { error: { message: error.message, command: invocation.command.command } } });
      return;
    }
    if (!invocation.chain.trySend()) return;
    try {
      await this.deps.sender.call(invocation.bot.token, "sendMessage", { chat_id: Number(invocation.chat!.row.chatid), text: DEFAULT_ERROR_REPLY });
    } catch (sendError) {
      this.deps.log.warn({ err: sendError, botId: invocation.bot.row.id }, "could not send the default error reply");
    }
  }

  /** Writes an entry to the bot's error log, tied to the invocation's command, chat and user. */
  async record(invocation: Invocation, entry: { message: string; stack?: string; segment?: string | null; line?: number | null }): Promise<void> {
    const { command } = invocation;
    const segment = entry.segment === undefined || entry.segment === null ? null : entry.segment === command.command ? "cmd" : entry.segment;
    await this.deps.errorLog.record(invocation.bot.row.id, {
      command_id: command.id,
      command_name: command.command,
      segment,
      line: entry.line ?? null,
      column: null,
      message: entry.message.slice(0, 2000),
      stack: entry.stack?.slice(0, 8000) ?? null,
      trigger: invocation.kind,
      chat_id: invocation.chat?.row.id ?? null,
      user_id: invocation.user?.row.id ?? null,
      group_key: `${command.id}:${segment ?? ""}:${entry.line ?? ""}:${entry.message.slice(0, 200)}`,
    });
  }
}

/** Telegram's own words for a refusal, or the network failure. */
export function telegramReason(error: TelegramApiError | TelegramNetworkError): string {
  return error instanceof TelegramApiError ? error.description : error.message;
}
