import type { FastifyDynamicSwaggerOptions } from "@fastify/swagger";
import { jsonSchemaTransformObject } from "fastify-type-provider-zod";
import { z } from "zod";
import { errorListSchema, errorSchema } from "../presenters/error.js";
import { operationKey, type RouteFacts } from "./route-facts.js";

type TransformObject = NonNullable<FastifyDynamicSwaggerOptions["transformObject"]>;
type JsonObject = { [key: string]: any };

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });
const schemaRef = (schema: z.ZodType) => ref("schemas", z.globalRegistry.get(schema)!.id!);
const error = schemaRef(errorSchema);
const errorList = schemaRef(errorListSchema);

/** The contract's error answers (spec/api.md §1), by status. */
const ERROR_RESPONSES: Record<number, [name: string, description: string, schema: JsonObject]> = {
  400: ["BadRequest", "Malformed JSON, an empty JSON body, a body that is not UTF-8, a Content-Length that does not match the body, or a query string that does not decode.", error],
  401: ["Unauthorized", "Missing or bad credentials: no `api_key` or session headers, or ones that do not sign anyone in.", errorList],
  402: ["PaymentRequired", "The plan's quota is used up.", error],
  403: ["Forbidden", "The plan does not allow this (for example, more bots than it includes).", error],
  404: ["NotFound", "No such resource, or one that belongs to another user (`Bot not found`, `Command not found`, ...).", error],
  413: ["PayloadTooLarge", "The request body is larger than the server accepts.", error],
  415: ["UnsupportedMediaType", "A body that is not `application/json` in UTF-8, or a compressed one.", error],
  422: ["Unprocessable", "The request fails its checks, or cannot be done now (`errors`, one sentence per problem); installing a library already installed answers `{\"error\": \"Library already installed\"}`.", { oneOf: [errorList, error] }],
  429: ["TooManyRequests", "Too many attempts; wait for `Retry-After` seconds.", error],
};

/** Response headers, by name: the session's (devise_token_auth), paging's, throttling's and those of Git's tasks. */
const HEADERS: Record<string, [description: string, schema: JsonObject]> = {
  "access-token": ["With session sign-in: the session's new token, for the next request (tokens rotate; the previous one works 5 more seconds).", { type: "string" }],
  client: ["With session sign-in: the session's client id, to send back with every request.", { type: "string" }],
  uid: ["With session sign-in: the account's email, to send back with every request.", { type: "string" }],
  expiry: ["With session sign-in: when the session token expires, in unix seconds.", { type: "string", pattern: "^\\d+$" }],
  "token-type": ["With session sign-in: always `Bearer`.", { type: "string", const: "Bearer" }],
  "X-Total-Count": ["Items in the whole list, over every page.", { type: "string", pattern: "^\\d+$" }],
  Link: ["RFC 8288 links to the first, previous, next and last pages.", { type: "string" }],
  "Retry-After": ["Seconds to wait before trying again.", { type: "string", pattern: "^\\d+$" }],
  "X-Task-Id": ["The task doing the work, to follow at `GET /v2/bots/{id}/tasks/{task_id}`.", { type: "string", pattern: "^\\d+$" }],
  "X-Git-Branch": ["The branch the export pushes to (`%` and characters past ASCII percent-encoded).", { type: "string" }],
};
const SESSION_HEADERS = ["access-token", "client", "uid", "expiry", "token-type"];
const PAGE_HEADERS = ["X-Total-Count", "Link"];

/** Methods a client may send a body with: the JSON parser reads it (413, 415) even where the route takes none. */
const BODY_METHODS = ["post", "put", "patch", "delete"];

