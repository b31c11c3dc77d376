import type { Platform } from "../platform.js";
import { CommandBooks } from "./command-books.js";
import { CommandRunner } from "./command-runner.js";
import { Effects } from "./effects.js";
import type { Invocation } from "./invocation.js";
import { IterationBudget } from "./iteration-budget.js";
import { Processor } from "./processor.js";
import { PropertyPrefetch, propertyRead } from "./property-prefetch.js";
import { Executor, defaultExecutorOptions, type ExecutorOptions } from "./sandbox/executor.js";
import type { HostReads } from "./sandbox/isolate-host.js";
import { TelegramSender, type Sleep } from "./telegram-sender.js";
import { z } from "zod";
import { AppError } from "../errors.js";
import { quotaNote, quotaOf } from "./quota.js";
import { registerRunJobs } from "./run-jobs.js";
import { WaitStore } from "./waits.js";

export interface ProcessingOptions {
  executor?: Partial<ExecutorOptions>;
  /** How the sender waits out a 429 (tests pass one that returns at once). */
  sleep?: Sleep;
}

/** The processing half of the runtime: what turns an accepted update into replies. */
export interface Processing {
  processor: Processor;
  executor: Executor;
  sender: TelegramSender;
  budget: IterationBudget;
  close(): Promise<void>;
}

/** A read BJS asked for that the platform refuses; its message is said back to BJS. */
class ReadRefused extends AppError {}

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
  const sender = new TelegramSender({ apiRoot: platform.apiRoot, sleep: options.sleep, metrics });
  const budget = new IterationBudget(platform.iterations, clock);
  const waits = new WaitStore(database.db, clock);
  const books = new CommandBooks(database.db);

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

  /** Synchronous reads for BJS: properties, and a user's internal id from their Telegram id. */
  const reads = (invocation: Invocation): HostReads => async (name, argsJson) => {
    const schema = name === "getProp" ? propertyReadArgs : name === "userId" ? readArgs : undefined;
    const parsed = schema?.safeParse(safeJson(argsJson));
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

  const apiHost = new URL(config.publicUrl ?? `http://localhost:${config.port}`).host;
  let effects: Effects;
  const runner: CommandRunner = new CommandRunner({
    executor,
    sender,
    waits,
    properties: platform.properties,
    errorLog: platform.errorLog,
    log,
    apiHost,
    reads,
    prefetch: new PropertyPrefetch(platform.properties),
    metrics,
    quota: async (invocation) => ({
      limit: quotaOf(invocation.bot),
      used: await budget.spent(invocation.bot.owner.id),
    }),
    apply: (actions, invocation) => effects.apply(actions, invocation),
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
    clock,
    runner: () => runner,
  });

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
    log,
  });
  registerRunJobs({ jobs: platform.jobs, processor, outboundHttp: platform.outboundHttp, errorLog: platform.errorLog });
  budget.start();
  return {
    processor,
    executor,
    sender,
    budget,
    async close() {
      await budget.stop();
      executor.dispose();
    },
  };
}
