import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { libraries } from "../../catalog/libraries.js";
import { storeBotContent, storeBotOf, storeBots } from "../../catalog/store-bots.js";
import { NotFoundError } from "../../errors.js";
import type { Platform } from "../../platform.js";
import { parseId } from "../ids.js";
import { pageOf, pageQuery } from "../pagination.js";
import { botSchema, presentBotNow } from "../presenters/bot.js";
import { botNameSchema } from "../bot-name.js";
import { mayAnswer } from "../presenters/error.js";
import { libSchema, presentLib } from "../presenters/lib.js";
import { presentStoreBot, storeBotSchema } from "../presenters/store-bot.js";

const tags = ["Libraries"];

/** The store: the library catalogue and the demo bots. */
export const storeRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.get(
    "/v2/store/libs",
    { schema: { tags, summary: "Get libraries", querystring: z.object(pageQuery), response: { 200: z.array(libSchema) } } },
    async (request, reply) => {
      const installations = await platform.libraries.installationCounts();
      return pageOf(request, reply, request.query, libraries.map((lib) => presentLib(lib, installations)));
    },
  );

  app.get(
    "/v2/store/bots",
    { schema: { tags, summary: "Get store bots", querystring: z.object(pageQuery), response: { 200: z.array(storeBotSchema) } } },
    async (request, reply) => {
      const listed = await Promise.all(storeBots.map(async (bot) => presentStoreBot(bot, await storeBotContent(bot))));
      return pageOf(request, reply, request.query, listed);
    },
  );

  app.post(
    "/v2/store/bots/:store_bot_id/install",
    {
      schema: {
        tags,
        summary: "Install demo bot",
        description: "Creates a new bot of yours from the demo bot (stopped; with a token it is ready to start).",
        params: z.object({ store_bot_id: z.string() }),
        body: z.object({ name: botNameSchema.optional(), token: z.string().max(256).nullable().optional() }).nullish(),
        response: { 200: botSchema, ...mayAnswer(403) },
      },
    },
    async (request) => {
      const storeBot = storeBotOf(parseId(request.params.store_bot_id, "Store bot"));
      if (!storeBot) throw new NotFoundError("Store bot");
      const bot = await platform.interop.install(request.user, storeBot, request.body ?? {});
      return presentBotNow(platform, request.user.id, bot.id);
    },
  );
};
