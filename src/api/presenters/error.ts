import { z } from "zod";

/** `{"error": "..."}`: every 4xx but 401 and 422 (spec/api.md §1). */
export const errorSchema = z.object({ error: z.string() }).meta({ id: "Error", description: "What went wrong, as one sentence." });

/** `{"errors": [...]}`: 401, and 422 for a request that fails its checks, one sentence per problem. */
export const errorListSchema = z
  .object({ errors: z.array(z.string()) })
  .meta({ id: "ErrorList", description: "Every problem found, one readable sentence each." });

/** A 422: the list of problems of a request that fails its checks, or one reason a valid request cannot be done now. */
export const unprocessableSchema = z.union([errorListSchema, errorSchema]);

/** The body each error status answers with. */
export function errorBody(status: number): z.ZodType {
  return status === 401 ? errorListSchema : status === 422 ? unprocessableSchema : errorSchema;
}

/**
 * Declares error answers a route gives beyond those its shape implies (401 when signed in,
 * 404 with path ids, 400/413/415/422 with a body or query): `response: { 200: x, ...mayAnswer(403) }`.
 * Fastify then checks those answers against the contract's shapes, and the OpenAPI document lists them.
 */
export function mayAnswer(...statuses: number[]): Record<number, z.ZodType> {
  return Object.fromEntries(statuses.map((status) => [status, errorBody(status)]));
}
