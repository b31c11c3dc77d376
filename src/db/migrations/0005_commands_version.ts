import type { MigrationContext } from "./dialect.js";

/** A counter bumped by every change to a bot's commands, so the router knows when to reload them. */
export async function up({ db }: MigrationContext): Promise<void> {
  await db.schema.alterTable("bots").addColumn("commands_version", "integer", (c) => c.notNull().defaultTo(0)).execute();
}
