import type { FastifyDynamicSwaggerOptions } from "@fastify/swagger";
import { jsonSchemaTransform } from "fastify-type-provider-zod";
import { openApiPath, operationKey, type RouteFacts } from "./route-facts.js";

type Transform = NonNullable<FastifyDynamicSwaggerOptions["transform"]>;
type JsonObject = { [key: string]: any };

/** The session schemes, together: a session is the three headers at once. */
const SESSION = { accessToken: [], client: [], uid: [] };
const SIGNED_IN = [{ apiKey: [] }, SESSION];

/** `Get single bot` → `getSingleBot`; a route without a summary is named by its method and path. */
function operationIdOf(summary: string | undefined, method: string, path: string): string {
  const words = summary ? summary.split(/[^A-Za-z0-9]+/) : [method.toLowerCase(), ...path.split(/[^A-Za-z0-9]+/).filter((w) => w !== "v2")];
  return words
    .filter(Boolean)
    .map((word, i) => (i === 0 ? word.toLowerCase() : word[0]!.toUpperCase() + word.slice(1).toLowerCase()))
    .join("");
}

/** What a path id names, from the segment before it: `/bots/{id}` → `Bot`, `{command_id}` → `Command`. */
function idSubject(name: string, path: string): string {
  const before = path.split("/").at(path.split("/").indexOf(`{${name}}`) - 1) ?? "";
  const subject = name === "id" ? before.replace(/s$/, "") : name.replace(/_id$/, "");
  const words = subject.replace(/^bb_/, "").replace(/_/g, " ");
  return words[0]!.toUpperCase() + words.slice(1);
}

/**
 * Path ids are integers (spec/api.md); a param named `id` or `*_id` is documented as one,
 * unless its schema describes something else (a library's id or name).
 */
function documentPathIds(params: JsonObject | undefined, path: string): void {
  for (const [name, schema] of Object.entries<JsonObject>(params?.properties ?? {})) {
    if (!/(^|_)id$/.test(name) || schema.description) continue;
    params!.properties[name] = { type: "integer", minimum: 1, description: `${idSubject(name, path)} id` };
  }
}

/**
 * The per-route part of the document, on top of the zod schemas: an operationId (the route's
 * own, or its summary in camelCase), security from `config.authentication` (`[]` on public
 * routes), integer path ids. What the whole-document pass needs is left in `facts`.
 */
export function describeRoutes(facts: Map<string, RouteFacts>): Transform {
  return (input) => {
    const { schema, url } = jsonSchemaTransform(input) as { schema: JsonObject; url: string };
    if (!schema || schema.hide) return { schema, url };
    const route = input.route as { method: string | string[]; config?: { authentication?: "required" | "optional"; startsSession?: boolean; answerHeaders?: string[] } };
    const path = openApiPath(url);
    const methods = [route.method].flat().filter((method) => method !== "HEAD");
    const authentication = route.config?.authentication;
    schema.operationId ??= operationIdOf(schema.summary, methods[0]!, path);
    schema.security ??= authentication === "required" ? SIGNED_IN : authentication === "optional" ? [...SIGNED_IN, {}] : [];
    documentPathIds(schema.params, path);
    const paged = schema.querystring?.properties?.page !== undefined;
    for (const method of methods) facts.set(operationKey(method, path), { authentication, startsSession: route.config?.startsSession === true, paged, answerHeaders: route.config?.answerHeaders ?? [] });
    return { schema, url };
  };
}
