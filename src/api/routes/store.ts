import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { libraries } from "../../catalog/libraries.js";
import type { Platform } from "../../platform.js";
import { pageOf, pageQuery } from "../pagination.js";
import { libSchema, presentLib } from "../presenters/lib.js";

const tags = ["Libraries"];

/** The store: the library catalogue. */
export const storeRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.get(
    "/v2/store/libs",
    { schema: { tags, summary: "Get libraries", querystring: z.object(pageQuery), response: { 200: z.array(libSchema) } } },
    async (request, reply) => {
      const installations = await platform.libraries.installationCounts();
      return pageOf(request, reply, request.query, libraries.map((lib) => presentLib(lib, installations)));
    },
  );
};
