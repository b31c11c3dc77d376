import { Described, type Method, type MethodContext } from "../context.js";
import { badRequest, conflict } from "../errors.js";

const webhookActive = () =>
  conflict("can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");

function dropPendingIfAsked(ctx: MethodContext): void {
  if (ctx.params.boolean("drop_pending_updates")) ctx.bot.updates.clear();
}

function deleteWebhook(ctx: MethodContext): Described {
  dropPendingIfAsked(ctx);
  if (!ctx.bot.webhook) return new Described(true, "Webhook is already deleted");
  ctx.bot.webhook = undefined;
  ctx.webhooks.restart(ctx.bot);
  return new Described(true, "Webhook was deleted");
}

/** Receiving updates: long polling, or a webhook Telegram POSTs them to. */
export const updateMethods: Record<string, Method> = {
  getUpdates: (ctx) => {
    if (ctx.bot.webhook) throw webhookActive();
    return ctx.polling.poll(ctx.bot, {
      offset: ctx.params.integer("offset"),
      limit: Math.min(100, Math.max(1, ctx.params.integer("limit") ?? 100)),
      timeoutS: Math.min(50, Math.max(0, ctx.params.integer("timeout") ?? 0)),
      allowedUpdates: ctx.params.json<string[]>("allowed_updates"),
      signal: ctx.hangUp(),
    });
  },

  setWebhook: (ctx) => {
    const url = ctx.params.string("url") ?? "";
    if (url === "") return deleteWebhook(ctx);
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
    }
    const secretToken = ctx.params.string("secret_token");
    if (secretToken !== undefined && !/^[\w-]{1,256}$/.test(secretToken)) {
      throw badRequest("secret token contains unallowed characters");
    }
    const maxConnections = Math.min(100, Math.max(1, ctx.params.integer("max_connections") ?? 40));
    const allowedUpdates = ctx.params.json<string[]>("allowed_updates");
    const unchanged = ctx.bot.webhook?.url === url;
    dropPendingIfAsked(ctx);
    ctx.bot.updates.allow(allowedUpdates);
    ctx.bot.webhook = { url, secretToken, maxConnections, allowedUpdates: allowedUpdates ?? ctx.bot.webhook?.allowedUpdates };
    ctx.polling.end(ctx.bot, webhookActive());
    ctx.webhooks.restart(ctx.bot);
    return new Described(true, unchanged ? "Webhook is already set" : "Webhook was set");
  },

  deleteWebhook,

  getWebhookInfo: (ctx) => {
    const pending_update_count = ctx.bot.updates.pending.length;
    const webhook = ctx.bot.webhook;
    if (!webhook) return { url: "", has_custom_certificate: false, pending_update_count };
    return {
      url: webhook.url,
      has_custom_certificate: false,
      pending_update_count,
      max_connections: webhook.maxConnections,
      ...(webhook.allowedUpdates && { allowed_updates: webhook.allowedUpdates }),
      ...(webhook.lastErrorDate && { last_error_date: webhook.lastErrorDate, last_error_message: webhook.lastErrorMessage }),
    };
  },
};
