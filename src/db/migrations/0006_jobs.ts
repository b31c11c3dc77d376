import { sql } from "kysely";
import { cascadeTo, type MigrationContext } from "./dialect.js";

/** The embedded job layer's table (src/jobs/): scheduled runs, retries and callbacks of every bot. */
export async function up({ db, id, bigint }: MigrationContext): Promise<void> {
  await id(db.schema.createTable("jobs"))
    .addColumn("bot_id", bigint, cascadeTo("bots"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("run_at", "text", (c) => c.notNull())
    .addColumn("ordering_key", "text")
    .addColumn("label", "text")
    .addColumn("dedupe_key", "text")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("max_attempts", "integer", (c) => c.notNull())
    .addColumn("locked_by", "text")
    .addColumn("last_error", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  // Claiming takes the earliest due; the next wake-up is the smallest run_at to come.
  await db.schema.createIndex("jobs_run_at").on("jobs").columns(["run_at", "id"]).execute();
  // A bot's jobs: listing, cancelling, and the ordering-key check while claiming.
  await db.schema.createIndex("jobs_bot_ordering").on("jobs").columns(["bot_id", "ordering_key", "id"]).execute();
  await db.schema.createIndex("jobs_bot_label").on("jobs").columns(["bot_id", "label"]).execute();
  await db.schema.createIndex("jobs_bot_dedupe").on("jobs").columns(["bot_id", "dedupe_key"]).unique().where(sql.ref("locked_by"), "is", null).execute();
}
