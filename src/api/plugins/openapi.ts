import type { FastifyInstance } from "fastify";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { jsonSchemaTransform } from "fastify-type-provider-zod";

/** OpenAPI 3.1 generated from the route schemas, at `/v2/openapi.json`, with docs at `/docs`. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Botyard API",
        version: "2",
        description:
          "Bots.Business API v2 compatible; the [dashboard](/) is built on it. Authenticate with `?api_key=` (see GET /v2/user) or the session headers from sign-in (`access-token`, `client`, `uid`), which rotate on every response.",
      },
      components: {
        securitySchemes: {
          apiKey: { type: "apiKey", in: "query", name: "api_key" },
          accessToken: { type: "apiKey", in: "header", name: "access-token" },
        },
      },
      security: [{ apiKey: [] }, { accessToken: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/docs", uiConfig: { url: "/v2/openapi.json" } as never });
  app.get("/v2/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
