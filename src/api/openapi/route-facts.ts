declare module "fastify" {
  interface FastifyContextConfig {
    /** Headers of the route's own that its success carries, by their names in the document (document.ts). */
    answerHeaders?: string[];
  }
}

/** What the document needs to know of a route beyond its schema: who may call it and what it sends back. */
export interface RouteFacts {
  authentication?: "required" | "optional";
  startsSession: boolean;
  /** A list endpoint: it answers X-Total-Count and Link. */
  paged: boolean;
  answerHeaders: string[];
}

/** `GET /v2/bots/{id}`: how the document names an operation. */
export function operationKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

/** `/v2/bots/:id` as OpenAPI writes it, `/v2/bots/{id}`. */
export function openApiPath(url: string): string {
  return url.replace(/:(\w+)/g, "{$1}");
}
