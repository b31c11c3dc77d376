import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { User } from "../../accounts/users.js";
import { uidOf, type SessionTokens } from "../../accounts/sessions.js";
import { UnauthorizedError } from "../../errors.js";
import type { Platform } from "../../platform.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The signed-in user; set on every authenticated route. */
    user: User;
    /** The session client the request came with (header auth only). */
    sessionClient?: string;
  }
  interface FastifyContextConfig {
    /**
     * Who may call the route: `required` (every route under requireSignIn), `optional` (the
     * handler decides), or unset (public). The OpenAPI document's security follows it.
     */
    authentication?: "required" | "optional";
    /** The route signs in: its answer carries the session headers. */
    startsSession?: boolean;
  }
}

function header(request: FastifyRequest, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = request.headers[name];
    if (typeof value === "string" && value !== "") return value;
  }
  return undefined;
}

/** Sends the devise_token_auth headers a client stores for its next request. */
export function sendSessionHeaders(reply: FastifyReply, email: string, tokens: SessionTokens): void {
  reply.headers({
    "access-token": tokens.accessToken,
    client: tokens.client,
    uid: uidOf(email),
    expiry: String(tokens.expiry),
    "token-type": "Bearer",
  });
}

/**
 * An onRequest hook: accepts `?api_key=` or the session headers (`access-token`, `client`,
 * `uid`, or `uuid` as the reference spells it), rotating the session token; anything else is
 * the contract's 401.
 */
export function authenticate(platform: Platform) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const apiKey = (request.query as Record<string, unknown> | undefined)?.api_key;
    if (typeof apiKey === "string" && apiKey !== "") {
      const user = await platform.users.byApiKey(apiKey);
      if (!user) throw new UnauthorizedError();
      request.user = user;
      return;
    }
    const accessToken = header(request, "access-token");
    const client = header(request, "client");
    const uid = header(request, "uid", "uuid");
    if (!accessToken || !client || !uid) throw new UnauthorizedError();
    const check = await platform.sessions.check({ accessToken, client, uid }, async (id) => (await platform.users.byId(id))?.email);
    if (!check) throw new UnauthorizedError();
    const user = await platform.users.byId(check.userId);
    if (!user) throw new UnauthorizedError();
    request.user = user;
    request.sessionClient = client;
    if (check.tokens) sendSessionHeaders(reply, user.email, check.tokens);
  };
}

/**
 * Makes every route of `scope` need a signed-in user: checked before anything else runs, and
 * marked on the route (`config.authentication`) so its documentation says so.
 */
export function requireSignIn(scope: FastifyInstance, platform: Platform): void {
  scope.addHook("onRoute", (route) => {
    route.config = { ...route.config, authentication: "required" };
  });
  scope.addHook("onRequest", authenticate(platform));
}
