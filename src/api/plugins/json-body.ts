import type { FastifyInstance, FastifyRequest } from "fastify";
import { BadRequestError } from "../../errors.js";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../../json-depth.js";
import { textBody } from "../body-text.js";

/** Answers whether the text is JSON at all (so a refusal by the secure parser was for its keys). */
function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Whether the route reads no body, or takes none as well as one: then an empty JSON body is no body. */
function takesNoBody(request: FastifyRequest): boolean {
  const schema = request.routeOptions.schema?.body as { safeParse?(value: unknown): { success: boolean } } | undefined;
  return schema === undefined || schema.safeParse?.(undefined).success === true;
}

/**
 * Makes JSON the only body the API reads: a `text/plain` body answers 415 like any other
 * type, as does JSON in a charset other than UTF-8 or compressed (body-text.ts), and a JSON
 * body that is not valid UTF-8, nested deeper than MAX_JSON_DEPTH, or holding a `__proto__`
 * or `constructor.prototype` key, answers 400 before any route code walks it. An empty body
 * with a JSON Content-Type (clients that send the header on every request) is no body where the
 * route needs none.
 */
export function registerJsonBodies(app: FastifyInstance): void {
  const parseSecurely = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser(["application/json", "text/plain"]);
  app.addContentTypeParser(
    "application/json",
    { parseAs: "buffer" },
    textBody((request, body, done) => {
      if (body === "" && takesNoBody(request)) return done(null, undefined);
      if (nestsDeeperThan(body, MAX_JSON_DEPTH)) {
        return done(new BadRequestError(`JSON body is nested too deeply (the limit is ${MAX_JSON_DEPTH} levels)`), undefined);
      }
      parseSecurely(request, body, (error, value) => {
        if (error && body !== "" && isJson(body)) {
          return done(new BadRequestError('JSON body must not hold a "__proto__" key or a "constructor" with a "prototype"'), undefined);
        }
        done(error, value);
      });
    }),
  );
}
