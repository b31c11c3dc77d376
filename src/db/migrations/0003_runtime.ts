import { cascadeTo, type MigrationContext } from "./dialect.js";

/**
 * The bot runtime's durable state. `update_inbox` holds every accepted Telegram update until
 * it is handled (and a while after, so a redelivered update_id is recognised and dropped).
 */
export async function up({ db, id, bigint }: MigrationContext): Promise<void> {
  await id(db.schema.createTable("update_inbox"))
    .addColumn("bot_id", bigint, cascadeTo("bots"))
    .addColumn("update_id", bigint, (c) => c.notNull())
    .addColumn("ordering_key", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("received_at", "text", (c) => c.notNull())
    .addColumn("finished_at", "text")
    .addUniqueConstraint("update_inbox_bot_update", ["bot_id", "update_id"])
    .execute();
  // Resume reads the pending rows in order; pruning finds the old finished ones.
  await db.schema.createIndex("update_inbox_status").on("update_inbox").columns(["status", "id"]).execute();
  await db.schema.createIndex("update_inbox_finished").on("update_inbox").column("finished_at").execute();
}
