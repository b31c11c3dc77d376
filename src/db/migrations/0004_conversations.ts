import { cascadeTo, type MigrationContext } from "./dialect.js";

/** Open "Wait for answer" prompts: one per user in a chat of a bot (spec/bjs.md §1.5). */
export async function up({ db, id, bigint }: MigrationContext): Promise<void> {
  await id(db.schema.createTable("bot_waits"))
    .addColumn("bot_id", bigint, cascadeTo("bots"))
    .addColumn("chat_id", bigint, (c) => c.notNull())
    .addColumn("user_id", bigint, (c) => c.notNull())
    .addColumn("command_id", bigint, (c) => c.notNull())
    .addColumn("options", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("bot_waits_one_per_user_chat", ["bot_id", "chat_id", "user_id"])
    .execute();
}
