import type { Update } from "@grammyjs/types";
import type { Logger } from "pino";
import type { CacheBus } from "../cache-bus.js";
import type { User as Owner, UserStore } from "../accounts/users.js";
import { planNamed, type Plan } from "../catalog/plans.js";
import type { Clock } from "../clock.js";
import { vanishedRow } from "../db/vanished-row.js";
import type { Config } from "../config.js";
import type { BotStore } from "../bots/bots.js";
import type { ErrorLog } from "../bots/error-log.js";
import type { BotUserStore, ChatStore } from "../bots/chats.js";
import type { CommandBooks } from "./command-books.js";
import { UpdateEnded, type CommandRunner } from "./command-runner.js";
import type { IterationBudget } from "./iteration-budget.js";
import { Chain, type Invocation, type RunningBot } from "./invocation.js";
import { QUOTA_NOTE, quotaNote, quotaOf } from "./quota.js";
import { commandNamed, route, selection, type Route } from "./router.js";
import type { CommandBook } from "./command-book.js";
import type { RunAnswers } from "./run-answers.js";
import type { RunRequest, RunTrigger } from "./run-request.js";
import type { Rendered } from "./web-apps.js";
import type { TelegramSender } from "./telegram-sender.js";
import type { UpdateHandler } from "./update-handler.js";
import { chatOf, senderOf } from "../telegram/update-parts.js";
import type { WaitStore } from "./waits.js";
import type { Delivery, RunJournal } from "./run-journal.js";
import { afterCommit, currentOutbox } from "./run-outbox.js";

export interface ProcessorDeps {
  config: Pick<Config, "freePlan">;
  clock: Clock;
  bots: BotStore;
  users: UserStore;
  botUsers: BotUserStore;
  chats: ChatStore;
  books: CommandBooks;
  waits: WaitStore;
  runner: CommandRunner;
  sender: TelegramSender;
  budget: IterationBudget;
  errorLog: Pick<ErrorLog, "record">;
  log: Logger;
  /** Tells when an owner's row changed (here or in another process), so its cached copy goes at once. */
  cacheBus?: CacheBus;
  /** Where a run someone waits for tells how it ended (a Webhooks link's). */
  answers?: RunAnswers;
  /** PostgreSQL: each delivered run commits in one transaction with its outbox (run-journal.ts). */
  journal?: RunJournal;
}

/** Why a stored run did not run. */
export type RunSkipped = "bot not running" | "quota" | "no command";

/** Messages in a blocked chat cost one iteration per this many (spec/bjs.md §4). */
const BLOCKED_MESSAGES_PER_ITERATION = 100;

/**
 * How long an owner's row (plan, extra points, email) is trusted: it would otherwise be read
 * for every update, and it changes rarely. A change through the platform drops it at once (the
 * CacheBus); one made in the database by hand shows within this time.
 */
const OWNER_TTL_MS = 5000;

/** Runs that are background tasks or callbacks (spec/bjs.md §2.14, §2.15): their failures get no error reply, only the log. */
const BACKGROUND_TRIGGERS: ReadonlySet<RunTrigger> = new Set(["scheduled", "auto_retry", "interop_callback", "http_callback", "panel_saved", "broadcast"]);

/**
 * Handles one update of a started bot (spec/bjs.md §1.3): the quota check, the user and the
 * chat recorded, blocked chats dropped before any BJS, routing (with "Wait for answer"), the
 * selected command run, the callback query acknowledged, and the chain's iterations metered.
 */
export class Processor implements UpdateHandler {
  private readonly blockedMessages = new Map<number, number>();
  private readonly owners = new Map<number, { owner: Owner; plan: Plan; readAt: number }>();

  constructor(private readonly deps: ProcessorDeps) {
    deps.cacheBus?.onStale("owner", (id) => (id === undefined ? this.owners.clear() : this.owners.delete(id)));
  }

  /** The bot as the runtime needs it, or undefined when it is not running. */
  async runningBot(botId: number): Promise<RunningBot | undefined> {
    const row = await this.deps.bots.byId(botId);
    if (!row || row.status !== "works") return undefined;
    const token = this.deps.bots.tokenOf(row);
    const known = await this.knownOwner(row.owner_id);
    if (!token || !known) return undefined;
    return { row, token, owner: known.owner, plan: known.plan };
  }

