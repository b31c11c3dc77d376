import type { Update } from "@grammyjs/types";
import type { Logger } from "pino";
import type { LinkOutcome, TelegramLogin } from "../accounts/telegram-login.js";
import type { TelegramSender } from "./telegram-sender.js";

const replies: Record<LinkOutcome | "help", string> = {
  linked: "Your Telegram account is now linked to your Botyard account. You can sign in with Telegram.",
  already_linked: "This Telegram account was already linked to your Botyard account.",
  linked_elsewhere: "This Telegram account is linked to another Botyard account. Unlink it there first.",
  invalid_token: "This link has expired or was already used. Ask for a new one in your Botyard account.",
  help: "This is Botyard's login bot. To link your Telegram account, open the link from your Botyard account page.",
};

const LINK_START = /^\/start(?:@\w+)?\s+link_([A-Za-z0-9_-]+)\s*$/;

/**
 * The platform's own login bot (TELEGRAM_LOGIN_BOT_TOKEN): it completes account linking when
 * a user presses Start on a `t.me/<bot>?start=link_<token>` link, and says how to use it
 * otherwise. It runs no BJS.
 */
export class LoginBot {
  constructor(
    private readonly token: string,
    private readonly login: TelegramLogin,
    private readonly sender: TelegramSender,
    private readonly log: Logger,
  ) {}

  async handle(update: Update): Promise<void> {
    const message = update.message;
    if (!message?.from || message.chat.type !== "private" || !message.text?.startsWith("/start")) return;
    const link = LINK_START.exec(message.text);
    const outcome = link ? await this.login.completeLink(link[1]!, message.from) : "help";
    if (link) this.log.info({ telegramId: message.from.id, outcome }, "login bot: account link");
    await this.sender.call(this.token, "sendMessage", { chat_id: message.chat.id, text: replies[outcome] });
  }
}
