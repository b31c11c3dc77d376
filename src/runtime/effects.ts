import type { BotUserStore, ChatStore } from "../bots/chats.js";
import type { PropertyStore } from "../bots/properties.js";
import { AppError } from "../errors.js";
import { isTelegramError, telegramReason, TelegramApiError } from "../telegram/bot-api.js";
import type { Action, ApiAction, HttpAction, RunAllAction, ScheduleAction, SendToAllAction, SetPropAction } from "./actions.js";
import { runAllTaskOf } from "../bots/broadcasts.js";
import type { BroadcastService } from "../jobs/broadcasts.js";
import type { Clock } from "../clock.js";
import type { JobQueue } from "../jobs/job-queue.js";
import { RUN_JOB_KIND, type RunRequest } from "./run-request.js";
import { HTTP_JOB_KIND, type HttpJob } from "./run-jobs.js";
import { INTEROP_JOB_KIND, interopJob } from "./interop-jobs.js";
import type { CommandRunner } from "./command-runner.js";
import { MAX_EXECUTIONS_PER_UPDATE, MAX_HTTP_PER_UPDATE, MAX_SENDS_PER_UPDATE, type Invocation } from "./invocation.js";
import { commandNamed } from "./router.js";
import type { CompatEffects } from "./compat-effects.js";
import type { BotList, ListStore } from "../bots/lists.js";
import type { TelegramSender } from "./telegram-sender.js";
import { currentOutbox, enqueueInTurn } from "./run-outbox.js";

/**
 * Actions that stay inside the platform: they go on while the chain's Telegram calls are on
 * their way (Chain.goesOn). Any other waits for those calls first, so what reaches outside
 * (a call whose answer the run reads, a job, a broadcast) keeps the order the run made it in.
 */
const STAYS_INSIDE: ReadonlySet<Action["type"]> = new Set(["setProp", "setGroup", "blockChat", "unblockChat", "runCommand"]);

/** HTTP requests a bot may have waiting for their answers; past it, a new one is refused and logged. */
export const MAX_WAITING_HTTP_PER_BOT = 1000;

/** How deep a chain of sub-commands and callbacks may go before "Too many sub commands". */
export const MAX_SUB_COMMAND_DEPTH = 10;

export interface EffectsDeps {
  sender: TelegramSender;
  properties: PropertyStore;
  chats: ChatStore;
  botUsers: BotUserStore;
  /** Resolves a user of the bot by internal or Telegram id, for `user_id`/`user_telegramid` addressing. */
  resolveUser(invocation: Invocation, botId: number, by: { user_id?: number; user_telegramid?: number }): Promise<number | undefined>;
  /** True when `otherBotId` is a bot of the same owner (`bot_id` addressing). */
  sameOwner(invocation: Invocation, otherBotId: number): Promise<boolean>;
  /**
   * Charges one iteration for an execution about to start in the invocation's chain; answers
   * why it may not (the owner's quota is spent), or undefined.
   */
  charge(invocation: Invocation): Promise<string | undefined>;
  /** Where `Bot.runAll` and the legacy `sendMessageToAll*` start their tasks. */
  broadcasts: Pick<BroadcastService, "create">;
  /** Where scheduled runs and HTTP requests wait. */
  jobs: Pick<JobQueue, "enqueue" | "cancel" | "pending">;
  clock: Clock;
  runner(): CommandRunner;
  /** AdminPanel, BBAdmin, List, caching, Git/CSV, web apps, chats by title (compat-effects.ts). */
  compat: CompatEffects;
  lists: ListStore;
}

/**
 * Applies an execution's actions in the order BJS queued them (spec/bjs.md §0): Telegram
 * calls with their callbacks, property writes, sub-commands, chat blocks and user groups;
 * scheduled runs, HTTP requests, imports and exports go to the job layer. A failing action
 * is logged and the next one still runs; nothing is rolled back.
 */
export class Effects {
  constructor(private readonly deps: EffectsDeps) {}

  async apply(actions: Action[], invocation: Invocation): Promise<void> {
    for (const action of actions) {
      try {
        if (!STAYS_INSIDE.has(action.type)) await invocation.chain.through();
        await this.applyOne(action, invocation);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        await this.deps.runner().record(invocation, { message: error.message });
      }
    }
  }

