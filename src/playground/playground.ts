import type { Message, ReplyKeyboardMarkup } from "@grammyjs/types";
import type { Secrets } from "../accounts/secrets.js";
import { safeEqual } from "../accounts/secrets.js";
import type { Clock } from "../clock.js";
import type { ApiRoot } from "../telegram/bot-api.js";
import { startEmulator, type RunningEmulator } from "../telegram/emulator/index.js";

/** Playground bots' Telegram ids: the bot's own id above this, so two bots never share one. */
const BOT_ID_BASE = 9_000_000_000;
/** Owners' Telegram ids in the playground: their user id above this, the same after a restart. */
const USER_ID_BASE = 8_000_000_000;
/** Longest wait for new messages one request may ask for. */
export const MAX_WAIT_S = 25;

/** A conversation in the playground, as the owner sees it. */
export interface PlaygroundChat {
  chatId: number;
  messages: Message[];
  replyKeyboard: ReplyKeyboardMarkup | null;
}

/** Who talks in the playground: a platform user, by id and a display name. */
export interface PlaygroundUser {
  id: number;
  name: string;
}

/**
 * The playground: a Telegram emulator inside the platform, where owners talk to their bots
 * from the dashboard without Telegram.
 *
 * A bot joins it by taking its playground token, which the platform derives from the bot's id
 * with its secret key (nothing is stored, and no one can make one for another bot). Bot API
 * calls made with such a token go to this emulator and every other token's to
 * TELEGRAM_API_ROOT: `apiRoot` is that choice, the one place the runtime learns of it. The
 * emulator forgets its chats on restart; a playground bot is registered again at its first
 * call, and each owner keeps the same Telegram id, so the bot's data about them stays theirs.
 */
export class Playground {
  private constructor(
    private readonly emulator: RunningEmulator,
    private readonly secrets: Secrets,
    private readonly telegramApiRoot: string,
  ) {}

  /** Starts the emulator on a loopback port of its own. */
  static async start(options: { secrets: Secrets; clock: Clock; telegramApiRoot: string }): Promise<Playground> {
    // Only the Bot API listens (loopback): people act through the platform's routes, never the control API.
    // Update ids go on from the time a bot registers, a thousand a millisecond: its inbox remembers the ids of the run before (safe integers until 2255).
    const emulator = await startEmulator({ clock: options.clock, host: "127.0.0.1", port: 0, httpControl: false, firstUpdateId: () => options.clock.now() * 1000 });
    return new Playground(emulator, options.secrets, options.telegramApiRoot);
  }

  /** Where a token's Bot API calls go: this emulator for playground tokens, Telegram otherwise. */
  readonly apiRoot: ApiRoot = (token) => (this.isPlaygroundToken(token) ? this.register(token) : this.telegramApiRoot);

  /** The token that connects bot `botId` to the playground. */
  tokenFor(botId: number): string {
    return `${BOT_ID_BASE + botId}:pg${this.secrets.hash(`playground:${botId}`).slice(0, 40)}`;
  }

  /** Whether `token` is the playground token of the bot it names. */
  isPlaygroundToken(token: string): boolean {
    const id = Number(/^(\d+):pg[0-9a-f]{40}$/.exec(token)?.[1]) - BOT_ID_BASE;
    return Number.isSafeInteger(id) && id > 0 && safeEqual(token, this.tokenFor(id));
  }

  /** The owner's chat with the bot: every message after `afterMessageId`, and the reply keyboard. */
  chat(token: string, owner: PlaygroundUser, afterMessageId = 0): PlaygroundChat {
    const ref = this.chatRef(token, owner);
    const { control } = this.emulator;
    return {
      chatId: ref.chat_id,
      messages: control.history(ref).filter((message) => message.message_id > afterMessageId),
      replyKeyboard: control.replyKeyboard(ref),
    };
  }

  /**
   * Like `chat`, but when nothing is new yet it waits (up to `waitMs`) for a message or an
   * edit, so the dashboard sees replies as they come without polling fast.
   */
  async nextChat(token: string, owner: PlaygroundUser, afterMessageId: number, waitMs: number, signal?: AbortSignal): Promise<PlaygroundChat> {
    const now = this.chat(token, owner, afterMessageId);
    if (now.messages.length > 0 || waitMs <= 0) return now;
    return new Promise((resolve) => {
      const answer = (chat: PlaygroundChat) => {
        unwatch();
        clearTimeout(timer);
        signal?.removeEventListener("abort", giveUp);
        resolve(chat);
      };
      const giveUp = () => answer(this.chat(token, owner, afterMessageId));
      // Any chat of the emulator changed: answer once this one has something new.
      const unwatch = this.emulator.emulator.world.watch(() => {
        const chat = this.chat(token, owner, afterMessageId);
        if (chat.messages.length > 0) answer(chat);
      });
      const timer = setTimeout(giveUp, waitMs);
      signal?.addEventListener("abort", giveUp, { once: true });
    });
  }

  /** The owner writes to the bot (a command, a reply, a reply-keyboard button's text). */
  sendText(token: string, owner: PlaygroundUser, text: string): Message {
    const ref = this.chatRef(token, owner);
    const { control } = this.emulator;
    const label = control.replyKeyboard(ref)?.keyboard.flat().some((button) => (typeof button === "string" ? button : button.text) === text);
    // A reply-keyboard button is pressed rather than typed: a one-time keyboard then closes.
    return label ? control.pressKeyboardButton({ ...ref, text }) : control.sendText({ ...ref, text });
  }

  /** The owner presses an inline button of a bot message, by its callback data. */
  pressButton(token: string, owner: PlaygroundUser, messageId: number, data: string): void {
    this.emulator.control.pressInlineButton({ ...this.chatRef(token, owner), message_id: messageId, data });
  }

  async close(): Promise<void> {
    await this.emulator.close();
  }

  /** Registers a playground bot with the emulator (again, after a restart); answers its API root. */
  private register(token: string): string {
    const { world } = this.emulator.emulator;
    if (!world.bots.has(token)) {
      const username = `playground_${Number(token.split(":")[0]) - BOT_ID_BASE}_bot`;
      this.emulator.control.registerBot({ token, username, first_name: username });
    }
    return this.emulator.apiRoot;
  }

  private chatRef(token: string, owner: PlaygroundUser): { chat_id: number; bot_id: number; user_id: number } {
    const { world } = this.emulator.emulator;
    this.register(token);
    const botId = world.bots.get(token)!.user.id;
    const userId = USER_ID_BASE + owner.id;
    if (!world.users.has(userId)) world.createUser({ id: userId, first_name: owner.name });
    const { chat } = this.emulator.control.openPrivateChat({ user_id: userId, bot_id: botId });
    return { chat_id: chat.id, bot_id: botId, user_id: userId };
  }
}
