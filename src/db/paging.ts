import { sql, type SelectQueryBuilder } from "kysely";

/** A slice of a list: `limit` rows after skipping `offset`. */
export interface Window {
  limit: number;
  offset: number;
}

/** One page of rows and the size of the whole list. */
export interface Page<T> {
  items: T[];
  total: number;
}

/**
 * Runs a filtered, ordered query for one window and counts the whole list with the same
 * filters, so every list endpoint pages the same way.
 */
export async function fetchPage<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>, window: Window): Promise<Page<O>> {
  const [items, counted] = await Promise.all([
    query.limit(window.limit).offset(window.offset).execute(),
    query.clearSelect().clearOrderBy().select(sql<number>`count(*)`.as("total")).executeTakeFirstOrThrow(),
  ]);
  return { items, total: Number((counted as { total: number | string }).total) };
}
