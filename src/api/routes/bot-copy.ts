import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Platform } from "../../platform.js";
import { requireBot } from "../policies/bot-access.js";
import { botSchema, presentBotNow } from "../presenters/bot.js";
import { botNameSchema } from "../bot-name.js";
import { mayAnswer } from "../presenters/error.js";

const tags = ["Bots"];
/** One operation per method, so each has its own operationId. */
const schemaFor = (method: "GET" | "POST") => ({
  tags,
  summary: method === "GET" ? "Copy Bot" : "Copy Bot by POST",
  description: "A new stopped bot without a token, with the commands, folders, libraries, bot properties and admin panels; chats and user data are not copied. GET as the reference has it; POST also works.",
  params: z.object({ id: z.string() }),
  querystring: z.object({ name: botNameSchema.optional().describe("The copy's name; \"<name> (copy)\" when left out.") }),
  response: { 200: botSchema, ...mayAnswer(403) },
});

/** Copy Bot (spec/api.md). */
export const botCopyRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.addHook("preValidation", requireBot(platform));
  for (const method of ["GET", "POST"] as const) {
    app.route({
      method,
      url: "/v2/bots/:id/copy",
      // HEAD must change nothing (RFC 9110 §9.3.2), and this GET creates a bot.
      exposeHeadRoute: false,
      schema: schemaFor(method),
      handler: async (request) => {
        const copy = await platform.interop.copy(request.user, request.bot, request.query.name);
        return presentBotNow(platform, request.user.id, copy.id);
      },
    });
  }
};
