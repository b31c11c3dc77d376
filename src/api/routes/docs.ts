import { readFile } from "node:fs/promises";
import type { FastifyPluginAsync } from "fastify";

/** The project's folder: two up from both src/api/routes and dist/api/routes. */
const REFERENCE = new URL("../../../docs/bjs.md", import.meta.url);

/** The BJS reference (docs/bjs.md) beside the API docs, at `/docs/bjs.md`. */
export const docsRoutes: FastifyPluginAsync = async (app) => {
  app.get("/docs/bjs.md", { schema: { hide: true } }, async (_request, reply) => {
    reply.type("text/markdown; charset=utf-8");
    return readFile(REFERENCE, "utf8");
  });
};
