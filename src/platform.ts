import { Redis } from "ioredis";
import pino, { type Logger } from "pino";
import { sharesState, type Config } from "./config.js";
import { LocalCacheBus, RedisCacheBus, type CacheBus } from "./cache-bus.js";
import { systemClock, type Clock } from "./clock.js";
import { openDatabase, type Database } from "./db/database.js";
import { migrateToLatest } from "./db/migrate.js";
import { AccountService } from "./accounts/accounts.js";
import { MemoryAttemptLimiter, RedisAttemptLimiter, type AttemptLimiter } from "./accounts/attempt-limiter.js";
import { AuthThrottle } from "./accounts/auth-throttle.js";
import { IterationMeter } from "./accounts/iterations.js";
import { createMailer, type Mailer } from "./accounts/mailer.js";
import { PasswordResets } from "./accounts/password-resets.js";
import { Secrets } from "./accounts/secrets.js";
import { SessionStore } from "./accounts/sessions.js";
import { TelegramLogin } from "./accounts/telegram-login.js";
import { UserStore } from "./accounts/users.js";
import { redactUrl } from "./redact.js";
import { humanLines } from "./log-lines.js";
import { planNamed } from "./catalog/plans.js";
import { AdminPanelService, AdminPanelStore } from "./bots/admin-panels.js";
import { BotService, BotStore } from "./bots/bots.js";
import { BotUserStore, ChatStore } from "./bots/chats.js";
import { CommandStore } from "./bots/commands.js";
import { StorageQuota } from "./bots/storage-quota.js";
import { ErrorLog } from "./bots/error-log.js";
import { FolderStore } from "./bots/folders.js";
import { InstalledLibraries } from "./bots/libraries.js";
import { PropertyStore } from "./bots/properties.js";
import { ListStore } from "./bots/lists.js";
import { WebApps } from "./runtime/web-apps.js";
import { InteropService } from "./interop/service.js";
import type { ApiRoot } from "./telegram/bot-api.js";
import { Playground } from "./playground/playground.js";
import { BotRuntime } from "./runtime/bot-runtime.js";
import { CommandBooks } from "./runtime/command-books.js";
import { LocalRunAnswers, RedisRunAnswers, type RunAnswers } from "./runtime/run-answers.js";
import { SenderMetrics } from "./runtime/sending/sender-metrics.js";
import { TelegramSender } from "./runtime/telegram-sender.js";
import { RedisWindowStore } from "./runtime/sending/window-store.js";
import { RedisPollLeases } from "./runtime/intake/poll-leases.js";
import { EmbeddedJobQueue } from "./jobs/embedded-queue.js";
import { BroadcastService } from "./jobs/broadcasts.js";
import { BroadcastStore } from "./bots/broadcasts.js";
import type { JobQueue } from "./jobs/job-queue.js";
import { RedisJobQueue } from "./jobs/redis-queue.js";
import { enqueuedAfterCommit } from "./runtime/run-outbox.js";
import { AllowList } from "./net/address-guard.js";
import { OutboundHttp } from "./net/outbound-http.js";
import { collectDefaultMetrics, Registry } from "prom-client";

/** Everything the platform is made of, wired once; the API and the runtime take what they need. */
export interface Platform {
  config: Config;
  clock: Clock;
  log: Logger;
  database: Database;
  redis?: Redis;
  /** Tells every process that caches a bot or owner row that it changed (Redis pub/sub in shared mode). */
  cacheBus: CacheBus;
  /** How a run someone waits for (a Webhooks link's) tells them how it ended, wherever it ran (Redis pub/sub in shared mode). */
  runAnswers: RunAnswers;
  mailer: Mailer;
  secrets: Secrets;
  users: UserStore;
  sessions: SessionStore;
  accounts: AccountService;
  passwordResets: PasswordResets;
  telegramLogin: TelegramLogin;
  iterations: IterationMeter;
  authThrottle: AuthThrottle;
  /** Counts attempts per key in fixed windows (in Redis when REDIS_URL is set): sign-in limits, bot installs. */
  attempts: AttemptLimiter;
  /** Where a token's Bot API calls go: the playground's emulator, or TELEGRAM_API_ROOT. */
  apiRoot: ApiRoot;
  /** Every Bot API call for bots goes through it (polling aside): Telegram's limits, 429s, retries. */
  sender: TelegramSender;
  /** The in-process Telegram emulator where owners try their bots from the dashboard. */
  playground: Playground;
  bots: BotService;
  folders: FolderStore;
  commands: CommandStore;
  /** Each bot's commands as the runtime routes them, cached by the bot's commands_version. */
  books: CommandBooks;
  botUsers: BotUserStore;
  chats: ChatStore;
  properties: PropertyStore;
  /** What each bot may store (BOT_STORAGE_MB), counted by the database. */
  storage: StorageQuota;
  errorLog: ErrorLog;
  adminPanels: AdminPanelService;
  /** Lists of properties and users (BJS `new List`). */
  lists: ListStore;
  /** Web app links (`WebApp.getUrl`) and the runtime's answer to them. */
  webApps: WebApps;
  libraries: InstalledLibraries;
  /** Durable jobs (scheduled runs, auto retry, callbacks); handlers are registered, then `jobs.start()`. */
  jobs: JobQueue;
  /** Broadcast tasks (`Bot.runAll`, the API); their jobs are worked by the runtime's processing. */
  broadcasts: BroadcastService;
  /** BJS's outbound HTTP (`HTTP.*`), behind the address guard. */
  outboundHttp: OutboundHttp;
  /** Git export and import, CSV import, copies and store installs. */
  interop: InteropService;
  /** Bots' intake and lifecycle; `runtime.start(handler)` makes it handle updates. */
  runtime: BotRuntime;
  /** Prometheus metrics (/metrics): the process's, the API's and the runtime's. */
  metrics: Registry;
  close(): Promise<void>;
}

