import { cascadeTo, type MigrationContext } from "./dialect.js";

/**
 * Broadcasts (`Bot.runAll`, the API): a task per broadcast with its counters and a durable
 * cursor (the last chat id done), and chats that blocked the bot (Telegram answered 403),
 * which later broadcasts skip until the user writes again.
 */
export async function up({ db, id, bigint }: MigrationContext): Promise<void> {
  await id(db.schema.createTable("broadcasts"))
    .addColumn("bot_id", bigint, cascadeTo("bots"))
    .addColumn("command", "text")
    .addColumn("text", "text")
    .addColumn("parse_mode", "text")
    .addColumn("for_chats", "text", (c) => c.notNull())
    .addColumn("options", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("cursor", bigint, (c) => c.notNull().defaultTo(0))
    .addColumn("last_chat_id", bigint, (c) => c.notNull().defaultTo(0))
    .addColumn("total", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("processed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("delivered", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("failed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("blocked", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("active_ms", bigint, (c) => c.notNull().defaultTo(0))
    .addColumn("active_since", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("started_at", "text")
    .addColumn("finished_at", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("broadcasts_bot").on("broadcasts").columns(["bot_id", "id"]).execute();
  await db.schema.alterTable("chats").addColumn("unreachable", "integer", (c) => c.notNull().defaultTo(0)).execute();
  // A broadcast takes a bot's chats in id order after its cursor, a batch at a time.
  await db.schema.createIndex("chats_bot_id").on("chats").columns(["bot_id", "id"]).execute();
}
