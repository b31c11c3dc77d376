import type { FastifyReply, FastifyRequest } from "fastify";
import type { Page, Window } from "../db/paging.js";
import { offsetOf, sendPageHeaders, type PageRequest } from "./pagination.js";

/**
 * Answers one page of a list endpoint: fetches the window the query asks for, sends
 * X-Total-Count and Link, and presents each item.
 */
export async function answerPage<T, R>(
  request: FastifyRequest,
  reply: FastifyReply,
  query: PageRequest,
  fetch: (window: Window) => Promise<Page<T>>,
  present: (item: T) => R,
): Promise<R[]> {
  const page = await fetch({ limit: query.per_page, offset: offsetOf(query) });
  sendPageHeaders(request, reply, query, page.total);
  return page.items.map(present);
}
