import type { FunctionComponent } from "preact";

/** What a page gets: the path's parameters and the query string. */
export interface PageProps {
  params: Record<string, string>;
  query: URLSearchParams;
}

/**
 * A page of the dashboard. Each file in pages/ exports one as `page`, and that is all it
 * takes to add a page: the router and the navigation find it there.
 */
export interface Page {
  /** The address pattern, e.g. `/bots/:id/errors`. */
  path: string;
  title: string;
  /** Where a link to it shows: the top bar, or a bot's tabs (pages without stay unlisted). */
  nav?: "main" | "bot";
  /** Position among the links of its bar. */
  order?: number;
  /** Reachable signed out (sign-in, sign-up, password reset). */
  public?: boolean;
  component: FunctionComponent<PageProps>;
}

const modules = import.meta.glob<Page>("./pages/*.tsx", { eager: true, import: "page" });

/** Every page, in navigation order. */
export const pages: Page[] = Object.values(modules).sort((a, b) => (a.order ?? 99) - (b.order ?? 99));

/** The links of a navigation bar. */
export function navPages(bar: "main" | "bot"): Page[] {
  return pages.filter((page) => page.nav === bar);
}
