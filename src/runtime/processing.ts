import { publicOrigin, type Platform } from "../platform.js";
import { CommandRunner } from "./command-runner.js";
import { Effects } from "./effects.js";
import type { Invocation } from "./invocation.js";
import { IterationBudget } from "./iteration-budget.js";
import { Processor } from "./processor.js";
import { PropertyPrefetch, propertyRead } from "./property-prefetch.js";
import { Executor, defaultExecutorOptions, type ExecutorOptions } from "./sandbox/executor.js";
import type { HostReads } from "./sandbox/isolate-host.js";
import type { TelegramSender } from "./telegram-sender.js";
import { z } from "zod";
import { compatReads, ReadRefused } from "./compat-reads.js";
import { CurrencyRates, RatesUnavailable } from "./currency-rates.js";
import { CompatEffects } from "./compat-effects.js";
import { CommandCache } from "./command-cache.js";
import { quotaNote, quotaOf } from "./quota.js";
import { registerRunJobs } from "./run-jobs.js";
import { registerBroadcastJobs } from "./broadcast-worker.js";
import { runAllTaskOf } from "../bots/broadcasts.js";
import { registerInteropJobs } from "./interop-jobs.js";
import { commandNamed } from "./router.js";
import { AutoRetry } from "./auto-retry.js";
import { AUTO_RETRY_JOB_KIND, RUN_JOB_KIND, type RunRequest } from "./run-request.js";
import { WaitStore } from "./waits.js";
import { every } from "../clock.js";
import { RunJournal } from "./run-journal.js";
import { textFlawAt } from "../text-flaws.js";

export interface ProcessingOptions {
  executor?: Partial<ExecutorOptions>;
}