export interface PlatformOptions {
  clock?: Clock;
  log?: Logger;
  /** PostgreSQL schema to work in (tests). */
  databaseSchema?: string;
  /** False: this process runs no polling loop (an API process); in shared mode the polling processes take its bots up. Default true. */
  polls?: boolean;
  /** Shared mode: how long a process's lease on polling a bot lasts unrenewed (default 30 s; tests shorten it). */
  pollLeaseMs?: number;
}

/** The base URL people reach the platform at (for links in mails and Telegram login). */
export function publicOrigin(config: Config): string {
  return config.publicUrl ?? `http://localhost:${config.port}`;
}

/** The platform's logger: JSON lines, or human-readable ones (log-lines.ts), with secrets kept out (see redact.ts). */
export function createLogger(config: Config, destination: pino.DestinationStream | undefined = defaultDestination(config)): Logger {
  return pino({
    level: config.logLevel,
    serializers: {
      // Request logs carry the URL: strip api keys and tokens from it.
      req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), ip: req.ip }),
    },
    redact: { paths: ["password", "*.password", "token", "*.token", "api_key", "*.api_key"], censor: "[redacted]" },
    hooks: {
      // Telegram tokens live in URLs (`/bot<token>/`), api keys in query strings.
      logMethod(args, method) {
        if (typeof args[0] === "string") args[0] = redactUrl(args[0]);
        return method.apply(this, args as Parameters<typeof method>);
      },
    },
  }, destination);
}

/** Standard output: as human-readable lines on a terminal (or when asked), else pino's JSON. */
function defaultDestination(config: Config): pino.DestinationStream | undefined {
  const human = config.logFormat === "pretty" || (config.logFormat === "auto" && process.stdout.isTTY === true);
  return human ? humanLines(process.stdout) : undefined;
}

