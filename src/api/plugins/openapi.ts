import type { FastifyInstance } from "fastify";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { finishDocument } from "../openapi/document.js";
import { describeRoutes } from "../openapi/operation.js";
import type { RouteFacts } from "../openapi/route-facts.js";

/** The document's sections, in reading order. */
const TAGS = [
  ["Authentication", "Sign up, sign in (password or Telegram) and password resets: the endpoints that need no account yet."],
  ["User account", "The signed-in account: its details, api key, sessions, linked Telegram accounts, plan and iterations."],
  ["Bots", "Create, edit, delete, start and stop bots."],
  ["Commands", "A bot's commands and the folders that group them."],
  ["Chats", "The chats a bot has talked in; blocking and unblocking them."],
  ["Broadcast", "Broadcast tasks: a command run, or a text sent, in every chat of a bot; their progress, pause, resume and delete."],
  ["Properties", "Values a bot's BJS stored, for the bot or for one of its users."],
  ["Libraries", "The library catalogue, and the libraries a bot has installed."],
  ["Admin Panel", "Settings forms a bot's BJS defines, and their values."],
  ["Plans", "The plans an account can be on."],
].map(([name, description]) => ({ name: name!, description: description! }));

/** OpenAPI 3.1 generated from the route schemas, at `/v2/openapi.json`, with docs at `/docs`. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const facts = new Map<string, RouteFacts>();
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Botyard API",
        version: "2",
        license: { name: "MIT", identifier: "MIT" },
        description: [
          "Bots.Business API v2 compatible; the [dashboard](/) is built on it.",
          "",
          "Authenticate with `?api_key=` (see GET /v2/user), or with the three session headers that sign-in answers (`access-token`, `client`, `uid`); the `access-token` rotates on every answer.",
          "Errors: 401 and 422 answer `{\"errors\": [...]}`, other 4xx `{\"error\": \"...\"}`. Another user's resource is reported as not found.",
          "Lists answer a bare array and take `page` and `per_page`; `X-Total-Count` and `Link` tell the rest.",
        ].join("\n"),
      },
      servers: [{ url: "/", description: "This server" }],
      tags: TAGS,
      components: {
        securitySchemes: {
          apiKey: { type: "apiKey", in: "query", name: "api_key", description: "The account's api key (GET /v2/user shows it)." },
          accessToken: { type: "apiKey", in: "header", name: "access-token", description: "Session token from sign-in; send it with `client` and `uid`." },
          client: { type: "apiKey", in: "header", name: "client", description: "Session client from sign-in; send it with `access-token` and `uid`." },
          uid: { type: "apiKey", in: "header", name: "uid", description: "The account's email; send it with `access-token` and `client`." },
        },
      },
    },
    transform: describeRoutes(facts),
    transformObject: finishDocument(facts),
  });
  await app.register(swaggerUi, { routePrefix: "/docs", uiConfig: { url: "/v2/openapi.json" } as never });
  app.get("/v2/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