  private async applyOne(action: Action, invocation: Invocation): Promise<void> {
    if (invocation.chain.recipient && action.type in RECIPIENT_REFUSALS) {
      throw new RecipientError(`${RECIPIENT_REFUSALS[action.type as keyof typeof RECIPIENT_REFUSALS]} is not allowed in a broadcast's recipient command: prepare the data before Bot.runAll and pass it in options`);
    }
    switch (action.type) {
      case "api":
        return this.callTelegram(action, invocation);
      case "setProp":
        return this.setProp(action, invocation);
      case "runCommand":
        return this.runCommand(action.command, action.options ?? null, invocation, "sub", !!action.ignoreMissingCommand);
      case "blockChat":
      case "unblockChat":
        await this.deps.chats.setBlocked(invocation.bot.row.id, action.chat_id, action.type === "blockChat");
        return;
      case "setGroup": {
        const user = await this.deps.botUsers.byId(invocation.bot.row.id, action.user_id);
        if (user) await this.deps.botUsers.setGroup(user, action.group);
        return;
      }
      case "schedule":
        return this.schedule(action, invocation);
      case "clearRunAfter":
        await this.deps.jobs.cancel(invocation.bot.row.id, { kind: RUN_JOB_KIND, label: action.label });
        return;
      case "http":
        return this.http(action, invocation);
      case "runAll":
      case "sendToAll":
        return this.broadcast(action, invocation);
      case "importGit":
      case "exportGit":
      case "importCSV": {
        const job = interopJob(action, { userId: invocation.user?.row.id, chatId: invocation.chat?.row.id });
        // One at a time per bot, waiting in the queue: a slow remote then holds one job slot, not one per import waiting behind it.
        await this.deps.jobs.enqueue([{ kind: INTEROP_JOB_KIND, botId: invocation.bot.row.id, payload: job, orderingKey: INTEROP_JOB_KIND }]);
        return;
      }
      default:
        return this.deps.compat.apply(action, invocation);
    }
  }

  /** Starts a broadcast task, an iteration as scheduling is; `on_create` runs at once with `options.run_all_task` (spec/bjs.md §5). */
  private async broadcast(action: RunAllAction | SendToAllAction, invocation: Invocation): Promise<void> {
    const { bot } = invocation;
    const refusal = await this.deps.charge(invocation);
    if (refusal) throw new ScheduleError(refusal);
    const spec = action.type === "runAll" ? { command: action.command, for_chats: action.for_chats, options: action.options ?? null } : { text: action.text, parse_mode: action.parse_mode, for_chats: action.for_chats, options: null };
    const task = await this.deps.broadcasts.create(bot.row, bot.plan, spec);
    if (action.type === "runAll" && action.on_create) await this.runCommand(action.on_create, { run_all_task: runAllTaskOf(task, this.deps.clock.now()) }, invocation, "callback");
  }

  /**
   * Stores a `Bot.run` for later (spec/bjs.md item 18): on this bot or another of the owner,
   * for this user and chat unless others are named. Scheduling is an iteration, the run another.
   */
  private async schedule(action: ScheduleAction, invocation: Invocation): Promise<void> {
    let botId = invocation.bot.row.id;
    if (action.bot_id !== undefined && action.bot_id !== botId) {
      if (!(await this.deps.sameOwner(invocation, action.bot_id))) throw new ScheduleError(`Bot.run: bot ${action.bot_id} is not a bot of this owner`);
      botId = action.bot_id;
    }
    const sameBot = botId === invocation.bot.row.id;
    const named = action.user_id !== undefined || action.user_telegramid !== undefined;
    const userId = named ? await this.deps.resolveUser(invocation, botId, { user_id: action.user_id, user_telegramid: action.user_telegramid }) : sameBot ? invocation.user?.row.id : undefined;
    if (named && userId === undefined) throw new ScheduleError(`Bot.run: user ${action.user_id ?? action.user_telegramid} is not a user of that bot`);
    // The run keeps its chat when it stays with its user (spec §2.3); another user's runs in
    // their private chat with the bot (processor.ts), as an admin panel's and a webhook's do.
    const chatId = action.chat_id ?? (sameBot && userId === invocation.user?.row.id ? invocation.chat?.row.id : undefined);
    const refusal = await this.deps.charge(invocation);
    if (refusal) throw new ScheduleError(refusal);
    const request: RunRequest = { botId, command: { name: action.command }, trigger: "scheduled", options: (action.options ?? null) as RunRequest["options"], attempt: 1, userId, chatId, label: action.label };
    await this.deps.jobs.enqueue([{ kind: RUN_JOB_KIND, botId, payload: request, runAt: this.deps.clock.now() + action.run_after * 1000, label: action.label }]);
  }

