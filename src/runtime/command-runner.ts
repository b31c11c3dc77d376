import { inThisContext } from "../async-context.js";
import type { Logger } from "pino";
import type { Action } from "./actions.js";
import type { ErrorLog } from "../bots/error-log.js";
import type { PropertyStore } from "../bots/properties.js";
import { isTelegramError, telegramReason, TelegramApiError, TelegramNetworkError } from "../telegram/bot-api.js";
import { answerLines, answerParams, fillPlaceholders, KEYBOARD_ONLY_TEXT } from "./answer.js";
import { MAX_CACHED_BYTES, type CacheKey, type CommandCache } from "./command-cache.js";
import { keyboardRows } from "./keyboard-layout.js";
import { CHATLESS_METHODS } from "./bjs/telegram-methods.js";
import { hasBjs, libHandlerCommand, type CommandBook, type RoutableCommand } from "./command-book.js";
import type { Invocation, PlatformAddress, RunningBot } from "./invocation.js";
import { globalsOf, MAX_LOGGED_PER_UPDATE } from "./invocation.js";
import type { Executor, BjsError } from "./sandbox/executor.js";
import type { Segment } from "./sandbox/body.js";
import type { TelegramSender } from "./telegram-sender.js";
import type { WaitStore } from "./waits.js";
import type { HostReads } from "./sandbox/isolate-host.js";
import type { PropertyPrefetch } from "./property-prefetch.js";
import type { RuntimeMetrics } from "./runtime-metrics.js";
import { afterCommit } from "./run-outbox.js";

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
  /** The platform's public address (its host is BJS's `BB_API_URL`). */
  api: PlatformAddress;
  /** Property reads for BJS, bound to the invocation. */
  reads(invocation: Invocation): HostReads;
  /** The reads a body spells out, answered before it runs. */
  prefetch: PropertyPrefetch;
  metrics: RuntimeMetrics;
  /** The owner's quota for `iteration_quota`. */
  quota(invocation: Invocation): Promise<{ limit: number; used: number }>;
  /** Applies an execution's actions in order. */
  apply(actions: Action[], invocation: Invocation): Promise<void>;
  /** Cached runs (`Bot.setCache` / `User.setCache`). */
  cache: CommandCache;
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
    // An automatic run has no one to ask or answer: only its BJS runs (spec §1.12).
    const automatic = invocation.kind === "auto_retry";
    if (command.need_reply && invocation.kind !== "reply" && !automatic) return this.ask(invocation);
    // The reply phase of a question does not repeat the question (spec §1.5).
    if (invocation.kind !== "reply" && !automatic) {
      if (command.answer?.trim()) await this.sendAnswer(invocation);
      else if (command.keyboard_body?.trim() && invocation.chat) invocation = { ...invocation, keyboard: { rows: keyboardRows(command.keyboard_body) } };
    }
    await this.runBjs(invocation);
    if (invocation.keyboard?.rows) await this.sendAnswer(invocation, KEYBOARD_ONLY_TEXT);
  }

  /** The BJS body, or the actions a valid cache entry holds for it (spec §2.11). */
  private async runBjs(invocation: Invocation): Promise<void> {
    const { command } = invocation;
    if (!hasBjs(command) && !command.libHandler) return;
    const keys = this.cacheKeys(invocation);
    for (const key of keys) {
      const cached = await this.deps.cache.find(key);
      if (!cached) continue;
      // A replayed run counts against the update's caps as the run did.
      invocation.chain.produced(cached.actions.length, cached.chars);
      return this.applyActions(inChat(cached.actions, invocation), invocation);
    }
    const quota = await this.deps.quota(invocation);
    const segments = this.segments(invocation);
    const prefetched = await this.deps.prefetch.load(invocation, segments);
    const { book } = invocation;
    const result = await this.deps.executor.execute({
      botId: invocation.bot.row.id,
      ownerId: invocation.bot.owner.id,
      segments,
      libs: book.libs,
      handler: command.libHandler ? command.command : undefined,
      globals: { ...globalsOf(invocation, this.deps.api, quota), prefetched },
      // The isolate calls back from its process's message: keep the run's context (its transaction).
      reads: inThisContext(this.deps.reads(invocation)),
      timeoutMs: invocation.bot.plan.command_timeout_s * 1000,
    });
    if (book.libs.length > 0 && !result.error) book.libHandlers ??= new Set(result.handlers);
    invocation.chain.committed = true;
    invocation.chain.produced(result.actions.length, result.outputChars);
    this.deps.metrics.execution(result.error);
    const setCache = result.error ? undefined : result.actions.find((action) => action.type === "setCache");
    if (setCache) {
      const key = keys.find((k) => (setCache.scope === "bot" ? k.userId === 0 : k.userId !== 0));
      const kept = key && (await this.deps.cache.store(key, chatFree(result.actions.filter((action) => action.type !== "setCache"), invocation), setCache.seconds));
      if (key && !kept) await this.record(invocation, { message: `setCache: this run's actions are too large to cache (the limit is ${MAX_CACHED_BYTES / 1024} KB); it was not cached` });
    }
    await this.applyActions(result.actions, invocation);
    if (result.error) {
      invocation.chain.troubled("failed");
      await this.fail(invocation, result.error);
    }
  }

  /**
   * Where this run's cache entries would be: the bot's and the user's. Only a command whose
   * code calls setCache can have one, so other runs look nothing up.
   */
  private cacheKeys(invocation: Invocation): CacheKey[] {
    if (!invocation.command.code?.includes("setCache")) return [];
    const base = { botId: invocation.bot.row.id, commandId: invocation.command.id };
    return invocation.user ? [{ ...base, userId: invocation.user.row.id }, { ...base, userId: 0 }] : [{ ...base, userId: 0 }];
  }

  private async applyActions(actions: Action[], invocation: Invocation): Promise<void> {
    try {
      await this.deps.apply(actions, invocation);
    } catch (error) {
      if (error instanceof UpdateEnded) throw error;
      this.deps.log.error({ err: error, bot_id: invocation.bot.row.id, command: invocation.command.command }, "applying a command's actions failed");
      await this.record(invocation, { message: "The platform could not apply all of this command's actions; the update ended there and was not run again" }).catch(() => {});
      throw new UpdateEnded();
    }
  }

  /** The ask phase: the Answer is the question; the reply goes to this command's BJS. */
  private async ask(invocation: Invocation): Promise<void> {
    if (invocation.command.answer?.trim()) await this.sendAnswer(invocation);
    else if (invocation.command.keyboard_body?.trim()) await this.sendAnswer(invocation, KEYBOARD_ONLY_TEXT);
    if (!invocation.user || !invocation.chat) {
      await this.record(invocation, { message: `Wait for answer needs a user and a chat: ${invocation.command.command} was run without them` });
      return;
    }
    const key = { botId: invocation.bot.row.id, chatId: invocation.chat.row.id, userId: invocation.user.row.id };
    await this.deps.waits.open(key, invocation.command.id, invocation.options ?? null);
  }

  /**
   * The library handler (`on`, spec/bjs.md §6.1) that a command text names when no command
   * does: the whole text, or its first word with the rest as `params`. The names are learnt
   * once per version of the bot's code, if need be by a run that only loads its libraries.
   */
  async libHandler(bot: RunningBot, book: CommandBook, text: string): Promise<{ command: RoutableCommand; params: string } | undefined> {
    if (book.libs.length === 0) return undefined;
    book.libHandlers ??= await this.libHandlerNames(bot, book);
    if (book.libHandlers.has(text)) return { command: libHandlerCommand(text), params: "" };
    const space = text.indexOf(" ");
    if (space > 0 && book.libHandlers.has(text.slice(0, space))) return { command: libHandlerCommand(text.slice(0, space)), params: text.slice(space + 1) };
    return undefined;
  }

  private async libHandlerNames(bot: RunningBot, book: CommandBook): Promise<Set<string>> {
    const result = await this.deps.executor.execute({
      botId: bot.row.id,
      ownerId: bot.owner.id,
      segments: [],
      libs: book.libs,
      handler: "",
      globals: {},
      reads: async () => {
        throw new Error("a library cannot read properties while it is only loaded");
      },
      timeoutMs: bot.plan.command_timeout_s * 1000,
    });
    return new Set(result.handlers);
  }

  /** The hooks wrap every execution of a command that has BJS (spec §1.9, recommendation); a library handler runs alone. */
  private segments(invocation: Invocation): Segment[] {
    if (invocation.command.libHandler) return [];
    const hook = (name: "@" | "@@") => {
      const command = invocation.book.named(name);
      return hasBjs(command) && command !== invocation.command ? [{ name, code: command!.code! }] : [];
    };
    return [...hook("@"), { name: invocation.command.command, code: invocation.command.code! }, ...hook("@@")];
  }

  /** Sends the Answer with the Keyboard; `bare` is the text for a Keyboard without an Answer. */
  private async sendAnswer(invocation: Invocation, bare?: string): Promise<void> {
    const chat = invocation.chat;
    if (!chat) return;
    const { bot, command, user } = invocation;
    if (invocation.keyboard) invocation.keyboard.rows = null;
    const text = bare ?? await fillPlaceholders(answerLines(command.answer!), async (name) => {
      const own = user ? await this.deps.properties.get(bot.row.id, "user", name, { userId: user.row.id }) : undefined;
      return own !== undefined ? own : this.deps.properties.get(bot.row.id, "bot", name);
    });
    if (!invocation.chain.trySend()) return;
    await this.post(invocation, "sendMessage", answerParams(Number(chat.row.chatid), text, command.keyboard_body), (reason) => `The Answer of ${command.command} was refused: ${reason}`);
  }

  /**
   * Makes a Bot API call whose result nobody reads, and logs a refusal as `refusal(reason)`.
   * It waits for the chain's calls on their way, and the run goes on while it is on its way
   * (Chain.goesOn); a call Telegram must be asked again is left to the sender's retries, so
   * the update's handling (and its dispatcher slot) goes on. A failure that comes after the
   * run went on is logged then.
   */
  async post(invocation: Invocation, method: string, params: Record<string, unknown>, refusal: (reason: string) => string): Promise<void> {
    const { chain } = invocation;
    const refused = (error: TelegramApiError | TelegramNetworkError) => {
      chain.refused(error);
      return this.recordLate(invocation, { message: refusal(telegramReason(error)) });
    };
    const lateFailure = (error: unknown) => void (isTelegramError(error) ? refused(error) : this.unmade(invocation, method, error));
    // A broadcast recipient's outcome is counted when its run ends: it waits for the result.
    const options = chain.recipient ? chain.sendOptions : { ...chain.sendOptions, lateFailure };
    await chain.through();
    const call = afterCommit({ kind: "telegram", method, payload: params }, async () => {
      try {
        await this.deps.sender.call(invocation.bot.token, method, params, options);
      } catch (error) {
        if (!isTelegramError(error)) throw error;
        await refused(error);
      }
    });
    if (chain.recipient) return call;
    chain.goesOn(call.catch(lateFailure));
  }

  /** A call the platform could not make for a reason of its own (not Telegram's), once the run went on: logged for the owner too. */
  private unmade(invocation: Invocation, method: string, error: unknown): Promise<void> {
    this.deps.log.error({ err: error, botId: invocation.bot.row.id }, "a Telegram call the run did not wait for failed");
    return this.recordLate(invocation, { message: `The platform could not make ${method}; it was not made` });
  }

  /** Records an entry that may come after the run went on: it never rejects (a failure to record is logged). */
  private async recordLate(invocation: Invocation, entry: { message: string }): Promise<void> {
    try {
      await this.record(invocation, entry);
    } catch (error) {
      this.deps.log.error({ err: error, botId: invocation.bot.row.id }, "could not write an entry to a bot's error log");
    }
  }

  /** Logs the failure; in a private chat, answers with `!` (never recursively) or the default reply. */
  async fail(invocation: Invocation, error: Pick<BjsError, "message"> & Partial<Pick<BjsError, "stack" | "segment" | "line">>): Promise<void> {
    if (invocation.web) invocation.web.failed = true;
    await this.record(invocation, { message: error.message, stack: error.stack, segment: error.segment, line: error.line });
    const privateChat = invocation.chat?.row.chat_type === "private";
    // Not for callbacks, errors, web requests or background tasks, a broadcast's recipients
    // included (spec/bjs.md §2.14): the owner sees the failure in the error log.
    if (!privateChat || invocation.kind === "callback" || invocation.kind === "error" || invocation.kind === "webhook" || invocation.chain.background) return;
    const bang = invocation.book.named("!");
    if (bang) {
      await this.run({ ...invocation, command: bang, kind: "error", options: { error: { message: error.message, command: invocation.command.command } } });
      return;
    }
    if (!invocation.chain.trySend()) return;
    const params = { chat_id: Number(invocation.chat!.row.chatid), text: DEFAULT_ERROR_REPLY };
    await invocation.chain.through();
    await afterCommit({ kind: "telegram", method: "sendMessage", payload: params }, async () => {
      try {
        await this.deps.sender.call(invocation.bot.token, "sendMessage", params);
      } catch (sendError) {
        this.deps.log.warn({ err: sendError, botId: invocation.bot.row.id }, "could not send the default error reply");
      }
    });
  }

  /** Writes an entry to the bot's error log, tied to the invocation's command, chat and user. */
  async record(invocation: Invocation, given: { message: string; stack?: string; segment?: string | null; line?: number | null }): Promise<void> {
    const turn = invocation.chain.logs();
    if (turn === "skip") return;
    const entry = turn === "log" ? given : { message: `More went wrong in this update: only its first ${MAX_LOGGED_PER_UPDATE} errors are logged` };
    const { command } = invocation;
    const segment = entry.segment === undefined || entry.segment === null ? null : entry.segment === command.command ? "cmd" : entry.segment;
    await this.deps.errorLog.record(invocation.bot.row.id, {
      command_id: command.libHandler ? null : command.id,
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

/**
 * A run's actions as a cache keeps them: Telegram calls to the run's own chat lose their
 * `chat_id`, so a replay for another user sends to that user's chat, not the first one's.
 */
function chatFree(actions: Action[], invocation: Invocation): Action[] {
  const chatid = invocation.chat ? Number(invocation.chat.row.chatid) : undefined;
  return actions.map((action) => {
    if (action.type !== "api" || chatid === undefined || Number(action.params.chat_id) !== chatid) return action;
    const { chat_id: _own, ...params } = action.params;
    return { ...action, params };
  });
}

/** Cached actions for this run: calls that lost their chat go to the current chat. */
function inChat(actions: Action[], invocation: Invocation): Action[] {
  const chat = invocation.chat;
  if (!chat) return actions;
  return actions.map((action) =>
    action.type === "api" && action.params.chat_id === undefined && !CHATLESS_METHODS.includes(action.method) ? { ...action, params: { ...action.params, chat_id: Number(chat.row.chatid) } } : action,
  );
}

