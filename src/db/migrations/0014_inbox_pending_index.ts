import { sql } from "kysely";
import type { MigrationContext } from "./dialect.js";

/**
 * Every index an update's row is in costs a page written at each commit it takes part in (its
 * insert, its start, its done mark), and commits are most of what the inbox costs
 * (bench/runtime.ts). Resume needs only the pending rows, so they get an index of their own that
 * a finished row leaves; pruning bisects the ids instead of indexing `finished_at` (inbox.ts).
 */
export async function up({ db }: MigrationContext): Promise<void> {
  await db.schema.dropIndex("update_inbox_status").execute();
  await db.schema.dropIndex("update_inbox_finished").execute();
  await db.schema.createIndex("update_inbox_pending").on("update_inbox").column("id").where(sql.ref("status"), "=", sql.lit("pending")).execute();
}