/** The error statuses an operation can answer: those its route declares, and those its shape implies. */
function errorStatuses(operation: JsonObject, facts: RouteFacts | undefined, path: string, method: string): number[] {
  const statuses = new Set(Object.keys(operation.responses ?? {}).map(Number).filter((status) => status >= 400 && status < 500));
  if (facts?.authentication) statuses.add(401);
  if (path.includes("{")) statuses.add(404);
  // Any request may carry a query string that does not decode, or a body the parser refuses;
  // and a NUL in any text of it (query, path, body) is a 422.
  [400, 422].forEach((status) => statuses.add(status));
  if (BODY_METHODS.includes(method)) [413, 415].forEach((status) => statuses.add(status));
  return [...statuses].sort();
}

/** Every `$ref` target in a JSON value. */
function refsIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => refsIn(item, found));
  else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === "$ref" && typeof item === "string") found.add(item);
      else refsIn(item, found);
    }
  }
  return found;
}

/** Drops component schemas nothing refers to (the zod registry offers an input and an output twin of each). */
function pruneSchemas(document: JsonObject): void {
  const schemas: JsonObject = document.components.schemas ?? {};
  const { schemas: _all, ...rest } = document.components;
  const reached = new Set<string>();
  let frontier = refsIn({ paths: document.paths, rest });
  while (frontier.size > 0) {
    const next = new Set<string>();
    for (const target of frontier) {
      const name = target.replace("#/components/schemas/", "");
      if (reached.has(name) || !schemas[name]) continue;
      reached.add(name);
      refsIn(schemas[name], next);
    }
    frontier = next;
  }
  document.components.schemas = Object.fromEntries(Object.entries(schemas).filter(([name]) => reached.has(name)));
}

/**
 * The whole-document pass: each operation's error answers (as shared responses), the
 * session and paging headers of its success, shared components left as used, and the
 * document's servers and licence. Routes added later get all of it from their shape and
 * their `config` alone.
 */
export function finishDocument(facts: Map<string, RouteFacts>): TransformObject {
  return (input) => {
    const document = jsonSchemaTransformObject(input) as JsonObject;
    const responses: JsonObject = {};
    const headers: JsonObject = {};
    const useHeader = (name: string) => {
      const [description, schema] = HEADERS[name]!;
      headers[name] = { description, schema };
      return ref("headers", name);
    };
    for (const [path, item] of Object.entries<JsonObject>(document.paths)) {
      for (const [method, operation] of Object.entries<JsonObject>(item)) {
        const routeFacts = facts.get(operationKey(method, path));
        // A body schema that takes null (`.nullish()`) is a body the client may leave out.
        const media = Object.values<JsonObject>(operation.requestBody?.content ?? {});
        if (media.length > 0 && media.every(({ schema }) => schema?.anyOf?.some((option: JsonObject) => option.type === "null"))) operation.requestBody.required = false;
        for (const status of errorStatuses(operation, routeFacts, path, method)) {
          const [name, description, schema] = ERROR_RESPONSES[status] ?? [`Error${status}`, "A failure the caller can act on.", error];
          // A signed-in request's token rotates before the route fails, so its error answers carry the session too.
          const errorHeaders = [...(status === 401 ? [] : SESSION_HEADERS), ...(status === 429 ? ["Retry-After"] : [])];
          responses[name] = {
            description,
            headers: Object.fromEntries(errorHeaders.map((header) => [header, useHeader(header)])),
            content: { "application/json": { schema } },
          };
          operation.responses[status] = ref("responses", name);
        }
        for (const [status, response] of Object.entries<JsonObject>(operation.responses)) {
          if (!status.startsWith("2")) continue;
          if (response.description === "Default Response") response.description = "Success.";
          const names = [...(routeFacts?.authentication || routeFacts?.startsSession ? SESSION_HEADERS : []), ...(routeFacts?.paged ? PAGE_HEADERS : []), ...(routeFacts?.answerHeaders ?? [])];
          if (names.length > 0) response.headers = Object.fromEntries(names.map((name) => [name, useHeader(name)]));
        }
      }
    }
    document.components = { ...document.components, responses, headers };
    delete document.security;
    pruneSchemas(document);
    return document;
  };
}
