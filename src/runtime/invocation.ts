import type { Update } from "@grammyjs/types";
import type { User as Owner } from "../accounts/users.js";
import type { Plan } from "../catalog/plans.js";
import { AppError } from "../errors.js";
import type { Bot } from "../bots/bots.js";
import type { BotUser, Chat, Remembered } from "../bots/chats.js";
import type { CommandBook, RoutableCommand } from "./command-book.js";
import type { RunRequest } from "./run-request.js";
import { TelegramApiError, type TelegramNetworkError } from "../telegram/bot-api.js";
import type { CallOptions } from "./telegram-sender.js";
import type { Rendered } from "./web-apps.js";

/** A started bot as the runtime needs it: its row, token, owner and the owner's plan. */
export interface RunningBot {
  row: Bot;
  token: string;
  owner: Owner;
  plan: Plan;
}

/** Executions one update may set off, the first included (sub-commands and callbacks). */
export const MAX_EXECUTIONS_PER_UPDATE = 100;
/** Telegram calls one update may make (Answers, BJS calls, error replies). */
export const MAX_SENDS_PER_UPDATE = 100;
/** HTTP requests one update may start (each waits as a job, so a chain of sub-commands could queue thousands). */
export const MAX_HTTP_PER_UPDATE = 100;
/**
 * Bytes of properties and lists one update may store (as StorageQuota counts them). On PostgreSQL an
 * update's writes count for other updates only once it commits, so this bounds how far past
 * the quota the bot's updates running at once can go; no real bot comes near it.
 */
export const MAX_STORED_BYTES_PER_UPDATE = 2 * 1024 * 1024;
/**
 * Actions, and characters of output, one update's executions may produce in all: past either,
 * it starts no more. Each execution has its own caps (500 actions, 2 MB), but this thread reads
 * and applies every action, and a hundred sub-commands at their caps cost it seconds.
 */
export const MAX_ACTIONS_PER_UPDATE = 5000;
export const MAX_OUTPUT_CHARS_PER_UPDATE = 8 * 1024 * 1024;
/** Entries one update writes to its bot's error log (one per execution it may start). */
export const MAX_LOGGED_PER_UPDATE = MAX_EXECUTIONS_PER_UPDATE;

/** A write BJS asked for past what one update may store. */
class StoreRefused extends AppError {}

/**
 * The state shared by every execution an incoming update sets off (its dispatcher chain):
 * what it has spent against the per-update caps, and whether it has reached the outside.
 */
export class Chain {
  /** Whether BJS answered the callback query itself (then no automatic acknowledgement). */
  answeredCallback = false;
  /** Executions started, each one iteration (spec/bjs.md §4), the first included. */
  executions = 1;
  sends = 0;
  httpRequests = 0;
  /** Actions and output characters the executions produced so far (see `produced`). */
  private actions = 0;
  private outputChars = 0;
  storedBytes = 0;
  /** The bot's HTTP requests waiting for their answers, counted at the update's first and kept up to date by it. */
  httpWaiting?: number;
  /**
   * Set once something may have reached the outside (a Telegram call made, BJS run): from
   * then on a failure ends the update rather than retrying it, so nothing is sent twice.
   */
  committed = false;
  /** Started by a Webhooks link whose caller does not wait (sent on to redirect_to): `WebApp.render` has nowhere to go. */
  fromWebhookLink = false;
  /** Why the chain stopped starting executions (the quota, a cap), once it has. */
  stopped?: string;
  /** How its Telegram calls and BJS went, for a broadcast's counters: the chat blocked the bot (403) outranks a failure. */
  trouble?: "blocked" | "failed";
  private readonly noted = new Set<string>();
  /** Entries written to the bot's error log so far (see `logs`). */
  private logged = 0;
  /** The last Telegram call on its way that the chain did not wait for, until it is through (see `goesOn`). */
  private onItsWay: Promise<void>;

