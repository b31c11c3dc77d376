import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { CHAT_TYPES } from "../../bots/chats.js";
import type { Platform } from "../../platform.js";
import { parseId } from "../ids.js";
import { answerPage } from "../listing.js";
import { pageQuery } from "../pagination.js";
import { requireBot } from "../policies/bot-access.js";
import { chatSchema, presentChat } from "../presenters/chat.js";

const tags = ["Chats"];
const chatParams = z.object({ id: z.string(), bb_chat_id: z.string() });

/** A bot's chats and their administrator block. */
export const chatRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.addHook("preValidation", requireBot(platform));

  app.get(
    "/v2/bots/:id/chats",
    {
      schema: {
        tags,
        summary: "Get chats",
        params: z.object({ id: z.string() }),
        querystring: z.object({ ...pageQuery, chat_type: z.enum(CHAT_TYPES).optional().describe("Only chats of this type.") }),
        response: { 200: z.array(chatSchema) },
      },
    },
    (request, reply) =>
      answerPage(request, reply, request.query, (window) => platform.chats.list(request.bot.id, { chatType: request.query.chat_type }, window), presentChat),
  );

  for (const [action, blocked] of [["block", true], ["unblock", false]] as const) {
    app.post(
      `/v2/bots/:id/chats/:bb_chat_id/${action}`,
      { schema: { tags, summary: blocked ? "Block chat" : "Unblock chat", params: chatParams, response: { 200: chatSchema } } },
      async (request) => presentChat(await platform.chats.setBlocked(request.bot.id, parseId(request.params.bb_chat_id, "Chat"), blocked)),
    );
  }
};
