import type { FastifyRequest } from "fastify";
import type { User } from "../../accounts/users.js";
import type { BotWithCounts } from "../../bots/bots.js";
import { NotFoundError } from "../../errors.js";
import type { Platform } from "../../platform.js";
import { parseId } from "../ids.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The bot of a `/v2/bots/:id/...` route, already checked to be the signed-in user's. */
    bot: BotWithCounts;
  }
}

/**
 * The owner's bot with that path id. Another user's bot, a missing one and an id that cannot
 * be one are alike "Bot not found" (never 403: others' bots are not revealed).
 */
export async function botOfOwner(platform: Platform, owner: User, rawId: unknown): Promise<BotWithCounts> {
  const bot = await platform.bots.store.byIdForOwner(owner.id, parseId(rawId, "Bot"));
  if (!bot) throw new NotFoundError("Bot");
  return bot;
}

/**
 * A hook for route plugins under `/v2/bots/:id`: loads `request.bot` through `botOfOwner`
 * before anything else looks at the request, so no route of the plugin can skip the check
 * and a stranger learns nothing (not even that a body is invalid).
 */
export function requireBot(platform: Platform) {
  return async (request: FastifyRequest): Promise<void> => {
    const { id } = request.params as { id?: string };
    if (id !== undefined) request.bot = await botOfOwner(platform, request.user, id);
  };
}
