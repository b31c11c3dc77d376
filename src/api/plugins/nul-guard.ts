import type { FastifyInstance } from "fastify";
import { ValidationError } from "../../errors.js";
import { nulAt } from "../../nul.js";

/**
 * Refuses NUL characters anywhere in a request (PostgreSQL cannot store them in text, and no
 * legitimate bot data holds them), so every route answers a 422 instead of a database error.
 */
export function registerNulGuard(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    for (const [part, value] of [["params", request.params], ["query", request.query], ["body", request.body]] as const) {
      const field = nulAt(value, part);
      if (field !== undefined) {
        const name = field.replace(/_/g, " ");
        throw new ValidationError([`${name[0]!.toUpperCase()}${name.slice(1)} must not contain NUL characters`]);
      }
    }
  });
}
