import type { Update } from "@grammyjs/types";
import type { Logger } from "pino";
import type { LinkOutcome, TelegramLogin } from "../accounts/telegram-login.js";
import type { Platform } from "../platform.js";

import { defaultPollingOptions, PollingLoop } from "./intake/polling.js";
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
    if (link) this.log.info({ telegram_id: message.from.id, outcome }, "login bot: account link");
    await this.sender.call(this.token, "sendMessage", { chat_id: message.chat.id, text: replies[outcome] });
  }
}

/**
 * Runs the login bot when TELEGRAM_LOGIN_BOT_TOKEN is set: long polling (it needs no public
 * address), each update handled as it comes. Answers the loop to stop, or undefined.
 */
export async function runLoginBot(platform: Platform): Promise<PollingLoop | undefined> {
  const { config, log, sender } = platform;
  const token = config.telegramLoginBotToken;
  if (!token) return undefined;
  const bot = new LoginBot(token, platform.telegramLogin, sender, log);
  try {
    // getUpdates answers 409 while a webhook is set.
    await sender.call(token, "deleteWebhook", {}, { retry: false });
  } catch (error) {
    log.warn({ err: error }, "login bot: could not remove its webhook; polling will retry");
  }
  const intake = {
    async accept(_botId: number, updates: readonly Update[]) {
      for (const update of updates) {
        try {
          await bot.handle(update);
        } catch (error) {
          log.error({ err: error }, "login bot: update failed");
        }
      }
      return updates.length;
    },
  };
  const loop = new PollingLoop(0, token, intake, log, { ...defaultPollingOptions, apiRoot: config.telegramApiRoot, allowedUpdates: ["message"] }, async (reason) => {
    log.error({ reason }, "login bot: Telegram refused TELEGRAM_LOGIN_BOT_TOKEN; Telegram login linking is off");
  });
  loop.start();
  return loop;
}
