import type { Update } from "@grammyjs/types";
import type { CommandBook, RoutableCommand } from "./command-book.js";

/** A "Wait for answer" opened earlier for this user in this chat (spec/bjs.md §1.5). */
export interface PendingWait {
  commandId: number;
  options: unknown;
}

/** What the router knows besides the update. */
export interface RouteInput {
  update: Update;
  /** The bot's Telegram username, to strip `/cmd@ThisBot` in groups. */
  botUsername: string | null;
  wait: PendingWait | null;
  /** The user's BB group (`User.addToGroup`), for commands restricted to a group. */
  userGroup: string | null;
}

/** How the selected command was reached. */
export type RouteKind = "match" | "reply" | "fallback" | "inline";

/** The selected command and the execution variables of spec/bjs.md §1.4. */
export interface Route {
  command: RoutableCommand;
  kind: RouteKind;
  message: string | null;
  params: string;
  /** The inner Telegram object: Message, CallbackQuery, InlineQuery. */
  request: unknown;
  /** Restored from the wait when a waiting command takes the reply. */
  options: unknown;
}

/** The router's verdict: a route or none, and what becomes of a pending wait. */
export interface Routing {
  route: Route | null;
  /** The pending wait is over: consumed by its reply, or cancelled by a matching command. */
  waitEnded: boolean;
}

/** The selection text and the inner object of an update (spec/bjs.md §1.3 step 2). */
export function selection(update: Update): { text: string | null; request: unknown; inline: boolean } {
  if (update.message) return { text: update.message.text ?? null, request: update.message, inline: false };
  if (update.callback_query) return { text: update.callback_query.data ?? null, request: update.callback_query, inline: false };
  if (update.inline_query) return { text: update.inline_query.query, request: update.inline_query, inline: true };
  const other = update.edited_message ?? update.channel_post ?? update.edited_channel_post ?? update.my_chat_member ?? update.chat_member ?? update.chat_join_request ?? update.poll_answer ?? update.pre_checkout_query ?? update.shipping_query ?? update.poll ?? update.chosen_inline_result;
  return { text: null, request: other ?? null, inline: false };
}

/** `/cmd@ThisBot` → `/cmd`; a suffix naming another bot is left alone (spec §1.3 step 8). */
function stripBotSuffix(token: string, botUsername: string | null): string {
  const at = token.indexOf("@");
  if (at <= 0 || !botUsername) return token;
  return token.slice(at + 1).toLowerCase() === botUsername.toLowerCase() ? token.slice(0, at) : token;
}

/** Whether a user of that group may run the command: a group-restricted command only for its group (§1.8). */
export function allowedFor(userGroup: string | null): (command: RoutableCommand) => boolean {
  return (command) => !command.group_title || command.group_title === userGroup;
}


/**
 * Matches text to a command (spec §1.3 step 4): the exact name, then the trimmed text as an
 * alias, then the first token as a name or alias with the rest as `params`.
 */
export function matchText(
  book: CommandBook,
  text: string,
  options: { botUsername: string | null; allowed: (command: RoutableCommand) => boolean },
): { command: RoutableCommand; params: string } | null {
  const usable = (command: RoutableCommand | undefined) => (command && options.allowed(command) ? command : undefined);
  const whole = usable(book.exact(stripBotSuffix(text, options.botUsername)));
  if (whole) return { command: whole, params: "" };
  const space = text.indexOf(" ");
  if (space <= 0) return null;
  const head = usable(book.exact(stripBotSuffix(text.slice(0, space), options.botUsername)));
  return head ? { command: head, params: text.slice(space + 1) } : null;
}

/**
 * The command a text names in the bot's own calls (a sub-command, a callback, a stored run, a
 * broadcast's recipients): no user-group restriction applies to them.
 */
export function commandNamed(book: CommandBook, text: string, botUsername: string | null): { command: RoutableCommand; params: string } | null {
  return matchText(book, text, { botUsername, allowed: () => true });
}

/** Picks the command an update runs, per spec/bjs.md §1.3 to §1.8. */
export function route(book: CommandBook, input: RouteInput): Routing {
  const { text, request, inline } = selection(input.update);
  const allowed = allowedFor(input.userGroup);
  if (inline) {
    const handler = book.named("/inlineQuery");
    return { route: handler ? { command: handler, kind: "inline", message: text, params: "", request, options: null } : null, waitEnded: false };
  }
  const matched = text !== null ? matchText(book, text, { botUsername: input.botUsername, allowed }) : null;
  if (matched) {
    return { route: { command: matched.command, kind: "match", message: text, params: matched.params, request, options: null }, waitEnded: input.wait !== null };
  }
  const waiting = input.wait ? book.withId(input.wait.commandId) : undefined;
  if (input.wait) {
    if (waiting) return { route: { command: waiting, kind: "reply", message: text, params: "", request, options: input.wait.options }, waitEnded: true };
    // The waiting command was deleted since: the wait is void.
  }
  const fallback = book.named("*");
  return {
    route: fallback && allowed(fallback) ? { command: fallback, kind: "fallback", message: text, params: "", request, options: null } : null,
    waitEnded: input.wait !== null,
  };
}
