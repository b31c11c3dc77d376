import type { FastifyInstance } from "fastify";
import { ValidationError } from "../../errors.js";
import { textFlawAt } from "../../text-flaws.js";

/**
 * Refuses NUL characters and lone surrogates anywhere in a request, so every route answers a
 * 422 instead of a database error or text that each engine stores differently.
 */
export function registerTextGuard(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    // A route without a body schema reads no body: what it was sent is not its input.
    const body = request.routeOptions.schema?.body === undefined ? [] : ([["body", request.body]] as const);
    for (const [part, value] of [["params", request.params], ["query", request.query], ...body] as const) {
      const found = textFlawAt(value, part);
      if (found) {
        const name = found.field.replace(/_/g, " ");
        throw new ValidationError([`${name[0]!.toUpperCase()}${name.slice(1)} ${found.flaw}`]);
      }
    }
  });
}
