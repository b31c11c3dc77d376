import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Platform } from "../../platform.js";
import { answerPage } from "../listing.js";
import { pageQuery } from "../pagination.js";
import { requireBot } from "../policies/bot-access.js";
import { errorLogSchema, presentErrorLog } from "../presenters/error-log.js";
import { messageSchema } from "../presenters/message.js";

const tags = ["Bots"];
const params = z.object({ id: z.string() });

/** A bot's error log. */
export const errorLogRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.addHook("preValidation", requireBot(platform));

  app.get(
    "/v2/bots/:id/error_logs",
    { schema: { tags, summary: "Get error log", description: "Newest first.", params, querystring: z.object(pageQuery), response: { 200: z.array(errorLogSchema) } } },
    (request, reply) => answerPage(request, reply, request.query, (window) => platform.errorLog.list(request.bot.id, window), presentErrorLog),
  );

  app.delete("/v2/bots/:id/error_logs", { schema: { tags, summary: "Clear error logs", params, response: { 200: messageSchema } } }, async (request) => {
    await platform.errorLog.clear(request.bot.id);
    return { message: "Error logs cleared" };
  });
};
