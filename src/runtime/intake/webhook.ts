import type { Update } from "@grammyjs/types";
import type { FastifyPluginAsync } from "fastify";
import { safeEqual } from "../../accounts/secrets.js";
import { parseId } from "../../api/ids.js";
import { MAX_JSON_DEPTH, nestsDeeperThan } from "../../json-depth.js";
import { NotFoundError } from "../../errors.js";
import type { Platform } from "../../platform.js";
import { isReceiving } from "../../bots/bots.js";

/** The body as an update, or why it is not one. */
function asUpdate(body: unknown): Update | string {
  if (typeof body !== "string" || body === "") return "Expected a JSON update body";
  if (nestsDeeperThan(body, MAX_JSON_DEPTH)) return `An update is nested too deeply (the limit is ${MAX_JSON_DEPTH} levels)`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return "Malformed JSON in request body";
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return "An update must be a JSON object";
  const updateId = (parsed as { update_id?: unknown }).update_id;
  if (typeof updateId !== "number" || !Number.isSafeInteger(updateId) || updateId < 0) return "An update needs a numeric update_id";
  return parsed as Update;
}

/**
 * Telegram's webhook intake, `POST /telegram/:botId` (public, outside authentication): the
 * secret header is compared in constant time (a refusal is a 404, whatever the reason), the update is committed to the inbox, and only
 * then does Telegram get its 200 (so a crash after the answer loses nothing; one before it
 * makes Telegram send the update again, and the inbox drops the duplicate).
 */
export const webhookRoutes: FastifyPluginAsync<{ platform: Platform }> = async (app, { platform }) => {
  // The update stays text until here: parsed once below, and the API's text guard (meant for
  // stored fields) cannot turn a redelivered update into a 422 that Telegram would retry forever.
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => done(null, body));

  app.post<{ Params: { botId: string } }>("/telegram/:botId", { schema: { hide: true, tags: ["Runtime"] } }, async (request, reply) => {
    // One answer for an unknown bot, a stopped one and a missing or wrong secret: a stranger
    // cannot tell which bot ids exist or run.
    const bot = await platform.bots.store.byId(parseId(request.params.botId, "Bot"));
    const secret = request.headers["x-telegram-bot-api-secret-token"];
    const admitted = bot && isReceiving(bot.status) && typeof secret === "string" && secret !== "" && safeEqual(secret, bot.webhook_secret);
    if (!admitted) throw new NotFoundError("Bot");
    const update = asUpdate(request.body);
    if (typeof update === "string") return reply.code(400).send({ error: update });
    await platform.runtime.intake.accept(bot.id, [update]);
    return {};
  });
};
