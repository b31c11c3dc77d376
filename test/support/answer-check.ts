import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import type { FastifyInstance } from "fastify";
import { openApiPath } from "../../src/api/openapi/route-facts.js";

type JsonObject = { [key: string]: any };

/** Headers the document must declare wherever the API sends them. */
const DECLARED_HEADERS = ["access-token", "client", "uid", "expiry", "token-type", "x-total-count", "link", "retry-after", "x-task-id", "x-git-branch"];

function resolve(document: JsonObject, value: JsonObject): JsonObject {
  if (!value?.$ref) return value;
  return resolve(document, value.$ref.slice(2).split("/").reduce((node: JsonObject, key: string) => node?.[key.replace(/~1/g, "/")], document));
}

/**
 * Checks every answer of a documented route against the app's own OpenAPI document: its
 * status is listed, its content type and body match the schema there, and the contract's
 * headers it carries are declared. What does not match is added to `violations`, one line
 * each, naming the operation, the status and the problem.
 */
export function checkAnswers(app: FastifyInstance, violations: string[]): void {
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  const validators = new Map<string, ValidateFunction>();
  let document: JsonObject | undefined;

  app.addHook("onSend", async (request, reply, payload) => {
    const url = request.routeOptions.url;
    document ??= app.swagger() as JsonObject;
    const path = url && openApiPath(url);
    const operation = path && document.paths[path]?.[request.method.toLowerCase()];
    if (!operation) return payload; // unknown or undocumented (operational) routes
    const where = `${request.method} ${path} → ${reply.statusCode}`;
    const response = resolve(document, operation.responses[reply.statusCode]);
    if (!response) {
      violations.push(`${where}: status not documented (answered ${String(payload).slice(0, 200)})`);
      return payload;
    }
    const declared = Object.keys(response.headers ?? {}).map((name) => name.toLowerCase());
    for (const name of DECLARED_HEADERS) {
      if (reply.hasHeader(name) && !declared.includes(name)) violations.push(`${where}: header ${name} not documented`);
    }
    const type = String(reply.getHeader("content-type") ?? "").split(";")[0]!;
    const media = response.content?.[type];
    if (!media) {
      violations.push(`${where}: content type '${type}' not documented`);
      return payload;
    }
    const key = `${where} ${type}`;
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile({ ...media.schema, components: document.components });
      validators.set(key, validate);
    }
    const body = type === "application/json" ? JSON.parse(String(payload)) : String(payload);
    if (!validate(body)) violations.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    return payload;
  });
}
