import { sql, type Kysely } from "kysely";
import type { Schema } from "../db/schema.js";

/**
 * Marks a change to a bot's commands (a command, its aliases, or a folder they show). Call it
 * in the writing transaction: the runtime reloads its routing table when the version moves,
 * which a timestamp cannot promise for two edits in the same millisecond.
 */
export async function bumpCommandsVersion(db: Kysely<Schema>, botId: number): Promise<void> {
  await db.updateTable("bots").set({ commands_version: sql`commands_version + 1` }).where("id", "=", botId).execute();
}