  /** Queues an `HTTP.*` request; its answer comes back as a callback run (run-jobs.ts). */
  private async http(action: HttpAction, invocation: Invocation): Promise<void> {
    const { method, url, headers, body, cookies, follow_redirects, success, error, options } = action;
    const botId = invocation.bot.row.id;
    const { chain } = invocation;
    // Bounded per update and per bot: every waiting request is a job the queue walks past
    // when it looks for other owners' work, and a remote may take a minute to answer each.
    // The bot's waiting ones are counted once per update, which counts its own after that.
    let refusal: string | undefined;
    if (!chain.tryHttp()) refusal = `HTTP requests not made: one update may start ${MAX_HTTP_PER_UPDATE} at most`;
    else {
      chain.httpWaiting ??= (await this.deps.jobs.pending(botId, { limit: 1, offset: 0 }, { kind: HTTP_JOB_KIND })).total;
      if (chain.httpWaiting >= MAX_WAITING_HTTP_PER_BOT) refusal = `HTTP requests not made: the bot has ${MAX_WAITING_HTTP_PER_BOT} waiting for their answers; send fewer at a time`;
      else chain.httpWaiting++;
    }
    if (refusal) {
      if (chain.note(refusal)) await this.deps.runner().record(invocation, { message: refusal });
      return;
    }
    const job: HttpJob = {
      request: { method, url, headers, body, cookies, followRedirects: follow_redirects },
      success,
      error,
      options: (options ?? null) as HttpJob["options"],
      userId: invocation.user?.row.id,
      chatId: invocation.chat?.row.id,
      from: invocation.command.libHandler ? undefined : { id: invocation.command.id, name: invocation.command.command },
    };
    await enqueueInTurn(this.deps.jobs, [{ kind: HTTP_JOB_KIND, botId, payload: job }]);
  }

  /** A Bot API call; `on_result`/`on_error` run as callbacks, `result_to_*_property` store the result after. */
  async callTelegram(action: ApiAction, invocation: Invocation): Promise<void> {
    const { method } = action;
    if (!invocation.chain.trySend()) {
      await this.deps.runner().record(invocation, { message: `Telegram call ${method} not made: one update may make ${MAX_SENDS_PER_UPDATE} calls at most` });
      return;
    }
    if (method === "answerCallbackQuery") invocation.chain.answeredCallback = true;
    const keyboard = invocation.keyboard;
    if (keyboard?.rows && method === "sendMessage" && action.params.reply_markup === undefined && Number(action.params.chat_id) === Number(invocation.chat?.row.chatid)) {
      action = { ...action, params: { ...action.params, reply_markup: { keyboard: keyboard.rows, resize_keyboard: true } } };
      keyboard.rows = null;
    }
    if (!action.on_result && !action.on_error && !action.result_to_bot_property && !action.result_to_user_property) {
      return this.deps.runner().post(invocation, method, action.params, (reason) => `Telegram refused ${method}: ${reason}`);
    }
    const bbOptions = action.bb_options ?? null;
    // The run needs Telegram's answer now: what it deferred goes first, and the run may not be tried again.
    await currentOutbox()?.beforeInlineCall();
    let result: unknown;
    try {
      result = await this.deps.sender.call(invocation.bot.token, method, action.params, invocation.chain.sendOptions);
    } catch (error) {
      if (!isTelegramError(error)) throw error;
      invocation.chain.refused(error);
      if (action.on_error) {
        const details = error instanceof TelegramApiError ? { code: error.error_code, description: error.description } : { code: 0, description: error.message };
        await this.runCommand(action.on_error, { error: { ...details, method }, bb_options: bbOptions }, invocation, "callback");
      } else {
        await this.deps.runner().record(invocation, { message: `Telegram refused ${method}: ${telegramReason(error)}` });
      }
      return;
    }
    if (action.on_result) await this.runCommand(action.on_result, { result, ok: true, bb_options: bbOptions }, invocation, "callback");
    const bot = invocation.bot.row.id;
    if (action.result_to_bot_property) {
      await this.deps.properties.set(bot, "bot", action.result_to_bot_property, result, { type: "json", charge: invocation.chain.storing(`Property ${action.result_to_bot_property}`) });
    }
    if (action.result_to_user_property && invocation.user) {
      const charge = invocation.chain.storing(`Property ${action.result_to_user_property}`);
      await this.deps.properties.set(bot, "user", action.result_to_user_property, result, { type: "json", userId: invocation.user.row.id, charge });
    }
  }

