import { createHash } from "node:crypto";
import { safeEqual } from "../accounts/secrets.js";
import type { BotStore } from "../bots/bots.js";
import type { BotUserStore } from "../bots/chats.js";
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
}

/** Command names are at most this long (as stored). */
const MAX_COMMAND_NAME = 255;

/**
 * The calls of a bot's links that may wait to run: a link is public, and one that leaked could
 * otherwise be called faster than the bot runs, each call a job kept until it runs. Past it,
 * calls are refused until the bot catches up (429), as Telegram refuses a bot that calls too fast.
 */
export const MAX_WAITING_WEBHOOK_RUNS = 1000;

/** The label of a link's run, by which the bot's waiting ones are counted. */
const WEBHOOK_RUN_LABEL = "Libs.Webhooks";

export type WebhookOutcome = "accepted" | "no bot" | "not running" | "no command" | "bad token" | "bad redirect" | "too many waiting";

/**
 * Accepts a Webhooks link's call: the token is checked against the bot's own, then the command
 * is stored as a durable run (the job layer runs it, and tries again if it fails before it
 * acted), so an answer means the call will be handled even if the process stops right after.
 * The run has the link's user (and their private chat) when it names one, `content` (the raw
 * body, else the `content` query value) and `options = {url, method, params, headers, ip}`.
 */
export async function acceptWebhook(deps: { bots: BotStore; botUsers: BotUserStore; jobs: JobQueue }, call: WebhookCall): Promise<WebhookOutcome> {
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
  const waiting = await deps.jobs.pending(bot.id, { limit: 1, offset: 0 }, { kind: RUN_JOB_KIND, label: WEBHOOK_RUN_LABEL });
  if (waiting.total >= MAX_WAITING_WEBHOOK_RUNS) return "too many waiting";
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
  };
  await deps.jobs.enqueue([{ kind: RUN_JOB_KIND, botId: bot.id, payload: run, label: WEBHOOK_RUN_LABEL }]);
  return "accepted";
}