/** The processing half of the runtime: what turns an accepted update into replies. */
export interface Processing {
  processor: Processor;
  executor: Executor;
  sender: TelegramSender;
  budget: IterationBudget;
  autoRetry: AutoRetry;
  close(): Promise<void>;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const id = z.number().int().safe();
/** What a host read may carry (the isolate builds it, but nothing from there is trusted). */
const readArgs = z.object({
  scope: z.enum(["bot", "user"]).optional(),
  name: z.string().max(255).optional(),
  bot_id: id.optional(),
  user_id: id.optional(),
  user_telegramid: id.optional(),
});

const propertyReadArgs = readArgs.required({ scope: true, name: true });
/** `new RunAllTask({id})`: one of the bot's broadcast tasks. */
const taskReadArgs = z.object({ id });
const commandReadArgs = z.object({ command: z.string() });

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** Wires the processor, the BJS executor and the effects over the platform's stores. */
export function createProcessing(platform: Platform, options: ProcessingOptions = {}): Processing {
  const { config, database, clock, log } = platform;
  const { isolates, memoryMb, warmMb } = config.bjs;
  const executor = new Executor({ ...defaultExecutorOptions, isolates, memoryMb, warmMb, ...options.executor });
  const metrics = platform.runtime.metrics;
  const { sender } = platform;
  const budget = new IterationBudget(platform.iterations, clock);
  const waits = new WaitStore(database.db, clock);
  const { books } = platform;

  const sameOwner = async (invocation: Invocation, otherBotId: number) =>
    otherBotId === invocation.bot.row.id || (await platform.bots.store.byId(otherBotId))?.owner_id === invocation.bot.owner.id;
  /** The internal id of the user BJS names; the current user needs no query. */
  const resolveUser = async (invocation: Invocation, botId: number, by: { user_id?: number; user_telegramid?: number }) => {
    const current = invocation.user?.row;
    if (current && botId === invocation.bot.row.id && (by.user_id === current.id || by.user_telegramid === current.telegramid)) return current.id;
    if (by.user_id !== undefined) return (await platform.botUsers.byId(botId, by.user_id))?.id;
    if (by.user_telegramid !== undefined) return (await platform.botUsers.byTelegramId(botId, by.user_telegramid))?.id;
    return undefined;
  };

  /** The bot BJS names with `bot_id`: its own, or another of the same owner. */
  const botOf = async (invocation: Invocation, botId: number | undefined) => {
    const id = botId ?? invocation.bot.row.id;
    if (!(await sameOwner(invocation, id))) throw new ReadRefused(`Bot ${id} is not a bot of this owner`);
    return id;
  };

  /** The internal id of a user of the invocation's bot, or undefined. */
  const userOfBot = (invocation: Invocation, userId: number) => resolveUser(invocation, invocation.bot.row.id, { user_id: userId });
  const counts = async (botId: number) => ({ users: await platform.botUsers.count(botId), chats: await platform.chats.countByType(botId) });
  const moreReads = compatReads({ panels: platform.adminPanels.store, lists: platform.lists, webApps: platform.webApps, userOfBot, counts });

  const currency = new CurrencyRates({ http: platform.outboundHttp, clock, urls: config.currencyRates });
  /** `CurrencyQuote`'s rates of one kind, with their age in seconds. */
  const currencyRead = async (given: unknown) => {
    const kind = z.object({ kind: z.enum(["fiat", "crypto"]) }).safeParse(given);
    if (!kind.success) throw new ReadRefused("CurrencyQuote: a kind of rates the platform does not have");
    try {
      const { rates, details, fetchedAt } = await currency.table(kind.data.kind);
      return JSON.stringify({ rates, details, age_s: Math.max(0, Math.floor((clock.now() - fetchedAt) / 1000)) });
    } catch (error) {
      // Not "not available": that is how a missing BJS name reads (the measure of issue 12).
      if (error instanceof RatesUnavailable) throw new ReadRefused(`CurrencyQuote: could not get the rates (${error.message})`);
      throw error;
    }
  };

  /** Synchronous reads for BJS: properties, a user's internal id from their Telegram id, whether a command exists, a broadcast task, panels, lists, web app links, currency rates. */
  const reads = (invocation: Invocation): HostReads => async (name, argsJson) => {
    const given = safeJson(argsJson);
    // Refused before any query: on PostgreSQL a NUL would fail the run's transaction, not only this read.
    const flawed = textFlawAt(given, "a read");
    if (flawed) throw new ReadRefused(`A read ${flawed.flaw}`);
    if (name === "currencyRates") return currencyRead(given);
    if (name === "commandExists") {
      const parsed = commandReadArgs.safeParse(given);
      if (!parsed.success) throw new ReadRefused("Bot.runCommand needs a command text");
      const { book, bot } = invocation;
      return JSON.stringify(commandNamed(book, parsed.data.command, bot.row.username) !== null);
    }
    if (name === "runAllTask") {
      const parsed = taskReadArgs.safeParse(given);
      if (!parsed.success) throw new ReadRefused("RunAllTask needs {id}: a task id");
      const task = await platform.broadcasts.store.byId(invocation.bot.row.id, parsed.data.id);
      return JSON.stringify(task ? runAllTaskOf(task, clock.now()) : null);
    }
    const more = await moreReads(invocation, name, given);
    if (more !== undefined) return more;
    const schema = name === "getProp" ? propertyReadArgs : name === "userId" ? readArgs : undefined;
    const parsed = schema?.safeParse(given);
    if (!parsed?.success) throw new ReadRefused(`A read the platform does not answer: ${name.slice(0, 40)}`);
    const args = parsed.data;
    const botId = await botOf(invocation, args.bot_id);
    if (name === "userId") return JSON.stringify((await resolveUser(invocation, botId, args)) ?? null);
    let userId: number | undefined;
    if (args.scope === "user") {
      userId = await resolveUser(invocation, botId, args);
      if (userId === undefined) return JSON.stringify({ found: false });
    }
    return JSON.stringify(propertyRead(await platform.properties.find(botId, args.scope!, args.name!, { userId })));
  };

  const origin = publicOrigin(config);
  const api = { host: new URL(origin).host, origin };
  const cache = new CommandCache(database.db, clock);
  let effects: Effects;
  const runner: CommandRunner = new CommandRunner({
    executor,
    sender,
    waits,
    properties: platform.properties,
    errorLog: platform.errorLog,
    log,
    api,
    reads,
    prefetch: new PropertyPrefetch(platform.properties),
    metrics,
    quota: async (invocation) => ({
      limit: quotaOf(invocation.bot),
      used: await budget.spent(invocation.bot.owner.id),
    }),
    apply: (actions, invocation) => effects.apply(actions, invocation),
    cache,
  });
  /** Each execution a chain starts is an iteration, charged as it starts, within the owner's quota. */
  const charge = async (invocation: Invocation) => {
    const { bot, chain } = invocation;
    if ((await budget.spent(bot.owner.id)) >= quotaOf(bot)) return quotaNote(quotaOf(bot));
    chain.executions++;
    budget.spend(bot.owner.id, bot.row.id, 1);
    return undefined;
  };
  effects = new Effects({
    sender,
    properties: platform.properties,
    chats: platform.chats,
    botUsers: platform.botUsers,
    resolveUser,
    sameOwner,
    charge,
    jobs: platform.jobs,
    broadcasts: platform.broadcasts,
    clock,
    runner: () => runner,
    lists: platform.lists,
    compat: new CompatEffects({
      panels: platform.adminPanels.store,
      lists: platform.lists,
      chats: platform.chats,
      users: platform.users,
      bots: platform.bots.store,
      properties: platform.properties,
      interop: platform.interop,
      cache,
      attempts: platform.attempts,
      telegram: (action, invocation) => effects.callTelegram(action, invocation),
      userOfBot,
    }),
  });

  const journal = database.runScopes && new RunJournal({ db: database.db, scopes: database.runScopes, sender, jobs: platform.jobs, errorLog: platform.errorLog, clock, log });
  const pruning = journal && every(clock, HOUR_MS, () => void journal.prune(DAY_MS).catch((error: unknown) => log.error({ err: error }, "could not prune the run journal")));
  const processor = new Processor({
    config,
    clock,
    bots: platform.bots.store,
    users: platform.users,
    botUsers: platform.botUsers,
    chats: platform.chats,
    books,
    waits,
    runner,
    sender,
    budget,
    errorLog: platform.errorLog,
    log,
    cacheBus: platform.cacheBus,
    answers: platform.runAnswers,
    journal,
  });
  registerRunJobs({ jobs: platform.jobs, processor, outboundHttp: platform.outboundHttp, errorLog: platform.errorLog });
  registerBroadcastJobs({ jobs: platform.jobs, store: platform.broadcasts.store, chats: platform.chats, processor, sender, budget, database, clock, log });
  registerInteropJobs({ jobs: platform.jobs, interop: platform.interop, processor, errorLog: platform.errorLog });
  const autoRetry = new AutoRetry({ jobs: platform.jobs, processor, books, commands: platform.commands, errorLog: platform.errorLog, clock, log });
  platform.jobs.register<RunRequest>(AUTO_RETRY_JOB_KIND, (job) => autoRetry.run(job));
  platform.runtime.runner.started.listen((botId) => autoRetry.sync(botId));
  platform.bots.store.commandsChanged.listen((botId) => autoRetry.sync(botId));
  platform.webApps.serve = (botId, command, options) => processor.render(botId, command, options);
  // Saving a panel runs its on_saving command as a durable run, with the values (spec/bjs.md §7).
  platform.adminPanels.onPanelSaved = async (bot, panel, values) => {
    if (!panel.on_saving) return;
    const request: RunRequest = {
      botId: bot.id,
      command: { name: panel.on_saving.command },
      trigger: "panel_saved",
      options: { panel_name: panel.name, values } as RunRequest["options"],
      attempt: 1,
      userId: panel.on_saving.user_id,
      message: panel.on_saving.command,
    };
    await platform.jobs.enqueue([{ kind: RUN_JOB_KIND, botId: bot.id, payload: request }]);
  };
  budget.start();
  return {
    processor,
    executor,
    sender,
    budget,
    autoRetry,
    async close() {
      pruning?.cancel();
      await budget.stop();
      executor.dispose();
    },
  };
}
