import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { libraryOf } from "../../catalog/libraries.js";
import { NotFoundError } from "../../errors.js";
import type { Platform } from "../../platform.js";
import { pageOf, pageQuery } from "../pagination.js";
import { requireBot } from "../policies/bot-access.js";
import { libSchema, presentLib } from "../presenters/lib.js";

const tags = ["Bots"];

/** The catalogue library a client names by id or by name. */
function library(ref: number | string) {
  const lib = libraryOf(ref);
  if (!lib) throw new NotFoundError("Library");
  return lib;
}

/** A bot's installed libraries. */
export const libRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.addHook("preValidation", requireBot(platform));

  app.get(
    "/v2/bots/:id/libs",
    { schema: { tags, summary: "Get installed libraries", params: z.object({ id: z.string() }), querystring: z.object(pageQuery), response: { 200: z.array(libSchema) } } },
    async (request, reply) => {
      const [libs, installations] = await Promise.all([platform.libraries.of(request.bot.id), platform.libraries.installationCounts()]);
      return pageOf(request, reply, request.query, libs.map((lib) => presentLib(lib, installations)));
    },
  );

  app.post(
    "/v2/bots/:id/libs",
    {
      schema: {
        tags,
        summary: "Install Lib",
        description: 'Answers a bare true; 422 {"error":"Library already installed"}.',
        params: z.object({ id: z.string() }),
        body: z.object({ lib_id: z.union([z.number(), z.string().max(100)]).describe("A library id or name") }),
        response: { 200: z.literal(true) },
      },
    },
    async (request) => {
      await platform.libraries.install(request.bot.id, library(request.body.lib_id));
      return true as const;
    },
  );

  app.delete(
    "/v2/bots/:id/libs/:lib_id",
    { schema: { tags, summary: "Uninstall lib", params: z.object({ id: z.string(), lib_id: z.string().describe("A library id or name") }), response: { 200: z.literal(true) } } },
    async (request) => {
      await platform.libraries.uninstall(request.bot.id, library(request.params.lib_id));
      return true as const;
    },
  );
};