  /**
   * @param recipient a broadcast recipient's chain: it may not start sub-commands, scheduled
   * runs, HTTP requests or broadcasts (spec/bjs.md §5), and its calls are broadcast traffic.
   * @param background a background task's or a callback's chain (a scheduled run, an auto
   * retry, an HTTP or import callback, a panel's on_saving, a broadcast): its failures are
   * logged, never answered in the chat with the error reply or `!` (spec/bjs.md §2.14, §2.15).
   * @param after what the chain's first call waits for: the calls of the update before it in
   * its chat, still on their way (Delivery.after).
   */
  constructor(
    readonly recipient = false,
    readonly background = recipient,
    after: Promise<void> = Promise.resolve(),
  ) {
    this.onItsWay = after;
  }

  /** How the sender should treat this chain's Telegram calls. */
  get sendOptions(): CallOptions {
    return { priority: this.recipient ? "broadcast" : "interactive" };
  }

  /** Notes a Telegram refusal or a network failure of one of the chain's calls. */
  refused(error: TelegramApiError | TelegramNetworkError): void {
    this.troubled(error instanceof TelegramApiError && error.error_code === 403 ? "blocked" : "failed");
  }

  /** Notes something that went wrong; a 403 already noted stays. */
  troubled(kind: "blocked" | "failed"): void {
    if (this.trouble !== "blocked") this.trouble = kind;
  }

  /** Stops the chain: it starts no execution any more. */
  stop(reason: string): void {
    this.stopped ??= reason;
  }

  /** Counts what an execution produced against the update's caps. */
  produced(actions: number, outputChars: number): void {
    this.actions += actions;
    this.outputChars += outputChars;
  }

  /** Why the update may start no more executions for what its executions produced, if so. */
  overproduced(): string | undefined {
    if (this.actions >= MAX_ACTIONS_PER_UPDATE) return `Too many actions in one update (the limit is ${MAX_ACTIONS_PER_UPDATE})`;
    if (this.outputChars >= MAX_OUTPUT_CHARS_PER_UPDATE) return `Too much output in one update (the limit is ${MAX_OUTPUT_CHARS_PER_UPDATE / 1024 / 1024} M characters)`;
    return undefined;
  }

  /** Answers true the first time a refusal comes up, so it is logged once per update. */
  note(refusal: string): boolean {
    if (this.noted.has(refusal)) return false;
    this.noted.add(refusal);
    return true;
  }

  /**
   * Counts an entry for the bot's error log: "log" within MAX_LOGGED_PER_UPDATE, then "last"
   * once (the entry that says the rest are left out), then "skip". An update's refused
   * actions each cost a write: bounded so, they cost at most one write per iteration.
   */
  logs(): "log" | "last" | "skip" {
    this.logged++;
    return this.logged <= MAX_LOGGED_PER_UPDATE ? "log" : this.logged === MAX_LOGGED_PER_UPDATE + 1 ? "last" : "skip";
  }

  /**
   * Lets the chain go on while a call whose answer nobody reads is on its way, made once
   * `through` resolved: its next call, or any other effect that reaches outside, waits for it
   * (so they keep the order they were made in), its own work (BJS, property writes) does not.
   * The call must not reject: its failure is logged where it happens.
   */
  goesOn(call: Promise<void>): void {
    this.onItsWay = call;
  }

  /** Resolves once the calls the chain did not wait for are through. */
  through(): Promise<void> {
    return this.onItsWay;
  }

  /** Counts one HTTP request; false when the update has started all it may. */
  tryHttp(): boolean {
    return this.spend("httpRequests", 1, MAX_HTTP_PER_UPDATE);
  }

  /** Counts one Telegram call; false when the update has made all it may. */
  trySend(): boolean {
    if (!this.spend("sends", 1, MAX_SENDS_PER_UPDATE)) return false;
    this.committed = true;
    return true;
  }

  /**
   * A charge for what a store is about to write (a property, a list, a list member), counted as
   * StorageQuota counts it; it refuses, naming `what`, once the update would store more than it may.
   */
  storing(what: string): (bytes: number) => void {
    return (bytes) => {
      if (!this.spend("storedBytes", bytes, MAX_STORED_BYTES_PER_UPDATE)) throw new StoreRefused(`${what} not saved: one update may store ${MAX_STORED_BYTES_PER_UPDATE} bytes of properties and lists at most`);
    };
  }

  private spend(counter: "httpRequests" | "sends" | "storedBytes", amount: number, limit: number): boolean {
    if (this[counter] + amount > limit) return false;
    this[counter] += amount;
    return true;
  }
}