  private async knownOwner(id: number): Promise<{ owner: Owner; plan: Plan } | undefined> {
    const now = this.deps.clock.now();
    const known = this.owners.get(id);
    if (known && now - known.readAt < OWNER_TTL_MS) return known;
    const owner = await this.deps.users.byId(id);
    if (!owner) return undefined;
    const entry = { owner, plan: planNamed(this.deps.config.freePlan, owner.payment_plan), readAt: now };
    this.owners.set(id, entry);
    return entry;
  }

  /** The bot when it may run something now: it is running and its owner has iterations left. */
  async runnable(botId: number): Promise<RunningBot | RunSkipped> {
    const bot = await this.runningBot(botId);
    if (!bot) return "bot not running";
    return (await this.withinQuota(bot)) ? bot : "quota";
  }

  async ownerOf(botId: number): Promise<number | undefined> {
    return (await this.deps.bots.byId(botId))?.owner_id;
  }

  async handle(botId: number, update: Update, delivery?: Delivery): Promise<void> {
    const { journal } = this.deps;
    if (!journal || !delivery) return this.handleNow(botId, update, delivery);
    if (await this.redelivered(journal, botId, delivery)) return;
    await journal.run(delivery, botId, () => this.handleNow(botId, update)).catch((error: unknown) => this.unlessBotDeleted(error, botId, undefined));
  }

  /**
   * Rethrows a failure, unless it is the bot's deletion while its update or run was on its way
   * (the journal's row refers to the bot, and the bot is gone): that ends the work quietly,
   * answering `ended`, as for a stopped bot; trying it again would fail the same way.
   */
  private async unlessBotDeleted<T>(error: unknown, botId: number, ended: T): Promise<T> {
    // A failed look-up proves nothing: the failure goes on as it was.
    if (vanishedRow(error) !== undefined && (await this.deps.bots.byId(botId).catch(() => "not known")) === undefined) return ended;
    throw error;
  }

  /**
   * Whether the delivery was handled before (its worker died, or its queue gave it again): a
   * committed run only finishes its outbox; one that reached Telegram before it could commit
   * is not run again. Neither runs BJS.
   */
  private async redelivered(journal: RunJournal, botId: number, delivery: Delivery): Promise<boolean> {
    const state = await journal.state(delivery.key);
    if (state === undefined) return false;
    if (state === "began") await journal.interrupted(botId);
    const bot = state === "committed" ? await this.runningBot(botId) : undefined;
    if (bot) await journal.finish(delivery, botId, bot.token);
    return true;
  }

  /** A delivery's `released` is told once only the update's Telegram calls are left, on their way, whose first call waits for its `after`. */
  private async handleNow(botId: number, update: Update, delivery?: Pick<Delivery, "released" | "after">): Promise<void> {
    const bot = await this.runningBot(botId);
    if (!bot) return;
    if (!(await this.withinQuota(bot))) return;
    const { botUsers, chats, books, waits } = this.deps;
    const from = senderOf(update);
    const telegramChat = chatOf(update);
    const user = from && !from.is_bot ? await botUsers.remember(botId, from) : null;
    const chat = telegramChat ? await chats.remember(botId, telegramChat, telegramChat.type === "private" ? (user?.row.id ?? null) : null) : null;
    if (chat?.row.blocked) return this.countBlocked(bot);

    const chain = new Chain(false, false, delivery?.after);
    // The first iteration is charged as the update is taken; each sub-command charges its own.
    this.deps.budget.spend(bot.owner.id, botId, 1);
    const book = await books.of(botId, bot.row.commands_version);
    const waitKey = user && chat ? { botId, chatId: chat.row.id, userId: user.row.id } : null;
    const wait = waitKey ? await waits.find(waitKey) : null;
    const routing = route(book, { update, botUsername: bot.row.username, wait, userGroup: user?.row.user_group ?? null });
    if (routing.waitEnded && waitKey) await waits.close(waitKey);
    try {
      const chosen = routing.route ?? (await this.libraryFallback(bot, book, update));
      if (chosen) {
        const { command, kind, message, params, request, options } = chosen;
        await this.deps.runner.run({ bot, book, command, kind, user, chat, message, params, request, options, tgUpdate: update, depth: 0, chain });
      }
      if (update.callback_query && !chain.answeredCallback) chain.goesOn(this.acknowledge(bot, chain, update.callback_query.id));
    } catch (error) {
      // Before anything reached the outside, the update may be tried again; after, never.
      if (!effectsBegan(chain)) throw error;
      if (!(error instanceof UpdateEnded)) this.deps.log.error({ err: error, bot_id: botId, update_id: update.update_id }, "an update failed after its effects began; it is not retried");
    }
    delivery?.released?.();
    await chain.through();
  }

