import { cascadeTo, type MigrationContext } from "./dialect.js";

/**
 * Imports and exports run as tasks with a status clients poll (a CSV import can take
 * minutes), and a bot keeps the library files its repository holds, so a Git round trip
 * gives the same libs/ back.
 */
export async function up({ db, id, bigint }: MigrationContext): Promise<void> {
  await id(db.schema.createTable("interop_tasks"))
    .addColumn("bot_id", bigint, cascadeTo("bots"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("total", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("processed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("updated", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("removed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("skipped", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("errors", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("error", "text")
    .addColumn("started_at", "text")
    .addColumn("finished_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("interop_tasks_bot").on("interop_tasks").columns(["bot_id", "id"]).execute();
  await db.schema.createIndex("interop_tasks_status").on("interop_tasks").column("status").execute();

  await id(db.schema.createTable("bot_lib_files"))
    .addColumn("bot_id", bigint, cascadeTo("bots"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("bot_lib_files_bot_name", ["bot_id", "name"])
    .execute();
}
