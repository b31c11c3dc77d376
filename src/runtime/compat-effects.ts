import type { AttemptLimiter } from "../accounts/attempt-limiter.js";
import type { UserStore } from "../accounts/users.js";
import type { AdminPanelStore, PanelDefinition } from "../bots/admin-panels.js";
import type { BotStore } from "../bots/bots.js";
import type { ChatStore } from "../bots/chats.js";
import type { ListStore } from "../bots/lists.js";
import type { PropertyStore, PropertyType } from "../bots/properties.js";
import { PROPERTY_TYPES } from "../bots/properties.js";
import { AppError } from "../errors.js";
import type { InteropService } from "../interop/service.js";
import type { Action, ApiAction, InstallBotAction, ListAction } from "./actions.js";
import type { CommandCache } from "./command-cache.js";
import type { Invocation } from "./invocation.js";

/** An action of this file's kinds. */
export type CompatAction = Extract<Action, { type: "chatMessage" | "setPanel" | "setPanelField" | "deletePanel" | "installBot" | "list" | "setCache" | "clearCache" | "render" }>;

export interface CompatEffectsDeps {
  panels: AdminPanelStore;
  lists: ListStore;
  chats: ChatStore;
  users: UserStore;
  bots: BotStore;
  properties: PropertyStore;
  interop: Pick<InteropService, "copy">;
  cache: CommandCache;
  /** Counts `BBAdmin.installBot` copies per owner, so no owner can fill other accounts with bots. */
  attempts: AttemptLimiter;
  /** A Telegram call as BJS's `Api.*` makes it. */
  telegram(action: ApiAction, invocation: Invocation): Promise<void>;
  /** The internal id of a user of this bot, or undefined. */
  userOfBot(invocation: Invocation, userId: number): Promise<number | undefined>;
}

/** Copies one owner may make for other accounts in a day (the spec's "anti-abuse checks"). */
export const BOT_INSTALLS_PER_DAY = 10;
/** And counts the copies one account receives, whoever sends them: several owners together may not fill an account either. */
export const BOT_INSTALLS_RECEIVED_PER_DAY = 3;

/** Something BJS asked for that cannot be done; logged in the bot's error log. */
class CompatError extends AppError {}

/**
 * Applies the actions of AdminPanel, BBAdmin, List, caching, Git/CSV tasks, web apps and
 * `Bot.sendMessageToChat` (spec/bjs.md §2.3, §2.7, §2.9, §2.11, §2.12, §7).
 */
export class CompatEffects {
  constructor(private readonly deps: CompatEffectsDeps) {}

  async apply(action: CompatAction, invocation: Invocation): Promise<void> {
    const botId = invocation.bot.row.id;
    const { panels } = this.deps;
    switch (action.type) {
      case "chatMessage": {
        const chat = await this.deps.chats.byTitle(botId, action.title);
        if (!chat) throw new CompatError(`Bot.sendMessageToChat: the bot has no chat titled "${action.title}"`);
        return this.deps.telegram({ type: "api", method: "sendMessage", params: { ...action.params, chat_id: Number(chat.chatid) } }, invocation);
      }
      case "setPanel":
        await panels.setPanel(botId, action.panel_name, action.data as PanelDefinition, { force: action.force });
        return;
      case "setPanelField":
        await panels.setFieldValue(botId, action.panel_name, action.field_name, action.value);
        return;
      case "deletePanel":
        await panels.deletePanel(botId, action.panel_name);
        return;
      case "installBot":
        return this.installBot(action, invocation);
      case "list":
        return this.list(action, invocation);
      case "setCache":
        // The runner keeps the run's actions when it sees this one (command-runner.ts).
        return;
      case "clearCache": {
        const command = invocation.book.named(action.command);
        if (!command) throw new CompatError(`${action.scope === "bot" ? "Bot" : "User"}.clearCache: there is no command ${action.command}`);
        const userId = action.scope === "user" ? invocation.user?.row.id : 0;
        if (userId === undefined) throw new CompatError("User.clearCache: user is not defined");
        await this.deps.cache.clear({ botId, commandId: command.id, userId });
        return;
      }
      case "render": {
        if (!invocation.web) {
          // A Webhooks link's run that nobody waits for (its caller was sent on to redirect_to).
          if (invocation.chain.fromWebhookLink) return;
          throw new CompatError("WebApp.render answers a web request: open this command through WebApp.getUrl, or a Webhooks link");
        }
        const { content, mime_type } = action;
        const text = typeof content === "string" ? content : JSON.stringify(content ?? null);
        invocation.web.rendered = { content: text, mime: mime_type ?? (typeof content === "string" ? "text/html" : "application/json") };
        return;
      }
    }
  }