  /**
   * Runs a stored run request (a scheduled `Bot.run`, an auto retry, an HTTP or import
   * callback, a broadcast recipient): the context loader for every run that did not come from
   * an update. A bot that stopped, a command that is gone or a quota that is spent ends it
   * quietly, and the answer says which; a failure before anything reached the outside rejects,
   * so the job layer tries again. Answers the run's chain, which tells how its Telegram calls went.
   */
  async run(request: RunRequest, delivery?: Delivery): Promise<Chain | RunSkipped> {
    // A caller waits for what it renders (a Webhooks link's): told once the run's effects are committed.
    const web = request.answerTo === undefined ? undefined : {};
    const result = await this.runDelivered(request, delivery, web);
    // The run is done whatever becomes of its answer: a lost one leaves its caller to time out.
    if (web) await this.deps.answers?.publish(request.answerTo!, web).catch((error) => this.deps.log.warn({ err: error, bot_id: request.botId }, "could not hand a run's answer to its caller"));
    return result;
  }

  private async runDelivered(request: RunRequest, delivery: Delivery | undefined, web: Invocation["web"]): Promise<Chain | RunSkipped> {
    const { journal } = this.deps;
    if (!journal || !delivery) return this.runNow(request, web);
    if (await this.redelivered(journal, request.botId, delivery)) return new Chain(request.trigger === "broadcast");
    return journal
      .run(delivery, request.botId, () => this.runNow(request, web), (result) => typeof result !== "string")
      .catch((error: unknown) => this.unlessBotDeleted<RunSkipped>(error, request.botId, "bot not running"));
  }

  private async runNow(request: RunRequest, web: Invocation["web"]): Promise<Chain | RunSkipped> {
    const { trigger } = request;
    const bot = await this.runnable(request.botId);
    if (typeof bot === "string") return bot;
    const book = await this.deps.books.of(bot.row.id, bot.row.commands_version);
    const command =
      "id" in request.command
        ? book.withId(request.command.id)
        : (commandNamed(book, request.command.name, bot.row.username) ?? (await this.deps.runner.libHandler(bot, book, request.command.name)))?.command;
    if (!command) {
      // A command BJS named for later (Bot.run, a callback) that the bot does not have: said as a sub-command's is.
      if ("name" in request.command) {
        const { name } = request.command;
        await this.deps.errorLog.record(bot.row.id, { message: `Command not found: ${name}`, trigger, user_id: request.userId ?? null, chat_id: request.chatId ?? null, group_key: `missing:${name}` });
      }
      return "no command";
    }
    const remembered = <T>(row: T | undefined) => (row ? { row, justCreated: false } : null);
    const user = request.userId ? remembered(await this.deps.botUsers.byId(bot.row.id, request.userId)) : null;
    // An admin panel's on_saving user, a webhook's, and a user a Bot.run names, is reached in their private chat with the bot.
    const inPrivate = trigger === "panel_saved" || trigger === "webhook" || trigger === "scheduled";
    const chatRow = request.chatId ? await this.deps.chats.byId(bot.row.id, request.chatId) : user && inPrivate ? await this.deps.chats.privateOf(bot.row.id, user.row.id) : undefined;
    const chat = remembered(chatRow);
    const message = request.message ?? ("name" in request.command ? request.command.name : command.command);
    const params = message.includes(" ") ? message.slice(message.indexOf(" ") + 1) : "";
    const broadcast = trigger === "broadcast";
    const chain = new Chain(broadcast, BACKGROUND_TRIGGERS.has(trigger));
    chain.fromWebhookLink = trigger === "webhook";
    this.deps.budget.spend(bot.owner.id, bot.row.id, 1);
    const kind = trigger === "auto_retry" || trigger === "http_callback" || trigger === "broadcast" || trigger === "interop_callback" || trigger === "panel_saved" || trigger === "webhook" ? trigger : "scheduled";
    try {
      // It follows another command (a later call, a callback), so BJS's completed_commands_count is above 0 (spec/bjs.md §2.2).
      await this.deps.runner.run({ bot, book, command, kind, user, chat, message, params, request: null, options: request.options, tgUpdate: null, depth: 1, chain, http: request.http, web });
    } catch (error) {
      if (!effectsBegan(chain)) throw error;
      chain.troubled("failed");
      if (!(error instanceof UpdateEnded)) this.deps.log.error({ err: error, bot_id: bot.row.id }, "a run failed after its effects began; it is not retried");
    }
    await chain.through();
    return chain;
  }

