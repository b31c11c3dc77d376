import type { FastifyInstance } from "fastify";
import { ValidationError } from "../../errors.js";

/** Text no bot data holds: NUL (PostgreSQL cannot store it), and a lone surrogate (SQLite stores it as bytes that are not UTF-8, PostgreSQL as U+FFFD). */
const FLAWS: [RegExp, string][] = [
  [/\u0000/, "must not contain NUL characters"],
  // With the u flag a paired surrogate is one code point, so only lone ones match.
  [/\p{Cs}/u, "must be valid Unicode text (it holds a lone surrogate)"],
];

/** What is wrong with the text, or undefined. */
function flawOf(text: string): string | undefined {
  return FLAWS.find(([pattern]) => pattern.test(text))?.[1];
}

/**
 * The first place in a parsed value whose text is flawed, as a field name and the flaw;
 * undefined if none. Recursive, which is safe: bodies nest at most MAX_JSON_DEPTH levels (json-body.ts).
 */
function flawAt(value: unknown, path: string): { field: string; flaw: string } | undefined {
  if (typeof value === "string") {
    const flaw = flawOf(value);
    return flaw === undefined ? undefined : { field: path, flaw };
  }
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const flaw = flawOf(key);
    if (flaw) return { field: path, flaw };
    const found = flawAt(inner, key);
    if (found) return found;
  }
  return undefined;
}

/**
 * Refuses NUL characters and lone surrogates anywhere in a request, so every route answers a
 * 422 instead of a database error or text that each engine stores differently.
 */
export function registerNulGuard(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    // A route without a body schema reads no body: what it was sent is not its input.
    const body = request.routeOptions.schema?.body === undefined ? [] : ([["body", request.body]] as const);
    for (const [part, value] of [["params", request.params], ["query", request.query], ...body] as const) {
      const found = flawAt(value, part);
      if (found) {
        const name = found.field.replace(/_/g, " ");
        throw new ValidationError([`${name[0]!.toUpperCase()}${name.slice(1)} ${found.flaw}`]);
      }
    }
  });
}
