import { cascadeTo, type MigrationContext } from "./dialect.js";

/**
 * Bots and everything a bot owns. Every owned table carries `bot_id` with a cascading key,
 * so deleting the bot row removes all of it in the same statement.
 */
export async function up({ db, id, bigint }: MigrationContext): Promise<void> {
  await id(db.schema.createTable("bots"))
    .addColumn("owner_id", bigint, cascadeTo("users"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("token_sealed", "text")
    .addColumn("token_hash", "text", (c) => c.unique())
    .addColumn("username", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("status_error", "text")
    .addColumn("pic_url", "text")
    .addColumn("csv_url", "text")
    .addColumn("git_remote", "text")
    .addColumn("store_bot_id", bigint)
    .addColumn("last_run_at", "text")
    .addColumn("webhook_secret", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("bots_owner_id").on("bots").column("owner_id").execute();

  await id(db.schema.createTable("commands_folders"))
    .addColumn("bot_id", bigint, cascadeTo("bots"))
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("commands_folders_bot_title", ["bot_id", "title"])
    .execute();

  await id(db.schema.createTable("bot_commands"))
    .addColumn("bot_id", bigint, cascadeTo("bots"))
    .addColumn("command", "text", (c) => c.notNull())
    .addColumn("help", "text")
    .addColumn("answer", "text")
    .addColumn("keyboard_body", "text")
    .addColumn("group_title", "text")
    .addColumn("need_reply", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("auto_retry_time", bigint)
    .addColumn("last_auto_retry_at", "text")
    // Deleting a folder moves its commands to the root.
    .addColumn("commands_folder_id", bigint, (c) => c.references("commands_folders.id").onDelete("set null"))
    .addColumn("code", "text")
    .addColumn("bjs_mode", "text")
    .addColumn("created_via_csv_import", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_csv_import_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    // Routing looks commands up by exact name; this also makes names unique per bot.
    .addUniqueConstraint("bot_commands_bot_command", ["bot_id", "command"])
    .execute();
  await db.schema.createIndex("bot_commands_folder").on("bot_commands").column("commands_folder_id").execute();

  await id(db.schema.createTable("command_aliases"))
    .addColumn("bot_id", bigint, cascadeTo("bots"))
    .addColumn("bot_command_id", bigint, cascadeTo("bot_commands"))
    .addColumn("command", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  // Routing looks aliases up by lower-cased text per bot.
  await db.schema.createIndex("command_aliases_bot_command").on("command_aliases").columns(["bot_id", "command"]).execute();
  await db.schema.createIndex("command_aliases_owner").on("command_aliases").column("bot_command_id").execute();

  await id(db.schema.createTable("bot_users"))
    .addColumn("bot_id", bigint, cascadeTo("bots"))
    .addColumn("telegramid", bigint, (c) => c.notNull())
    .addColumn("first_name", "text")
    .addColumn("last_name", "text")
    .addColumn("username", "text")
    .addColumn("language_code", "text")
    .addColumn("user_group", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("bot_users_bot_telegramid", ["bot_id", "telegramid"])
    .execute();

  await id(db.schema.createTable("chats"))
    .addColumn("bot_id", bigint, cascadeTo("bots"))
    .addColumn("chatid", "text", (c) => c.notNull())
    .addColumn("chat_type", "text", (c) => c.notNull())
    .addColumn("title", "text")
    .addColumn("username", "text")
    .addColumn("user_id", bigint, (c) => c.references("bot_users.id").onDelete("set null"))
    .addColumn("blocked", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("chats_bot_chatid", ["bot_id", "chatid"])
    .execute();
  await db.schema.createIndex("chats_user_id").on("chats").column("user_id").execute();

  // Bot-scoped properties have user_id 0, so one unique key covers both scopes.
  await id(db.schema.createTable("properties"))
    .addColumn("bot_id", bigint, cascadeTo("bots"))
    .addColumn("user_id", bigint, (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("value_type", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("properties_bot_user_name", ["bot_id", "user_id", "name"])
    .execute();

  // command_id has no key: an entry may outlive its command.
  await id(db.schema.createTable("error_logs"))
    .addColumn("bot_id", bigint, cascadeTo("bots"))
    .addColumn("command_id", bigint)
    .addColumn("command_name", "text")
    .addColumn("segment", "text")
    .addColumn("line", "integer")
    .addColumn("column", "integer")
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("stack", "text")
    .addColumn("trigger", "text")
    .addColumn("chat_id", bigint)
    .addColumn("user_id", bigint)
    .addColumn("group_key", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("error_logs_bot_id").on("error_logs").columns(["bot_id", "id"]).execute();

  await id(db.schema.createTable("admin_panels"))
    .addColumn("bot_id", bigint, cascadeTo("bots"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("title", "text")
    .addColumn("description", "text")
    .addColumn("position", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("icon", "text")
    .addColumn("button_title", "text")
    .addColumn("fields", "text", (c) => c.notNull())
    .addColumn("on_saving", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("admin_panels_bot_name", ["bot_id", "name"])
    .execute();

  await id(db.schema.createTable("bot_libs"))
    .addColumn("bot_id", bigint, cascadeTo("bots"))
    .addColumn("lib_id", "integer", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("bot_libs_bot_lib", ["bot_id", "lib_id"])
    .execute();
  await db.schema.createIndex("bot_libs_lib_id").on("bot_libs").column("lib_id").execute();
}