/**
 * How a command came to run: routed from an update, as a sub-command, as a Telegram call's
 * callback (`on_result`/`on_error`), or as the `!` error command.
 */
export type InvocationKind = "match" | "reply" | "fallback" | "inline" | "sub" | "callback" | "error" | "scheduled" | "auto_retry" | "http_callback" | "broadcast" | "interop_callback" | "panel_saved" | "web_app" | "webhook";

/** One command about to run, with everything its execution sees (spec/bjs.md §1.4). */
export interface Invocation {
  bot: RunningBot;
  book: CommandBook;
  command: RoutableCommand;
  kind: InvocationKind;
  user: Remembered<BotUser> | null;
  chat: Remembered<Chat> | null;
  message: string | null;
  params: string;
  options: unknown;
  request: unknown;
  tgUpdate: Update | null;
  /** `completed_commands_count`: 0 for the first execution of an interaction. */
  depth: number;
  chain: Chain;
  /** An HTTP callback's answer (BJS's `content`, `http_status`, `http_headers`, `cookies`). */
  http?: RunRequest["http"];
  /** A web request (`WebApp.getUrl`, a Webhooks link): where `WebApp.render` leaves the answer, and whether BJS failed. */
  web?: { rendered?: Rendered; failed?: boolean };
  /**
   * The Keyboard of a command without an Answer: it rides on the first message the run sends
   * to the chat, or goes alone at the end (command-runner.ts). Emptied once sent.
   */
  keyboard?: { rows: unknown[][] | null };
}

/** The platform's public address: its host is BJS's `BB_API_URL`; libraries link to its origin. */
export interface PlatformAddress {
  host: string;
  origin: string;
}

/** The BJS globals of spec/bjs.md §2.2 for an invocation. `user_group` feeds `User.getGroup`. */
export function globalsOf(invocation: Invocation, api: PlatformAddress, quota: { limit: number; used: number }): Record<string, unknown> {
  const { bot, command, user, chat } = invocation;
  return {
    message: invocation.message,
    params: invocation.params,
    options: invocation.options ?? null,
    request: invocation.request ?? null,
    tgUpdate: invocation.tgUpdate,
    completed_commands_count: invocation.depth,
    command: {
      id: command.id,
      name: command.command,
      folder: command.folder,
      need_reply: command.need_reply,
      auto_retry_time: command.auto_retry_time,
      answer: command.answer,
      keyboard: command.keyboard_body,
      group: command.group_title,
    },
    user: user && {
      id: user.row.id,
      telegramid: user.row.telegramid,
      first_name: user.row.first_name,
      last_name: user.row.last_name,
      username: user.row.username,
      language_code: user.row.language_code,
      created_at: user.row.created_at,
      updated_at: user.row.updated_at,
      just_created: user.justCreated,
    },
    user_group: user?.row.user_group ?? null,
    chat: chat && {
      id: chat.row.id,
      chatid: Number(chat.row.chatid),
      bot_id: bot.row.id,
      title: chat.row.title,
      chat_type: chat.row.chat_type,
      user_id: chat.row.user_id,
      created_at: chat.row.created_at,
      updated_at: chat.row.updated_at,
      just_created: chat.justCreated,
    },
    bot: {
      id: bot.row.id,
      name: bot.row.username ?? bot.row.name,
      token: bot.token,
      status: bot.row.status,
      csv_url: bot.row.csv_url,
      last_run_at: bot.row.last_run_at,
      store_bot_id: bot.row.store_bot_id,
      created_at: bot.row.created_at,
      updated_at: bot.row.updated_at,
    },
    owner: { id: bot.owner.id, email: bot.owner.email },
    admins: [],
    iteration_quota: { limit: quota.limit, progress: quota.used, used: quota.used },
    payment_plan: { name: bot.plan.name, iterations_per_month: bot.plan.iterations_per_month },
    BB_API_URL: api.host,
    // Not a BJS global: what a library's platformUrl helper builds links back to the platform from.
    platform_url: api.origin,
    content: invocation.http?.content ?? null,
    http_status: invocation.http?.status ?? null,
    http_headers: invocation.http?.headers ?? null,
    cookies: invocation.http?.cookies ?? null,
  };
}
