import type { FastifyReply, FastifyRequest } from "fastify";
import { queryWhole } from "./query-whole.js";

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 200;

/** Pages past any list: the offset of the last stays a safe integer. */
const MAX_PAGE = Math.floor(Number.MAX_SAFE_INTEGER / MAX_PER_PAGE);

/** The `page` and `per_page` query parameters every list endpoint takes. */
export const pageQuery = {
  page: queryWhole("Page", { max: MAX_PAGE, over: MAX_PAGE, fallback: 1 }).describe("The page, from 1; a page past the end is []."),
  per_page: queryWhole("Per page", { max: MAX_PER_PAGE, fallback: DEFAULT_PER_PAGE }).describe(`Items per page (at most ${MAX_PER_PAGE}).`),
};

export interface PageRequest {
  page: number;
  per_page: number;
}

/** The rows to skip for a page. */
export function offsetOf({ page, per_page }: PageRequest): number {
  return (page - 1) * per_page;
}

/**
 * Sends `X-Total-Count` and an RFC 8288 `Link` header (first, prev, next, last) so clients
 * need not probe for the end.
 */
export function sendPageHeaders(request: FastifyRequest, reply: FastifyReply, page: PageRequest, total: number): void {
  const last = Math.max(1, Math.ceil(total / page.per_page));
  const link = (n: number, rel: string) => {
    const url = new URL(request.url, "http://placeholder");
    url.searchParams.set("page", String(n));
    url.searchParams.set("per_page", String(page.per_page));
    url.searchParams.delete("api_key");
    return `<${url.pathname}${url.search}>; rel="${rel}"`;
  };
  const links = [link(1, "first")];
  if (page.page > 1) links.push(link(Math.min(page.page - 1, last), "prev"));
  if (page.page < last) links.push(link(page.page + 1, "next"));
  links.push(link(last, "last"));
  reply.header("x-total-count", String(total)).header("link", links.join(", "));
}

/** One page of an in-memory list, with its headers sent. */
export function pageOf<T>(request: FastifyRequest, reply: FastifyReply, page: PageRequest, items: T[]): T[] {
  sendPageHeaders(request, reply, page, items.length);
  return items.slice(offsetOf(page), offsetOf(page) + page.per_page);
}
