import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { PROPERTY_SCOPES, PROPERTY_TYPES } from "../../bots/properties.js";
import type { Platform } from "../../platform.js";
import { parseId } from "../ids.js";
import { answerPage } from "../listing.js";
import { pageQuery } from "../pagination.js";
import { queryWhole } from "../query-whole.js";
import { requireBot } from "../policies/bot-access.js";
import { messageSchema } from "../presenters/message.js";
import { presentProperty, propertySchema } from "../presenters/property.js";

const tags = ["Properties"];

/** A bot's properties (bot- and user-scoped). */
export const propertyRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.addHook("preValidation", requireBot(platform));

  app.get(
    "/v2/bots/:id/properties",
    {
      schema: {
        tags,
        summary: "Get properties",
        description: "In id order; `user_id` is the internal user id, `name` matches exactly.",
        params: z.object({ id: z.string() }),
        querystring: z.object({
          ...pageQuery,
          scope: z.enum(PROPERTY_SCOPES).optional().describe("Only the bot's own properties, or only its users'."),
          user_id: queryWhole("User id").describe("Only this user's properties (the internal user id, as in Chat.user_id)."),
          name: z.string().max(255).optional().describe("Only properties with exactly this name."),
          type: z.enum(PROPERTY_TYPES).optional().describe("Only properties of this value type."),
        }),
        response: { 200: z.array(propertySchema) },
      },
    },
    (request, reply) => {
      const { scope, user_id: userId, name, type } = request.query;
      return answerPage(request, reply, request.query, (window) => platform.properties.list(request.bot.id, { scope, userId, name, type }, window), presentProperty);
    },
  );

  app.delete(
    "/v2/bots/:id/properties/:property_id",
    { schema: { tags, summary: "Delete property", params: z.object({ id: z.string(), property_id: z.string() }), response: { 200: messageSchema } } },
    async (request) => {
      await platform.properties.delete(request.bot.id, parseId(request.params.property_id, "Property"));
      return { message: "Property deleted" };
    },
  );
};