/** Opens the database (migrating it), Redis when configured, and builds every service. */
export async function createPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? createLogger(config);
  const database = openDatabase({
    url: config.databaseUrl,
    dataDir: config.dataDir,
    schema: options.databaseSchema,
    backgroundCheckpoints: { onError: (error) => log.error({ err: error }, "the WAL checkpoint worker stopped; SQLite checkpoints in place") },
  });
  await migrateToLatest(database);
  const { db } = database;
  const shared = sharesState(config);
  const redis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 3, lazyConnect: false }) : undefined;
  const cacheBus = shared ? await RedisCacheBus.open(redis!, config.redisPrefix) : new LocalCacheBus();
  const runAnswers = shared ? await RedisRunAnswers.open(redis!, config.redisPrefix) : new LocalRunAnswers();
  const secrets = new Secrets(config.secretKey);
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, dataDir: config.dataDir, log });
  const users = new UserStore(db, secrets, clock, cacheBus);
  const sessions = new SessionStore(db, secrets, clock);
  const origin = publicOrigin(config);
  const telegramLogin = new TelegramLogin(db, secrets, clock, {
    token: config.telegramLoginBotToken,
    username: config.telegramLoginBotUsername,
    origin,
  });
  const limiter = redis ? new RedisAttemptLimiter(redis) : new MemoryAttemptLimiter(clock);
  const iterations = new IterationMeter(db, clock);
  const playground = await Playground.start({ secrets, clock, telegramApiRoot: config.telegramApiRoot });
  const { apiRoot } = playground;
  const botStore = new BotStore(db, secrets, iterations, clock, cacheBus);
  const folders = new FolderStore(db, botStore, clock);
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  // Shared mode: every worker paces a bot on the same windows, and a 429 holds it everywhere.
  const windows = shared ? new RedisWindowStore(redis!, `${config.redisPrefix}:tg:`) : undefined;
  const sender = new TelegramSender({ apiRoot, clock, limits: config.sending, metrics: new SenderMetrics(metrics), windows });
  const errorLog = new ErrorLog(db, clock);
  // With JOB_QUEUE=redis, jobs are shared by every process on BullMQ (on its own connection: BullMQ's workers wait out a reconnect).
  const jobsRedis = config.jobQueue === "redis" && config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: null }) : undefined;
  const jobOptions = { leaseMs: config.jobLeaseMs, ownerOf: async (botId: number) => (await botStore.byId(botId))?.owner_id };
  const redisJobs = jobsRedis && new RedisJobQueue(jobsRedis, clock, log, { ...jobOptions, prefix: config.redisPrefix });
  const jobs: JobQueue = redisJobs ? enqueuedAfterCommit(redisJobs) : new EmbeddedJobQueue(database, clock, log, jobOptions);
  const outboundHttp = new OutboundHttp({ allow: new AllowList(config.bjsHttpAllow) });
  // Shared mode: exactly one process polls a bot, the one holding its lease.
  const sharedPolling = shared ? { leases: new RedisPollLeases(redis!, config.redisPrefix, options.pollLeaseMs), changes: cacheBus } : undefined;
  const polling = { polls: options.polls, sharedPolling };
  // Shared mode: updates are queued in Redis for every worker process (own connection: its workers block).
  const updatesRedis = shared ? new Redis(config.redisUrl!, { maxRetriesPerRequest: null }) : undefined;
  const updates = updatesRedis && { redis: updatesRedis, prefix: config.redisPrefix };
  const runtime = new BotRuntime({ database, clock, log, store: botStore, sender, config, apiRoot, metrics, jobs, errorLog, polling, updates }, { queue: { visibilityTimeoutMs: config.updateVisibilityMs } });
  const bots = new BotService(botStore, {
    botsLimit: (owner) => planNamed(config.freePlan, owner.payment_plan).bots_limit,
    sender,
    lifecycle: runtime.runner,
  });
  const commands = new CommandStore(db, folders, botStore, clock, config.botCommandsLimit);
  const storageQuota = new StorageQuota(db, config.botStorageMb * 1024 * 1024, log, database.runScopes?.independent);
  const interop = new InteropService({ db, bots, commands, folders, errorLog, iterations, clock, log, allowPrivateUrls: config.importAllowPrivateUrls });
  await interop.recoverInterrupted();
  return {
    config,
    clock,
    log,
    database,
    redis,
    cacheBus,
    runAnswers,
    mailer,
    secrets,
    users,
    sessions,
    accounts: new AccountService(users, sessions, telegramLogin),
    passwordResets: new PasswordResets(db, secrets, sessions, mailer, clock, `${origin}/reset-password`),
    telegramLogin,
    iterations,
    authThrottle: new AuthThrottle(limiter, config.authThrottle),
    attempts: limiter,
    apiRoot,
    sender,
    playground,
    bots,
    folders,
    commands,
    books: new CommandBooks(db),
    botUsers: new BotUserStore(db, clock),
    chats: new ChatStore(db, clock),
    properties: new PropertyStore(db, clock, storageQuota),
    storage: storageQuota,
    errorLog,
    adminPanels: new AdminPanelService(new AdminPanelStore(db, clock, secrets), log),
    lists: new ListStore(db, clock, storageQuota),
    webApps: new WebApps(secrets, origin),
    libraries: new InstalledLibraries(db, botStore, clock),
    jobs,
    broadcasts: new BroadcastService(new BroadcastStore(db, clock), jobs),
    outboundHttp,
    interop,
    runtime,
    metrics,
    async close() {
      await interop.close();
      await jobs.stop();
      await redisJobs?.close();
      jobsRedis?.disconnect();
      await runtime.close();
      updatesRedis?.disconnect();
      sender.close();
      await outboundHttp.close();
      await playground.close();
      mailer.close();
      await cacheBus.close();
      await runAnswers.close();
      redis?.disconnect();
      await database.close();
    },
  };
}
