import { createHash } from "node:crypto";
import { safeEqual } from "../accounts/secrets.js";
import type { AttemptLimiter } from "../accounts/attempt-limiter.js";
import type { BotStore } from "../bots/bots.js";
import type { BotUserStore } from "../bots/chats.js";
import { TooManyRequestsError } from "../errors.js";
import type { JobQueue } from "../jobs/job-queue.js";
import { RUN_JOB_KIND, type RunRequest } from "./run-request.js";

/**
 * The token of a Webhooks library link (spec/bjs.md §2.8), as the store library makes it:
 * only the bot, which knows its own token, can make a link that the intake accepts.
 */
export function webhookToken(botToken: string, userId: string, command: string): string {
  return createHash("md5").update(`${botToken}-${userId}-${command} Salt is very salty!`).digest("hex");
}

/**
 * The token of a link's `redirect_to` (Botyard's own): the intake redirects only where the
 * bot itself asked, so a link cannot be turned into an open redirect by editing its query.
 */
export function redirectToken(botToken: string, target: string): string {
  return createHash("md5").update(`${botToken}-redirect-${target} Salt is very salty!`).digest("hex");
}

/** Header names as Bots.Business shows them to BJS: `X-Hub-Signature-256`, `X-Github-Event`, `Hmac`. */
export function normalisedHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const shown = name
      .split("-")
      .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
      .join("-");
    out[shown] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** A call of a Webhooks link, as the intake route read it. */
export interface WebhookCall {
  botId: number;
  /** The query: `command`, `public_user_token` (or `token`), `user_id`, `content`... */
  query: Record<string, string>;
  method: string;
  /** The URL that was called, whole. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  ip: string;
  /** The raw body ("" without one). */
  body: string;
  /** The id its caller waits on for the run's answer (run-answers.ts), when it waits. */
  answerTo?: string;
}

/** Command names are at most this long (as stored). */
const MAX_COMMAND_NAME = 255;

/**
 * The calls a bot's links take per minute. A link is public, and one that leaked could be called
 * faster than the bot runs, each call a stored run (with its body) until it runs; past it, calls
 * are refused (429) until the minute ends, as Telegram refuses a bot that calls too fast.
 * Counted per bot in a window (in Redis when shared), so a refusal costs no read of the queue.
 */
export const WEBHOOK_CALLS_PER_MINUTE = 600;

/** The refusal of a call past WEBHOOK_CALLS_PER_MINUTE: 429 with Retry-After. */
export function tooManyLinkCalls(retryAfterS: number): TooManyRequestsError {
  return new TooManyRequestsError(retryAfterS, `The bot's links take ${WEBHOOK_CALLS_PER_MINUTE} calls a minute: call again in ${retryAfterS} s`);
}

/** Counts a call of one kind of the bot's links (Webhooks links and web app pages count apart); throws tooManyLinkCalls past the limit. */
export async function countLinkCall(attempts: AttemptLimiter, links: "lib-webhook" | "web-app", botId: number): Promise<void> {
  const calls = await attempts.hit(`${links}:${botId}`, WEBHOOK_CALLS_PER_MINUTE, 60);
  if (!calls.allowed) throw tooManyLinkCalls(calls.retryAfterS);
}

/** The largest body a link's call may carry (a provider's notification, a GitHub push). */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

export type WebhookOutcome = "accepted" | "no bot" | "not running" | "no command" | "bad token" | "bad redirect";

/**
 * Accepts a Webhooks link's call: the token is checked against the bot's own, then the command
 * is stored as a durable run (the job layer runs it, and tries again if it fails before it
 * acted), so an answer means the call will be handled even if the process stops right after.
 * The run has the link's user (and their private chat) when it names one, `content` (the raw
 * body, else the `content` query value) and `options = {url, method, params, headers, ip}`;
 * with `answerTo`, it tells its caller what it rendered (run-answers.ts). A call past the links'
 * calls a minute throws tooManyLinkCalls.
 */
export async function acceptWebhook(deps: { bots: BotStore; botUsers: BotUserStore; jobs: JobQueue; attempts: AttemptLimiter }, call: WebhookCall): Promise<WebhookOutcome> {
  const bot = await deps.bots.byId(call.botId);
  const token = bot && deps.bots.tokenOf(bot);
  if (!bot || !token) return "no bot";
  const command = call.query.command?.trim();
  if (!command || command.length > MAX_COMMAND_NAME) return "no command";
  const userParam = call.query.user_id ?? "";
  const given = call.query.public_user_token ?? call.query.token ?? "";
  if (!safeEqual(given, webhookToken(token, userParam, command))) return "bad token";
  const redirect = call.query.redirect_to;
  if (redirect !== undefined && !safeEqual(call.query.redirect_token ?? "", redirectToken(token, redirect))) return "bad redirect";
  if (bot.status !== "works") return "not running";
  await countLinkCall(deps.attempts, "lib-webhook", bot.id);
  const user = /^\d{1,15}$/.test(userParam) ? await deps.botUsers.byId(bot.id, Number(userParam)) : undefined;
  const options = { url: call.url, method: call.method, params: call.query, headers: normalisedHeaders(call.headers), ip: call.ip };
  const run: RunRequest = {
    botId: bot.id,
    command: { name: command.split(" ")[0]! },
    trigger: "webhook",
    userId: user?.id,
    options,
    attempt: 1,
    message: command,
    http: { content: call.body !== "" ? call.body : (call.query.content ?? ""), status: null, headers: {}, cookies: {} },
    answerTo: call.answerTo,
  };
  await deps.jobs.enqueue([{ kind: RUN_JOB_KIND, botId: bot.id, payload: run }]);
  return "accepted";
}
