import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Platform } from "../../platform.js";
import { answerPage } from "../listing.js";
import { pageQuery } from "../pagination.js";
import { requireBot } from "../policies/bot-access.js";
import { botSchema, botWithLibsSchema, presentBot, presentBotNow } from "../presenters/bot.js";
import { botNameSchema } from "../bot-name.js";
import { presentLib } from "../presenters/lib.js";
import { mayAnswer } from "../presenters/error.js";
import { messageSchema } from "../presenters/message.js";
import { MAX_URL_LENGTH } from "../../bots/bot-urls.js";

const tags = ["Bots"];
const params = z.object({ id: z.string() });

const url = z.string().max(MAX_URL_LENGTH).nullable().optional();
/** Create & Edit Bot. */
const botBody = z.object({
  name: botNameSchema,
  token: z.string().max(256).nullable().optional().describe("Telegram token from @BotFather; checked with getMe. null or empty removes it."),
  csv_url: url,
  git_remote: url,
  pic_url: url,
});

/** The signed-in user's bots. */
export const botRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.addHook("preValidation", requireBot(platform));

  app.post(
    "/v2/bots",
    { schema: { tags, summary: "Create Bot", description: "A token is checked with Telegram getMe (422 when Telegram rejects it).", body: botBody, response: { 200: botSchema, ...mayAnswer(403) } } },
    async (request) => {
      const bot = await platform.bots.create(request.user, request.body);
      return presentBotNow(platform, request.user.id, bot.id);
    },
  );

  app.get(
    "/v2/bots",
    { schema: { tags, summary: "Get Bots", querystring: z.object(pageQuery), response: { 200: z.array(botSchema) } } },
    (request, reply) =>
      answerPage(request, reply, request.query, (window) => platform.bots.store.listForOwner(request.user.id, window), (bot) => presentBot(platform, bot)),
  );

  app.get(
    "/v2/bots/:id",
    { schema: { tags, summary: "Get single bot", params, response: { 200: botWithLibsSchema } } },
    async (request) => {
      const [libs, installations] = await Promise.all([platform.libraries.of(request.bot.id), platform.libraries.installationCounts()]);
      return { ...presentBot(platform, request.bot), libs: libs.map((lib) => presentLib(lib, installations)) };
    },
  );

  app.put(
    "/v2/bots/:id",
    { schema: { tags, summary: "Edit Bot", description: "Updates only the fields given.", params, body: botBody.partial(), response: { 200: botSchema } } },
    async (request) => {
      await platform.bots.update(request.bot, request.body);
      return presentBotNow(platform, request.user.id, request.bot.id);
    },
  );

  app.delete(
    "/v2/bots/:id",
    { schema: { tags, summary: "Delete Bot", description: "Stops the bot, removes its webhook and all its data.", params, response: { 200: messageSchema } } },
    async (request) => {
      await platform.bots.delete(request.bot);
      return { message: "Bot deleted" };
    },
  );
};
