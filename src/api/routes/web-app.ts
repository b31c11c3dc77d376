import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { PLATFORM_LOGIN_REFUSED } from "../../accounts/telegram-login.js";
import { NotFoundError } from "../../errors.js";
import type { Platform } from "../../platform.js";
import { countLinkCall } from "../../runtime/lib-webhooks.js";
import { parseId } from "../ids.js";
import { errorSchema } from "../presenters/error.js";
import { sendRendered } from "../rendered-page.js";

const tags = ["Web App"];

/**
 * A bot's web app (spec/bjs.md §2.7), public: the link `WebApp.getUrl` made runs the command,
 * with the query (GET) or the query and body (POST) as `options`, and answers what
 * `WebApp.render` rendered (rendered-page.ts).
 */
export const webAppRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  // A page's own <form> posts url-encoded; its fields become options like a JSON body's.
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))));
  const handler = async (request: { params: { id: string; command: string }; query: Record<string, string>; body?: unknown }, reply: import("fastify").FastifyReply) => {
    const botId = parseId(request.params.id, "Bot");
    const { secret, ...query } = request.query;
    if (!secret || !platform.webApps.check(botId, request.params.command, secret)) throw new NotFoundError("Web app");
    if (platform.telegramLogin.isPlatformLogin(query)) return reply.code(403).send({ error: PLATFORM_LOGIN_REFUSED });
    // Each call is a run the owner pays an iteration for, and a link may leak: as many a minute as a Webhooks link.
    await countLinkCall(platform.attempts, "web-app", botId);
    const body = request.body !== null && typeof request.body === "object" && !Array.isArray(request.body) ? (request.body as Record<string, unknown>) : {};
    const rendered = await platform.webApps.serve(botId, request.params.command, { ...query, ...body });
    if (rendered === "not running") return reply.code(404).send({ error: "The bot is not running" });
    if (rendered === "no command") throw new NotFoundError("Web app");
    if (rendered === "no render") return reply.code(404).send({ error: "The command did not call WebApp.render" });
    return sendRendered(reply, rendered, platform.config.webAppHtml);
  };
  const schema = {
    tags,
    description: "Public: the link is the credential (`secret`, which `WebApp.getUrl` puts in it). The other parameters become the command's `options`.",
    params: z.object({ id: z.string(), command: z.string().describe("The command's name, URL-encoded (`%2Fpage` for `/page`).") }),
    querystring: z.object({ secret: z.string().optional().describe("The link's credential, as WebApp.getUrl wrote it.") }).catchall(z.string()),
    produces: ["application/json", "text/html"],
    response: {
      200: z.unknown().describe("What the command rendered: JSON, or (with WEBAPP_HTML) the page in its own type"),
      403: errorSchema.describe("The query is a Telegram login to the platform, which no bot may read"),
      404: errorSchema,
      429: errorSchema.describe("The bot's pages were called too often this minute (Retry-After)"),
    },
  };
  // No HEAD twin: a link checker's HEAD must not run the command.
  app.get("/v2/bots/:id/web-app/:command", { exposeHeadRoute: false, schema: { ...schema, summary: "Open a web app page" } }, handler);
  app.post("/v2/bots/:id/web-app/:command", { schema: { ...schema, summary: "Post to a web app page", consumes: ["application/json", "application/x-www-form-urlencoded"], body: z.unknown().optional() } }, handler);
};
