import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { AllowList } from "./net/address-guard.js";

/** The limits of the plan every new account gets; the cloud plans list offers the rest. */
export interface FreePlanLimits {
  iterationsPerMonth: number;
  botsLimit: number;
  commandTimeoutS: number;
  broadcasts: boolean;
}

/** How many auth attempts one IP or one email may make per window before a 429. */
export interface AuthThrottle {
  perIp: number;
  perEmail: number;
  windowS: number;
}

/** Every setting of the platform. Each has a default that works with no environment at all. */
export interface Config {
  port: number;
  /** Where `botyard worker` serves its health, readiness and metrics. */
  workerPort: number;
  host: string;
  dataDir: string;
  /** PostgreSQL URL; undefined = the embedded SQLite file in dataDir. */
  databaseUrl?: string;
  /** Redis URL; undefined = in-process queues and counters. */
  redisUrl?: string;
  /** Prefix of the Redis keys of the job queues (several platforms may share one server). */
  redisPrefix: string;
  /** Where jobs wait: the database (embedded) or BullMQ in Redis (needs redisUrl; the default in shared mode). */
  jobQueue: JobQueueKind;
  /** How long a taken job is its worker's without renewal: a dead worker's job is taken again about this long after. */
  jobLeaseMs: number;
  /** Shared mode: how long a queued update is its worker's without a heartbeat; a dead worker's updates are taken again after half of it. */
  updateVisibilityMs: number;
  /** The address Telegram can reach; undefined = bots use long polling. */
  publicUrl?: string;
  telegramApiRoot: string;
  telegramLoginBotToken?: string;
  telegramLoginBotUsername?: string;
  /** SMTP URL; undefined = mails go to dataDir/outbox and the log. */
  smtpUrl?: string;
  mailFrom: string;
  secretKey: string;
  logLevel: string;
  /** `pretty` lines for people, `json` lines for machines, `auto`: pretty on a terminal. */
  logFormat: LogFormat;
  /** Trust X-Forwarded-For (behind a reverse proxy), so throttling sees the client's IP. */
  trustProxy: boolean;
  bodyLimitBytes: number;
  /** Commands one bot may have (the API, CSV and Git imports refuse more). */
  botCommandsLimit: number;
  /** What one bot's properties and lists may take, in MB, before it may store no more (StorageQuota). */
  botStorageMb: number;
  /** Git and CSV imports may reach loopback and private networks (a git server beside the platform). */
  importAllowPrivateUrls: boolean;
  /** Whether web apps (`WebApp.render`) may answer HTML and other non-JSON types, in a sandboxed page. */
  webAppHtml: boolean;
  /** How long a Webhooks link's call waits for its command to run, to answer what it rendered (0: not at all). */
  webhookAnswerWaitMs: number;
  freePlan: FreePlanLimits;
  authThrottle: AuthThrottle;
  bjs: BjsSizing;
  /** BJS_HTTP_ALLOW: host names and CIDR ranges `HTTP.*` may reach although private or loopback. */
  bjsHttpAllow: string[];
  sending: SendingLimits;
  /** Where BJS's `CurrencyQuote` gets its rates (spec/bjs.md §6.2). */
  currencyRates: { fiatUrl: string; cryptoUrl: string };
}

/** How fast the sender lets bots call Telegram (see src/runtime/sending/send-limits.ts). */
export interface SendingLimits {
  /** Off: calls go as fast as they come (an emulator without limits). */
  enabled: boolean;
  /** Messages per second one bot may send over all its chats. */
  perBotPerSecond: number;
  /** Messages per second for calls with `allow_paid_broadcast`; 0 = such calls are paced like the others. */
  paidPerBotPerSecond: number;
}

/** How much of the machine BJS gets: V8 isolates (threads), their memory, warm bot realms. */
export interface BjsSizing {
  isolates: number;
  memoryMb: number;
  /** Heap each isolate's warm bot realms may fill, in MB (see IsolateHost, and the README's sizing). */
  warmMb: number;
}

export const JOB_QUEUES = ["embedded", "redis"] as const;
export type JobQueueKind = (typeof JOB_QUEUES)[number];

/** JOB_QUEUE: the Redis queue in shared mode (processes share the jobs), else when asked for, and only with a Redis to run on. */
function jobQueueOf(env: Env, shared: boolean): JobQueueKind {
  const kind = oneOf(env, "JOB_QUEUE", JOB_QUEUES, shared ? "redis" : "embedded");
  if (kind === "redis" && !optional(env, "REDIS_URL")) throw new ConfigError("JOB_QUEUE=redis needs REDIS_URL: set it to the Redis server the job queues live on.");
  return kind;
}

/**
 * Shared mode: several processes over one PostgreSQL and one Redis. Then limits, cache
 * invalidation and polling leases live in Redis; else each lives in this process's memory.
 */
export function sharesState(config: Pick<Config, "databaseUrl" | "redisUrl">): boolean {
  // A database URL is always PostgreSQL's (SQLite is the file in dataDir).
  return config.databaseUrl !== undefined && config.redisUrl !== undefined;
}

export const LOG_FORMATS = ["auto", "pretty", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** A setting with a value that cannot work; the message names it and says what it must be. */
export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(min === 0 ? `${name} must be a non-negative whole number, got '${raw}'.` : `${name} must be a whole number of at least ${min}, got '${raw}'.`);
  }
  return value;
}

