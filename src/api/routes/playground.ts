import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { UnprocessableError } from "../../errors.js";
import type { Platform } from "../../platform.js";
import { MAX_WAIT_S, type PlaygroundUser } from "../../playground/playground.js";
import { ControlError } from "../../telegram/emulator/errors.js";
import { requireBot } from "../policies/bot-access.js";
import { botSchema, presentBotNow } from "../presenters/bot.js";
import { messageSchema } from "../presenters/message.js";
import { playgroundChatSchema, playgroundMessageSchema, presentPlaygroundChat, presentPlaygroundMessage } from "../presenters/playground.js";
import { queryWhole } from "../query-whole.js";

const tags = ["Playground"];
const params = z.object({ id: z.string() });
const NOT_CONNECTED = "This bot is not in the playground: connect it first (POST /v2/bots/{id}/playground)";

/**
 * The playground (ours): the owner talks to their bot through the platform's own Telegram
 * emulator. A bot joins it with its playground token; the owner's side is these routes.
 */
export const playgroundRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.addHook("preValidation", requireBot(platform));
  const { playground } = platform;

  /** The bot's playground token, when that is the token it has. */
  const tokenOf = (request: FastifyRequest): string | undefined => {
    const token = platform.bots.store.tokenOf(request.bot);
    return token && playground.isPlaygroundToken(token) ? token : undefined;
  };
  const owner = (request: FastifyRequest): PlaygroundUser => ({ id: request.user.id, name: request.user.email.split("@")[0] || "Owner" });
  /** The emulator's refusals (no such button...) are the caller's mistake. */
  const asOwner = <T>(work: () => T): T => {
    try {
      return work();
    } catch (error) {
      if (error instanceof ControlError) throw new UnprocessableError(error.message);
      throw error;
    }
  };

  app.post(
    "/v2/bots/:id/playground",
    {
      schema: {
        tags,
        summary: "Connect a bot to the playground",
        description:
          "Gives the bot its playground token, so it talks to the platform's Telegram emulator instead of Telegram; start it afterwards. A bot with a Telegram token keeps it: 422 (copy the bot to try it).",
        params,
        response: { 200: botSchema },
      },
    },
    async (request) => {
      const current = platform.bots.store.tokenOf(request.bot);
      const token = playground.tokenFor(request.bot.id);
      if (current && current !== token) throw new UnprocessableError("This bot has a Telegram token; copy the bot to try it in the playground");
      if (!current) await platform.bots.update(request.bot, { token });
      return presentBotNow(platform, request.user.id, request.bot.id);
    },
  );

  app.get(
    "/v2/bots/:id/playground",
    {
      schema: {
        tags,
        summary: "Get the playground chat",
        description: `The owner's chat with the bot: messages after \`after_message_id\`, and the reply keyboard shown. With \`wait_s\` (at most ${MAX_WAIT_S}) it waits for a new message when there is none yet.`,
        params,
        querystring: z.object({
          after_message_id: queryWhole("After message id", { min: 0, fallback: 0 }).describe("Only messages after this one (0: the whole chat)."),
          wait_s: z.coerce.number().min(0).max(MAX_WAIT_S).default(0).describe("Seconds to wait for a new message when there is none yet."),
        }),
        response: { 200: playgroundChatSchema },
      },
    },
    async (request) => {
      const token = tokenOf(request);
      if (!token) return presentPlaygroundChat(null);
      const gone = new AbortController();
      request.raw.once("close", () => gone.abort());
      const { after_message_id, wait_s } = request.query;
      return presentPlaygroundChat(await playground.nextChat(token, owner(request), after_message_id, wait_s * 1000, gone.signal));
    },
  );

  app.post(
    "/v2/bots/:id/playground/messages",
    {
      schema: {
        tags,
        summary: "Write to the bot in the playground",
        description: "Sends the text as the owner; a reply-keyboard button's text presses that button.",
        params,
        body: z.object({ text: z.string().trim().min(1).max(4096) }),
        response: { 200: playgroundMessageSchema },
      },
    },
    async (request) => {
      const token = tokenOf(request);
      if (!token) throw new UnprocessableError(NOT_CONNECTED);
      return presentPlaygroundMessage(asOwner(() => playground.sendText(token, owner(request), request.body.text)));
    },
  );

  app.post(
    "/v2/bots/:id/playground/buttons",
    {
      schema: {
        tags,
        summary: "Press an inline button in the playground",
        params,
        body: z.object({ message_id: z.number().int().positive(), callback_data: z.string().min(1).max(64) }),
        response: { 200: messageSchema },
      },
    },
    async (request) => {
      const token = tokenOf(request);
      if (!token) throw new UnprocessableError(NOT_CONNECTED);
      asOwner(() => playground.pressButton(token, owner(request), request.body.message_id, request.body.callback_data));
      return { message: "Button pressed" };
    },
  );
};