  private async list(action: ListAction, invocation: Invocation): Promise<void> {
    const { lists } = this.deps;
    const listUser = action.list.user_id === undefined ? 0 : await this.deps.userOfBot(invocation, action.list.user_id);
    if (listUser === undefined) throw new CompatError(`List ${action.list.name}: user ${action.list.user_id} is not a user of this bot`);
    const key = { botId: invocation.bot.row.id, userId: listUser, name: action.list.name };
    const creates = action.op === "create" || action.op === "addUser";
    const charge = invocation.chain.storing(`List ${action.list.name}`);
    const list = creates ? await lists.ensure(key, charge) : await lists.find(key);
    if (!list) return;
    switch (action.op) {
      case "create":
        return;
      case "remove":
        return lists.remove(list);
      case "addUser":
        return lists.addUser(list, action.user_id!, charge);
      case "rejectUser":
        return lists.rejectUsers(list, action.user_id!);
      case "rejectAllUsers":
        return lists.rejectUsers(list);
      case "rejectProperty":
        return lists.rejectProperties(list, action.property!);
      case "removeProperty":
        return lists.removeProperties(list, action.property!);
      case "removeAll":
        await lists.removeProperties(list);
        return lists.remove(list);
      case "rejectAll":
        return lists.removeProperties(list);
    }
  }

  /**
   * `BBAdmin.installBot` / `cloneBot`: a copy of one of this owner's bots (code, bot-wide
   * properties, panels) made for the account with that email, stopped (it has no token yet).
   */
  private async installBot(action: InstallBotAction, invocation: Invocation): Promise<void> {
    const source = await this.deps.bots.byId(action.bot_id);
    if (!source || source.owner_id !== invocation.bot.owner.id) throw new CompatError(`BBAdmin.installBot: bot ${action.bot_id} is not a bot of this owner`);
    const allowed = await this.deps.attempts.hit(`bot-install:${invocation.bot.owner.id}`, BOT_INSTALLS_PER_DAY, 86_400);
    if (!allowed.allowed) throw new CompatError(`BBAdmin.installBot: an owner may install ${BOT_INSTALLS_PER_DAY} bots a day in other accounts; try again in ${Math.ceil(allowed.retryAfterS / 3600)} h`);
    // One answer for a missing account and a full one, so the log is no way to test emails.
    const refused = new CompatError("BBAdmin.installBot: no copy was made for that email (no such account, or it has no room for another bot)");
    const owner = await this.deps.users.byEmail(action.email);
    if (!owner) throw refused;
    if (!(await this.deps.attempts.hit(`bot-installed-in:${owner.id}`, BOT_INSTALLS_RECEIVED_PER_DAY, 86_400)).allowed) throw refused;
    const copy = await this.deps.interop.copy(owner, source).catch((error: unknown) => {
      if (error instanceof AppError) throw refused;
      throw error;
    });
    const given = action.bot_properties ?? [];
    const properties = Array.isArray(given) ? given : Object.entries(given).map(([name, value]) => ({ name, value, type: undefined }));
    try {
      for (const { name, value, type } of properties) {
        const known = PROPERTY_TYPES.includes(type as PropertyType) ? (type as PropertyType) : undefined;
        await this.deps.properties.set(copy.id, "bot", name, value, { type: known, charge: invocation.chain.storing(`Property ${name}`) });
      }
    } catch (error) {
      // A property refused (past what the update may store): no half-made copy is left in the other account.
      await this.deps.bots.delete(copy);
      throw error;
    }
  }
}
