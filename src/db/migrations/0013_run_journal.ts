import { cascadeTo, type MigrationContext } from "./dialect.js";

/**
 * Effects exactly once across processes (issue 17): what became of each delivery (an update
 * from the inbox, a job's run), and the Telegram calls and job enqueues a committed run left
 * to do after its commit, in order, each marked as it goes.
 */
export async function up({ db, bigint }: MigrationContext): Promise<void> {
  await db.schema
    .createTable("run_journal")
    .addColumn("delivery_key", "text", (c) => c.primaryKey())
    .addColumn("bot_id", bigint, cascadeTo("bots"))
    // "began": effects reached the outside before the run committed; "committed": the run's writes and outbox are in.
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("created_at", bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex("run_journal_created").on("run_journal").column("created_at").execute();

  await db.schema
    .createTable("run_outbox")
    .addColumn("delivery_key", "text", (c) => c.notNull().references("run_journal.delivery_key").onDelete("cascade"))
    .addColumn("seq", "integer", (c) => c.notNull())
    // "telegram": a Bot API call (`method`, `payload` its params); "jobs": job specs to enqueue.
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("method", "text")
    .addColumn("payload", "text", (c) => c.notNull())
    // "pending", then "sending" just before the call, "sent" once it is made.
    .addColumn("status", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("run_outbox_key_seq", ["delivery_key", "seq"])
    .execute();
}
