/**
 * Turns the platform's OpenAPI document into TypeScript: one entry per operation
 * (`"GET /v2/bots/{id}"`) with its path parameters, query, body and 200 answer, so the
 * dashboard's client is typed by the same schemas that validate the API.
 */
import type { OpenAPIV3_1 } from "openapi-types";

type Schema = OpenAPIV3_1.SchemaObject;

const key = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name));

/** A JSON schema as a TypeScript type expression. */
export function typeOf(schema: Schema | undefined, indent = ""): string {
  if (!schema || Object.keys(schema).length === 0) return "unknown";
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(" | ");
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return [...new Set(union.map((member) => typeOf(member as Schema, indent)))].join(" | ");
  if (schema.allOf) return schema.allOf.map((member) => typeOf(member as Schema, indent)).join(" & ");
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length > 1) return types.map((type) => typeOf({ ...schema, type } as Schema, indent)).join(" | ");
  switch (types[0]) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array":
      return `Array<${typeOf((schema as OpenAPIV3_1.ArraySchemaObject).items as Schema, indent)}>`;
    default:
      return objectType(schema, indent);
  }
}

function objectType(schema: Schema, indent: string): string {
  const required = new Set(schema.required ?? []);
  const inner = indent + "  ";
  const fields = Object.entries(schema.properties ?? {}).map(
    ([name, property]) => `${inner}${key(name)}${required.has(name) ? "" : "?"}: ${typeOf(property as Schema, inner)};`,
  );
  const extra = schema.additionalProperties;
  if (extra) fields.push(`${inner}[key: string]: ${extra === true ? "unknown" : typeOf(extra as Schema, inner)};`);
  if (fields.length === 0) return "Record<string, unknown>";
  return `{\n${fields.join("\n")}\n${indent}}`;
}

function parametersOf(operation: OpenAPIV3_1.OperationObject, place: "path" | "query"): Schema {
  const parameters = (operation.parameters ?? []) as OpenAPIV3_1.ParameterObject[];
  const chosen = parameters.filter((parameter) => parameter.in === place && parameter.name !== "api_key");
  return {
    type: "object",
    // A path id is an integer in the document; the router hands pages its text, which serves as well.
    properties: Object.fromEntries(chosen.map((parameter) => [parameter.name, place === "path" ? ({ anyOf: [parameter.schema, { type: "string" }] } as Schema) : (parameter.schema as Schema)])),
    required: chosen.filter((parameter) => parameter.required).map((parameter) => parameter.name),
  };
}

function jsonOf(content: Record<string, OpenAPIV3_1.MediaTypeObject> | undefined): Schema | undefined {
  return (content?.["application/json"]?.schema ?? content?.["text/plain"]?.schema) as Schema | undefined;
}

/** The value with every local `$ref` replaced by what it points at (the document's shared components). */
function inlineRefs<T>(value: T, document: unknown): T {
  if (Array.isArray(value)) return value.map((item) => inlineRefs(item, document)) as T;
  if (!value || typeof value !== "object") return value;
  const ref = (value as { $ref?: unknown }).$ref;
  if (typeof ref === "string" && ref.startsWith("#/")) {
    const target = ref.slice(2).split("/").reduce<unknown>((at, part) => (at as Record<string, unknown>)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")], document);
    return inlineRefs(target as T, document);
  }
  return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, inlineRefs(item, document)])) as T;
}

/** The module text: an `Operations` interface keyed by `"METHOD /path"`. */
export function operationsModule(source: OpenAPIV3_1.Document): string {
  const document = inlineRefs(source, source);
  const entries: string[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of ["get", "post", "put", "delete"] as const) {
      const operation = item?.[method];
      if (!operation) continue;
      const body = jsonOf((operation.requestBody as OpenAPIV3_1.RequestBodyObject | undefined)?.content);
      const answer = jsonOf((operation.responses?.["200"] as OpenAPIV3_1.ResponseObject | undefined)?.content);
      entries.push(
        [
          `  /** ${operation.summary ?? ""} */`,
          `  ${JSON.stringify(`${method.toUpperCase()} ${path}`)}: {`,
          `    path: ${typeOf(parametersOf(operation, "path"), "    ")};`,
          `    query: ${typeOf(parametersOf(operation, "query"), "    ")};`,
          `    body: ${body ? typeOf(body, "    ") : "never"};`,
          `    answer: ${typeOf(answer, "    ")};`,
          `  };`,
        ].join("\n"),
      );
    }
  }
  return [
    "// Generated from /v2/openapi.json by web/scripts/generate.ts at build time: do not edit.",
    "",
    "/** Every operation of the public API: its path parameters, query, JSON body and answer. */",
    "export interface Operations {",
    ...entries,
    "}",
    "",
  ].join("\n");
}
