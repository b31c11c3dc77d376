import type { FastifyInstance } from "fastify";
import { ValidationError } from "../../errors.js";

/**
 * The first place in a parsed value that holds a NUL character, as a field name; undefined if
 * none. Recursive, which is safe: bodies nest at most MAX_JSON_DEPTH levels (json-body.ts).
 */
function nulAt(value: unknown, path: string): string | undefined {
  if (typeof value === "string") return value.includes("\u0000") ? path : undefined;
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes("\u0000")) return path;
    const found = nulAt(inner, key);
    if (found !== undefined) return found;
  }
  return undefined;
}

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
