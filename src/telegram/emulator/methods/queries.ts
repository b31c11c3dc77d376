import type { Method, MethodContext } from "../context.js";
import { badRequest } from "../errors.js";

/** Records the bot's one answer to a query it received; a second answer is refused. */
function answer(ctx: MethodContext, idParam: string, answer: Record<string, unknown>): true {
  const query = ctx.world.queries.get(ctx.params.string(idParam) ?? "");
  if (!query || query.botId !== ctx.bot.user.id || query.answer) {
    throw badRequest("query is too old and response timeout expired or query ID is invalid");
  }
  query.answer = answer;
  ctx.world.changed();
  return true;
}

/** Pick the named parameters that were given, as a stored answer. */
function given(ctx: MethodContext, names: string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((name) => ctx.params.has(name)).map((name) => [name, ctx.params.raw[name]]));
}

/** Answers to callback queries (button presses) and inline queries. */
export const queryMethods: Record<string, Method> = {
  answerCallbackQuery: (ctx) => {
    const text = ctx.params.string("text");
    if (text && text.length > 200) throw badRequest("MESSAGE_TOO_LONG");
    return answer(ctx, "callback_query_id", given(ctx, ["text", "show_alert", "url", "cache_time"]));
  },

  answerInlineQuery: (ctx) => {
    const results = ctx.params.json<Array<{ type?: string; id?: string }>>("results") ?? [];
    if (!Array.isArray(results)) throw badRequest("can't parse results JSON object");
    if (results.length > 50) throw badRequest("RESULTS_TOO_MUCH");
    const ids = new Set<string>();
    for (const result of results) {
      if (!result?.type) throw badRequest("can't parse InlineQueryResult: Field \"type\" must be of type String");
      const id = String(result.id ?? "");
      if (id === "" || Buffer.byteLength(id) > 64) throw badRequest("RESULT_ID_INVALID");
      if (ids.has(id)) throw badRequest("RESULT_ID_DUPLICATE");
      ids.add(id);
    }
    return answer(ctx, "inline_query_id", { results, ...given(ctx, ["cache_time", "is_personal", "next_offset", "button"]) });
  },
};