/** Telegram's own ceiling on a setting (paid broadcasts go up to 1,000 messages per second). */
function atMost(value: number, max: number, name: string): number {
  if (value > max) throw new ConfigError(`${name} must be at most ${max}, got '${value}'.`);
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got '${env[name]}'.`);
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], fallback: T): T {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (!(values as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${values.join(", ")}, got '${env[name]}'.`);
  return raw as T;
}

function optional(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw : undefined;
}

/** Reads SECRET_KEY, or the key kept in dataDir, or makes and keeps a new one. */
function secretKey(env: Env, dataDir: string): string {
  const given = optional(env, "SECRET_KEY");
  if (given) return given;
  const file = join(dataDir, "secret_key");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString("base64url");
  writeFileSync(file, key + "\n", { mode: 0o600, flag: "wx" });
  return key;
}

/** A comma-separated list, each entry checked by `check` (which throws on a bad one). */
function list(env: Env, name: string, check: (entries: string[]) => unknown): string[] {
  const entries = (optional(env, name) ?? "").split(",").map((entry) => entry.trim()).filter(Boolean);
  check(entries);
  return entries;
}

/** Builds the configuration from environment variables (see the README for each). */
export function loadConfig(env: Env = process.env): Config {
  const dataDir = resolve(optional(env, "DATA_DIR") ?? "./data");
  const databaseUrl = optional(env, "DATABASE_URL");
  const redisUrl = optional(env, "REDIS_URL");
  return {
    port: integer(env, "PORT", 3000),
    workerPort: integer(env, "WORKER_PORT", 3001),
    host: optional(env, "HOST") ?? "0.0.0.0",
    dataDir,
    databaseUrl,
    redisUrl,
    redisPrefix: optional(env, "REDIS_PREFIX") ?? "botyard",
    jobQueue: jobQueueOf(env, sharesState({ databaseUrl, redisUrl })),
    jobLeaseMs: integer(env, "JOB_LEASE_MS", 30_000, 100),
    // groupmq checks for stalled jobs at most every 2 s: shorter would take live handlings away.
    updateVisibilityMs: integer(env, "UPDATE_VISIBILITY_MS", 30_000, 8_000),
    publicUrl: optional(env, "PUBLIC_URL")?.replace(/\/+$/, ""),
    telegramApiRoot: (optional(env, "TELEGRAM_API_ROOT") ?? "https://api.telegram.org").replace(/\/+$/, ""),
    telegramLoginBotToken: optional(env, "TELEGRAM_LOGIN_BOT_TOKEN"),
    telegramLoginBotUsername: optional(env, "TELEGRAM_LOGIN_BOT_USERNAME"),
    smtpUrl: optional(env, "SMTP_URL"),
    mailFrom: optional(env, "MAIL_FROM") ?? "Botyard <no-reply@localhost>",
    secretKey: secretKey(env, dataDir),
    logLevel: optional(env, "LOG_LEVEL") ?? "info",
    logFormat: oneOf(env, "LOG_FORMAT", LOG_FORMATS, "auto"),
    trustProxy: flag(env, "TRUST_PROXY", false),
    bodyLimitBytes: integer(env, "BODY_LIMIT_BYTES", 1024 * 1024),
    botCommandsLimit: integer(env, "BOT_COMMANDS_LIMIT", 5000, 1),
    botStorageMb: integer(env, "BOT_STORAGE_MB", 256, 1),
    importAllowPrivateUrls: flag(env, "IMPORT_ALLOW_PRIVATE_URLS", false),
    // A bot's page shares the platform's origin: with Telegram login on, a login sent to it could be read there.
    webAppHtml: flag(env, "WEBAPP_HTML", optional(env, "TELEGRAM_LOGIN_BOT_TOKEN") === undefined),
    webhookAnswerWaitMs: integer(env, "WEBHOOK_ANSWER_WAIT_MS", 10_000),
    freePlan: {
      iterationsPerMonth: integer(env, "FREE_PLAN_ITERATIONS", 100_000),
      botsLimit: integer(env, "FREE_PLAN_BOTS", 20),
      commandTimeoutS: integer(env, "FREE_PLAN_COMMAND_TIMEOUT_S", 5),
      broadcasts: flag(env, "FREE_PLAN_BROADCASTS", true),
    },
    authThrottle: {
      perIp: integer(env, "AUTH_LIMIT_PER_IP", 30),
      perEmail: integer(env, "AUTH_LIMIT_PER_EMAIL", 10),
      windowS: integer(env, "AUTH_LIMIT_WINDOW_S", 600),
    },
    bjs: {
      isolates: integer(env, "BJS_ISOLATES", 2, 1),
      memoryMb: integer(env, "BJS_MEMORY_MB", 448, 16),
      warmMb: integer(env, "BJS_WARM_MB", 320, 1),
    },
    bjsHttpAllow: list(env, "BJS_HTTP_ALLOW", (entries) => new AllowList(entries)),
    currencyRates: {
      fiatUrl: optional(env, "CURRENCY_FIAT_URL") ?? "https://open.er-api.com/v6/latest/USD",
      cryptoUrl: optional(env, "CURRENCY_CRYPTO_URL") ?? "https://api.coingecko.com/api/v3/coins/markets?vs_currency=usd&order=market_cap_desc&per_page=100&page=1",
    },
    sending: {
      enabled: flag(env, "TELEGRAM_LIMITS", true),
      perBotPerSecond: integer(env, "TELEGRAM_BOT_RATE", 30, 1),
      paidPerBotPerSecond: atMost(integer(env, "TELEGRAM_PAID_BROADCAST_RATE", 0), 1000, "TELEGRAM_PAID_BROADCAST_RATE"),
    },
  };
}
