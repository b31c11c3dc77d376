import type { CallbackQuery, Chat, InlineQuery, Message, User, UserFromGetMe } from "@grammyjs/types";
import type { ChatInfo, ChatRef, ControlApi, ControlMethod } from "./control.js";

/** Carries one control call: over HTTP (a URL) or straight into an in-process ControlApi. */
export type ControlTransport = (method: string, params: unknown) => Promise<unknown>;

/** A control call the emulator refused (unknown user, no such button, a wait timed out...). */
export class EmulatorControlError extends Error {}

type Input<M extends ControlMethod> = Parameters<ControlApi[M]>[0];
type Output<M extends ControlMethod> = Awaited<ReturnType<ControlApi[M]>>;

function httpTransport(url: string): ControlTransport {
  const base = url.replace(/\/+$/, "");
  return async (method, params) => {
    const response = await fetch(`${base}/control/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(params ?? {}),
    });
    const body = (await response.json()) as { ok: boolean; result?: unknown; description?: string };
    if (!body.ok) throw new EmulatorControlError(body.description);
    return body.result;
  };
}

/** Calls an in-process ControlApi directly (no HTTP); errors surface as EmulatorControlError. */
export function directTransport(control: ControlApi): ControlTransport {
  return async (method, params) => {
    try {
      const result = await (control[method as ControlMethod] as (p: unknown) => unknown).call(control, params ?? {});
      return structuredClone(result); // the caller gets a snapshot, as over HTTP
    } catch (error) {
      throw new EmulatorControlError((error as Error).message);
    }
  };
}

/**
 * The typed client tests use to play Telegram's users against a bot:
 *
 * ```ts
 * const emu = new EmulatorClient(emulator.url);
 * const bot = await emu.registerBot({ username: "shop_bot" });
 * const alice = await emu.createUser({ first_name: "Alice" });
 * const chat = await alice.privateChat(bot);
 * await alice.start(chat, "ref42");
 * const reply = await chat.waitForReply();
 * await alice.pressButton(reply, "buy");
 * ```
 */
export class EmulatorClient {
  private readonly transport: ControlTransport;

  constructor(target: string | ControlTransport) {
    this.transport = typeof target === "string" ? httpTransport(target) : target;
  }

  /** One raw control call, typed by the ControlApi method it names. */
  call<M extends ControlMethod>(method: M, params: Input<M>): Promise<Output<M>> {
    return this.transport(method, params) as Promise<Output<M>>;
  }

  async registerBot(options: Input<"registerBot"> = {}): Promise<BotHandle> {
    const { token, user } = await this.call("registerBot", options);
    return new BotHandle(token, user);
  }

  async createUser(options: Input<"createUser">): Promise<UserHandle> {
    return new UserHandle(this, await this.call("createUser", options));
  }

  /** A group (or supergroup) with these members; the first human owns it. */
  async createGroup(options: {
    title: string;
    type?: "group" | "supergroup";
    username?: string;
    members: Array<UserHandle | BotHandle>;
    admins?: Array<UserHandle | BotHandle>;
  }): Promise<ChatHandle> {
    const { members, admins = [], ...rest } = options;
    const info = await this.call("createGroup", { ...rest, member_ids: members.map((m) => m.id), admin_ids: admins.map((a) => a.id) });
    return new ChatHandle(this, info);
  }

  /** The bot's answer to a callback or inline query, once it comes. */
  answerTo(query: CallbackQuery | InlineQuery, options: { timeoutMs?: number } = {}): Promise<Record<string, unknown>> {
    return this.call("waitForAnswer", { query_id: query.id, timeout_ms: options.timeoutMs });
  }

  /** The next `count` calls of `method` answer 500 or 429 (with `retryAfter`), or hang. */
  injectFault(fault: { method: string; kind: 500 | 429 | "hang"; count?: number; retryAfter?: number }): Promise<true> {
    const { retryAfter, ...rest } = fault;
    return this.call("injectFault", { ...rest, retry_after: retryAfter });
  }

  /** Delays calls of `method` (every method without one) by `ms`. */
  setLatency(latency: { method?: string; ms: number }): Promise<true> {
    return this.call("setLatency", latency);
  }

  counters(): Promise<Output<"counters">> {
    return this.call("counters", undefined);
  }

  reset(): Promise<true> {
    return this.call("reset", undefined);
  }
}

/** A registered bot: give `token` to the bot under test. */
export class BotHandle {
  readonly id: number;

  constructor(
    readonly token: string,
    readonly user: UserFromGetMe,
  ) {
    this.id = user.id;
  }

  get username(): string {
    return this.user.username;
  }
}

/** A chat as a test sees it; it remembers which bot messages the test has already waited for. */
export class ChatHandle {
  readonly chat: Chat;
  private seen: number;

  constructor(
    private readonly client: EmulatorClient,
    info: ChatInfo,
    /** The bot of a private chat (its messages live in that bot's history with the user). */
    readonly bot?: BotHandle,
  ) {
    this.chat = info.chat;
    this.seen = info.last_message_id;
  }

  get id(): number {
    return this.chat.id;
  }

  /** How control calls name this chat. */
  get ref(): ChatRef {
    return { chat_id: this.chat.id, bot_id: this.bot?.id };
  }

  /**
   * The next `count` bot messages after those already waited for (in a group, optionally
   * only `from` one bot); fails after `timeoutMs` (default 5000).
   */
  async waitForBotMessages(options: { count?: number; timeoutMs?: number; from?: BotHandle } = {}): Promise<Message[]> {
    const messages = await this.client.call("waitForBotMessages", {
      chat_id: this.chat.id,
      bot_id: options.from?.id ?? this.bot?.id,
      count: options.count,
      after_message_id: this.seen,
      timeout_ms: options.timeoutMs,
    });
    this.seen = messages.at(-1)?.message_id ?? this.seen;
    return messages;
  }

  /** The bot's next message. */
  async waitForReply(options: { timeoutMs?: number; from?: BotHandle } = {}): Promise<Message> {
    const [message] = await this.waitForBotMessages({ ...options, count: 1 });
    return message!;
  }

  /** Every message in the chat now, oldest first. */
  history(): Promise<Message[]> {
    return this.client.call("history", this.ref);
  }

  /** The reply keyboard the bot shows here, or null. */
  replyKeyboard(): Promise<Output<"replyKeyboard">> {
    return this.client.call("replyKeyboard", this.ref);
  }

  /** Adds a user or a bot to this group, as member `by` does. */
  add(member: UserHandle | BotHandle, options: { by: UserHandle }): Promise<Message> {
    return this.client.call("joinGroup", { user_id: member.id, chat_id: this.chat.id, added_by: options.by.id });
  }
}

/** A Telegram user the test acts as. */
export class UserHandle {
  readonly id: number;

  constructor(
    private readonly client: EmulatorClient,
    readonly user: User,
  ) {
    this.id = user.id;
  }

  /** The user's private chat with the bot (opened if new). */
  async privateChat(bot: BotHandle): Promise<ChatHandle> {
    return new ChatHandle(this.client, await this.client.call("openPrivateChat", { user_id: this.id, bot_id: bot.id }), bot);
  }

  sendText(chat: ChatHandle, text: string, options: { replyTo?: Message } = {}): Promise<Message> {
    return this.client.call("sendText", { ...this.in(chat), text, reply_to_message_id: options.replyTo?.message_id });
  }

  /** `/command payload`; in a group, addressed as `/command@bot` when `to` is given. */
  command(chat: ChatHandle, command: string, payload?: string, options: { to?: BotHandle } = {}): Promise<Message> {
    const name = options.to ? `/${command}@${options.to.username}` : `/${command}`;
    return this.sendText(chat, payload ? `${name} ${payload}` : name);
  }

  /** `/start`, with a deep-link parameter as t.me/<bot>?start=<payload> sends it. */
  start(chat: ChatHandle, payload?: string): Promise<Message> {
    return this.command(chat, "start", payload);
  }

  /** Presses a button of the reply keyboard the bot shows in the chat. */
  pressKeyboardButton(chat: ChatHandle, text: string): Promise<Message> {
    return this.client.call("pressKeyboardButton", { ...this.in(chat), text });
  }

  /** Presses an inline button of a bot message, named by its callback_data or `{text}`. */
  pressButton(message: Message, button: string | { data?: string; text?: string }): Promise<CallbackQuery> {
    const which = typeof button === "string" ? { data: button } : button;
    return this.client.call("pressInlineButton", {
      user_id: this.id,
      chat_id: message.chat.id,
      bot_id: message.from?.id,
      message_id: message.message_id,
      ...which,
    });
  }

  inlineQuery(bot: BotHandle, query: string, offset?: string): Promise<InlineQuery> {
    return this.client.call("sendInlineQuery", { user_id: this.id, bot_id: bot.id, query, offset });
  }

  sendPhoto(chat: ChatHandle, options: { caption?: string; data?: Buffer; filename?: string } = {}): Promise<Message> {
    const { data, ...rest } = options;
    return this.client.call("sendPhoto", { ...this.in(chat), ...rest, data_base64: data?.toString("base64") });
  }

  /** Shares a contact, the user's own by default. */
  sendContact(chat: ChatHandle, contact?: { phone_number: string; first_name: string; last_name?: string }): Promise<Message> {
    return this.client.call("sendContact", { ...this.in(chat), ...contact });
  }

  sendLocation(chat: ChatHandle, latitude: number, longitude: number): Promise<Message> {
    return this.client.call("sendLocation", { ...this.in(chat), latitude, longitude });
  }

  /** Joins a group: its bots see a new_chat_members message. */
  join(group: ChatHandle): Promise<Message> {
    return this.client.call("joinGroup", { user_id: this.id, chat_id: group.id });
  }

  block(bot: BotHandle): Promise<true> {
    return this.client.call("blockBot", { user_id: this.id, bot_id: bot.id });
  }

  unblock(bot: BotHandle): Promise<true> {
    return this.client.call("unblockBot", { user_id: this.id, bot_id: bot.id });
  }

  private in(chat: ChatHandle): ChatRef & { user_id: number } {
    return { user_id: this.id, ...chat.ref };
  }
}
