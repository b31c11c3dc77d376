import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Platform } from "../../platform.js";
import { parseId } from "../ids.js";
import { answerPage } from "../listing.js";
import { pageQuery } from "../pagination.js";
import { requireBot } from "../policies/bot-access.js";
import { folderSchema, presentFolder } from "../presenters/folder.js";
import { messageSchema } from "../presenters/message.js";

const tags = ["Commands"];

/** A bot's command folders. */
export const folderRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.addHook("preValidation", requireBot(platform));

  app.post(
    "/v2/bots/:id/commands_folders",
    { schema: { tags, summary: "Create a folder", params: z.object({ id: z.string() }), body: z.object({ title: z.string().max(255) }), response: { 200: folderSchema } } },
    async (request) => presentFolder(await platform.folders.create(request.bot.id, request.body.title)),
  );

  app.get(
    "/v2/bots/:id/commands_folders",
    { schema: { tags, summary: "Get all folders", params: z.object({ id: z.string() }), querystring: z.object(pageQuery), response: { 200: z.array(folderSchema) } } },
    (request, reply) => answerPage(request, reply, request.query, (window) => platform.folders.list(request.bot.id, window), presentFolder),
  );

  app.delete(
    "/v2/bots/:id/commands_folders/:folder_id",
    {
      schema: {
        tags,
        summary: "Delete a folder",
        description: "Its commands move to the root; they are not deleted.",
        params: z.object({ id: z.string(), folder_id: z.string() }),
        response: { 200: messageSchema },
      },
    },
    async (request) => {
      await platform.folders.delete(request.bot.id, parseId(request.params.folder_id, "Folder"));
      return { message: "Folder deleted" };
    },
  );
};
