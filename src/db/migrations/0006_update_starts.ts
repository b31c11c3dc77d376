import type { MigrationContext } from "./dialect.js";

/**
 * How many times handling an update began: an update that began several times without ever
 * finishing or failing took its process down each time, and is set aside at the next start.
 */
export async function up({ db }: MigrationContext): Promise<void> {
  await db.schema.alterTable("update_inbox").addColumn("starts", "integer", (c) => c.notNull().defaultTo(0)).execute();
}
