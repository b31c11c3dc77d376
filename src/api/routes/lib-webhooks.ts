import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { PLATFORM_LOGIN_REFUSED } from "../../accounts/telegram-login.js";
import { NotFoundError } from "../../errors.js";
import { publicOrigin, type Platform } from "../../platform.js";
import { acceptWebhook, MAX_WEBHOOK_BODY_BYTES } from "../../runtime/lib-webhooks.js";
import { parseId } from "../ids.js";
import { errorSchema } from "../presenters/error.js";
import { isJson, sendRendered } from "../rendered-page.js";

/**
 * The Webhooks library's intake (spec/bjs.md §2.8, item 30), public: the link is the
 * credential. Any body is taken as it is (a provider's JSON, a form, text): the command reads
 * it raw as `content`, which is what a signature (`X-Hub-Signature-256`) is computed over.
 * The run is stored first, so the call is handled even if the process stops; the command runs
 * on the job layer. The caller then waits for it, up to WEBHOOK_ANSWER_WAIT_MS (decision on spec
 * Appendix A.15): what `WebApp.render` left in it is the answer, as Bots.Business answers; 503
 * when its BJS failed; else, or once the wait is up, `{"ok": true}`. With `redirect_to`, the
 * caller is sent there at once.
 */
export const libWebhookRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));
  const origin = publicOrigin(platform.config);
  const waitMs = platform.config.webhookAnswerWaitMs;

  const handler = async (request: import("fastify").FastifyRequest<{ Params: { bot_id: string }; Querystring: Record<string, string> }>, reply: import("fastify").FastifyReply) => {
    if (platform.telegramLogin.isPlatformLogin(request.query)) return reply.code(403).send({ error: PLATFORM_LOGIN_REFUSED });
    const redirect = request.query.redirect_to;
    if (redirect !== undefined && !(/^https?:\/\//i.test(redirect) && URL.canParse(redirect))) return reply.code(400).send({ error: "redirect_to must be an http or https URL" });
    const botId = parseId(request.params.bot_id, "Bot");
    // Waiting starts before the run is stored: it may run, elsewhere, before this goes on.
    const waiter = redirect === undefined && waitMs > 0 ? platform.runAnswers.expect(waitMs) : undefined;
    const outcome = await acceptWebhook({ bots: platform.bots.store, botUsers: platform.botUsers, jobs: platform.jobs, attempts: platform.attempts }, {
      botId,
      query: request.query,
      method: request.method,
      url: `${origin}${request.url}`,
      headers: request.headers,
      ip: request.ip,
      body: typeof request.body === "string" ? request.body : "",
      answerTo: waiter?.id,
    }).catch((error: unknown) => {
      waiter?.cancel();
      throw error;
    });
    if (outcome !== "accepted") waiter?.cancel();
    if (outcome === "no bot") throw new NotFoundError("Bot");
    if (outcome === "no command") return reply.code(400).send({ error: "The link names no command (command=...)" });
    if (outcome === "bad token") return reply.code(403).send({ error: "The link's public_user_token is not valid for this bot, user and command" });
    if (outcome === "bad redirect") return reply.code(403).send({ error: "The link's redirect_token is not valid for its redirect_to: make the link again with Libs.Webhooks.getUrlFor" });
    if (outcome === "not running") return reply.code(404).send({ error: "The bot is not running" });
    if (redirect !== undefined) {
      // As URL writes it: a header takes ASCII only. A target without a fragment would inherit this address's (where Telegram puts a login).
      const target = new URL(redirect).href;
      return reply.code(302).header("location", target.includes("#") ? target : `${target}#`).send({ ok: true });
    }
    const answer = await waiter?.answer;
    if (answer?.failed) return reply.code(503).send({ error: "The command failed: its error is in the bot's error log" });
    // A page the server may not serve (HTML while WEBAPP_HTML is off) is no failure of the call, which ran: a provider must not send it again.
    if (answer?.rendered && (isJson(answer.rendered) || platform.config.webAppHtml)) return sendRendered(reply, answer.rendered, true);
    return { ok: true as const };
  };
  const schema = {
    tags: ["Runtime"],
    description:
      "Public: the link `Libs.Webhooks.getUrlFor` made is the credential. Runs the command as a durable run with the request as `options` ({url, method, params, headers, ip}) and the raw body (or the `content` query value) as `content`, and answers what it rendered.",
    params: z.object({ bot_id: z.string() }),
    querystring: z
      .object({
        command: z.string().optional().describe("The command to run."),
        public_user_token: z.string().optional().describe("The link's token."),
        user_id: z.string().optional().describe("The user the command runs as (Botyard's id), empty for none."),
        content: z.string().optional().describe("The content when the request has no body."),
        redirect_to: z.string().optional().describe("Where to send the caller's browser once the run is stored."),
        redirect_token: z.string().optional().describe("The token of redirect_to, made with the link: without it, or with another target, the call is refused."),
      })
      .catchall(z.string()),
    produces: ["application/json", "text/html"],
    response: {
      200: z
        .unknown()
        .describe('What the command rendered with WebApp.render (JSON; another type with WEBAPP_HTML); {"ok": true} when it rendered nothing, or was not done within WEBHOOK_ANSWER_WAIT_MS (it runs all the same)'),
      302: z.object({ ok: z.literal(true) }).describe("The run is stored; the caller goes to redirect_to (Location)"),
      400: errorSchema,
      403: errorSchema.describe("The token or the redirect's token is not valid, or the query is a Telegram login to the platform, which no bot may read"),
      404: errorSchema,
      429: errorSchema.describe("The bot's links were called too often this minute (Retry-After)"),
      503: errorSchema.describe("The command's BJS failed (the bot's error log says why)"),
    },
  };
  // No HEAD twin: a link checker's HEAD must not run the command.
  app.get("/v1/bots/:bot_id/new-webhook", { exposeHeadRoute: false, schema: { ...schema, summary: "Call a Webhooks library link" } }, handler);
  app.post(
    "/v1/bots/:bot_id/new-webhook",
    { bodyLimit: MAX_WEBHOOK_BODY_BYTES, schema: { ...schema, summary: "Post to a Webhooks library link", body: z.unknown().optional(), response: { ...schema.response, 413: errorSchema } } },
    handler,
  );
};
