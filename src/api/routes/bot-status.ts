import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Platform } from "../../platform.js";
import { requireBot } from "../policies/bot-access.js";
import { botSchema, presentBotNow } from "../presenters/bot.js";

/** Starting and stopping a bot (spec/api.md: "Start or Stop bot"). */
export const botStatusRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.addHook("preValidation", requireBot(platform));

  app.post(
    "/v2/bots/:id/status",
    {
      schema: {
        tags: ["Bots"],
        summary: "Start or Stop bot",
        description:
          "`start_launch` checks the token with Telegram and sets the webhook (or starts long polling); the bot ends `works`, or `error` with Telegram's reason in `status_error`. `start_stopping` removes the webhook or ends polling; the bot ends `stopped`. A bot without a token cannot start (422).",
        params: z.object({ id: z.string() }),
        body: z.object({ status: z.enum(["start_launch", "start_stopping"]) }),
        response: { 200: botSchema },
      },
    },
    async (request) => {
      const { runner } = platform.runtime;
      if (request.body.status === "start_launch") await runner.start(request.bot);
      else await runner.stop(request.bot);
      return presentBotNow(platform, request.user.id, request.bot.id);
    },
  );
};