  /** With no command for an update (not even `*`), a library's `on("*")` handler takes it (spec/bjs.md §6.1). */
  private async libraryFallback(bot: RunningBot, book: CommandBook, update: Update): Promise<Route | null> {
    if (update.inline_query) return null;
    const handler = await this.deps.runner.libHandler(bot, book, "*");
    if (!handler) return null;
    const { text, request } = selection(update);
    return { command: handler.command, kind: "fallback", message: text, params: "", request, options: null };
  }

  /**
   * Runs a bot's command for a web app request (`WebApp.getUrl`, spec/bjs.md §2.7): no user or
   * chat, the request's parameters as `options`; answers what `WebApp.render` left.
   */
  async render(botId: number, name: string, options: Record<string, unknown>): Promise<Rendered | "not running" | "no command" | "no render"> {
    const bot = await this.runnable(botId);
    if (typeof bot === "string") return "not running";
    const book = await this.deps.books.of(bot.row.id, bot.row.commands_version);
    const command = book.named(name);
    if (!command) return "no command";
    const chain = new Chain();
    this.deps.budget.spend(bot.owner.id, bot.row.id, 1);
    const web: { rendered?: Rendered } = {};
    try {
      await this.deps.runner.run({ bot, book, command, kind: "web_app", user: null, chat: null, message: name, params: "", request: null, options, tgUpdate: null, depth: 0, chain, web });
    } catch (error) {
      if (!(error instanceof UpdateEnded)) throw error;
    }
    await chain.through();
    return web.rendered ?? "no render";
  }

  /** The automatic acknowledgement of a pressed button when BJS did not answer it (spec §1.6), after the run's calls; it never rejects. */
  private async acknowledge(bot: RunningBot, chain: Chain, callbackQueryId: string): Promise<void> {
    const params = { callback_query_id: callbackQueryId };
    await chain.through();
    await afterCommit({ kind: "telegram", method: "answerCallbackQuery", payload: params }, async () => {
      try {
        await this.deps.sender.call(bot.token, "answerCallbackQuery", params);
      } catch (error) {
        this.deps.log.debug({ err: error, botId: bot.row.id }, "callback query acknowledgement refused");
      }
    });
  }

  private countBlocked(bot: RunningBot): void {
    const seen = (this.blockedMessages.get(bot.row.id) ?? 0) + 1;
    this.blockedMessages.set(bot.row.id, seen % BLOCKED_MESSAGES_PER_ITERATION);
    if (seen === BLOCKED_MESSAGES_PER_ITERATION) this.deps.budget.spend(bot.owner.id, bot.row.id, 1);
  }

  /**
   * Whether the owner has iterations left this month. When not, the bot runs nothing and its
   * `status_error` says why (the API shows it); the note goes once the quota renews.
   */
  private async withinQuota(bot: RunningBot): Promise<boolean> {
    const limit = quotaOf(bot);
    const spent = await this.deps.budget.spent(bot.owner.id);
    const exhausted = spent >= limit;
    const note = exhausted ? quotaNote(limit) : null;
    const showsNote = bot.row.status_error?.startsWith(QUOTA_NOTE) ?? false;
    if (exhausted && bot.row.status_error !== note) await this.deps.bots.setStatus(bot.row.id, { status_error: note });
    if (!exhausted && showsNote) await this.deps.bots.setStatus(bot.row.id, { status_error: null });
    return !exhausted;
  }
}


/**
 * Whether the chain's effects may have reached the outside. In a run with an outbox nothing
 * does before its commit (a failure rolls it all back) unless a call needed Telegram's answer.
 */
function effectsBegan(chain: Chain): boolean {
  return currentOutbox()?.began ?? chain.committed;
}