  private async setProp(action: SetPropAction, invocation: Invocation): Promise<void> {
    let botId = invocation.bot.row.id;
    if (action.bot_id !== undefined) {
      if (!(await this.deps.sameOwner(invocation, action.bot_id))) throw new PropertyError(`Bot ${action.bot_id} is not a bot of this owner`);
      botId = action.bot_id;
    }
    let userId: number | undefined;
    if (action.scope === "user") {
      userId = await this.deps.resolveUser(invocation, botId, { user_id: action.user_id });
      if (userId === undefined) throw new PropertyError(`User ${action.user_id} is not a user of this bot`);
    }
    // The list first: a list refused leaves nothing, where a property refused leaves only the list.
    const list = action.list && (await this.listOf(action.list, botId, invocation));
    const property = await this.deps.properties.set(botId, action.scope, action.name, action.value, { type: action.value_type ?? undefined, userId, charge: invocation.chain.storing(`Property ${action.name}`) });
    if (property && list) await this.deps.lists.attach(list, property.id);
  }

  /** The list a property goes into, created when missing. */
  private async listOf(list: NonNullable<SetPropAction["list"]>, botId: number, invocation: Invocation): Promise<BotList> {
    const listUser = list.user_id === undefined ? 0 : await this.deps.resolveUser(invocation, botId, { user_id: list.user_id });
    if (listUser === undefined) throw new PropertyError(`List ${list.name}: user ${list.user_id} is not a user of this bot`);
    return this.deps.lists.ensure({ botId, userId: listUser, name: list.name }, invocation.chain.storing(`List ${list.name}`));
  }

  /** Runs a named command (with params after its first space) in the same chain, one level deeper. */
  async runCommand(text: string, options: unknown, parent: Invocation, kind: "sub" | "callback", ignoreMissing = false): Promise<void> {
    const runner = this.deps.runner();
    const { chain } = parent;
    if (chain.stopped !== undefined) return;
    // Too deep ends this branch; too many executions, or too much produced, ends the chain. Each
    // is said once per update, as an uncaught error is (spec/bjs.md §2.14): logged, and answered in a private chat.
    const ending = chain.executions >= MAX_EXECUTIONS_PER_UPDATE ? "Too many sub commands" : chain.overproduced();
    if (parent.depth + 1 > MAX_SUB_COMMAND_DEPTH || ending) {
      if (ending) chain.stop(ending);
      const refusal = ending ?? "Too many sub commands";
      if (chain.note(refusal)) await runner.fail(parent, { message: refusal });
      return;
    }
    const found = commandNamed(parent.book, text, parent.bot.row.username) ?? (await runner.libHandler(parent.bot, parent.book, text));
    if (!found) {
      if (!ignoreMissing) await runner.record(parent, { message: `Command not found: ${text}` });
      return;
    }
    const refusal = await this.deps.charge(parent);
    if (refusal) {
      chain.stop(refusal);
      if (chain.note(refusal)) await runner.record(parent, { message: refusal });
      return;
    }
    await runner.run({ ...parent, command: found.command, kind, params: found.params, message: text, options, depth: parent.depth + 1 });
  }
}

/** What a broadcast's recipient command may not do (spec/bjs.md §5), by action, as BJS calls it. */
const RECIPIENT_REFUSALS = {
  runCommand: "Bot.runCommand (or Bot.run)",
  schedule: "Bot.run",
  http: "HTTP",
  runAll: "Bot.runAll",
  sendToAll: "Bot.sendMessageToAll*",
} as const;

/** An action a broadcast's recipient command may not take. */
class RecipientError extends AppError {}

/** A property write BJS asked for that cannot be done. */
class PropertyError extends AppError {}

/** A `Bot.run` BJS asked for that cannot be scheduled. */
class ScheduleError extends AppError {}
