import type { FastifyInstance } from "fastify";
import { BadRequestError, ValidationError } from "../../errors.js";
import { textFlawAt } from "../../text-flaws.js";

/** Whether the URL's query string holds a percent-encoding that decodes to no text (`%FF`, `%E2%82`, an encoded lone surrogate). */
function malformedQuery(url: string): boolean {
  const at = url.indexOf("?");
  if (at < 0) return false;
  try {
    decodeURIComponent(url.slice(at + 1));
    return false;
  } catch {
    return true;
  }
}

/**
 * Refuses NUL characters and lone surrogates anywhere in a request, so every route answers a
 * 422 instead of a database error or text that each engine stores differently; and a query
 * string that does not decode, which the router would hand on as sent (a bot named `ok%20%FF`).
 */
export function registerTextGuard(app: FastifyInstance): void {
  app.addHook("preValidation", async (request) => {
    if (malformedQuery(request.url)) throw new BadRequestError("Malformed URL: a percent-encoded character in the query is not valid");
    // A route without a body schema reads no body: what it was sent is not its input.
    const body = request.routeOptions.schema?.body === undefined ? [] : ([["body", request.body]] as const);
    // A path id that holds a NUL names nothing: its route answers 404, as for any id that cannot be one (parseId).
    const params = Object.fromEntries(Object.entries(request.params ?? {}).filter(([name]) => !/(^|_)id$/.test(name)));
    for (const [part, value] of [["params", params], ["query", request.query], ...body] as const) {
      const found = textFlawAt(value, part);
      if (found) {
        const name = found.field.replace(/_/g, " ");
        throw new ValidationError([`${name[0]!.toUpperCase()}${name.slice(1)} ${found.flaw}`]);
      }
    }
  });
}
