import { cascadeTo, type MigrationContext } from "./dialect.js";

/**
 * What old Bots.Business bots need beyond properties (spec/bjs.md §2.9, §2.11): lists, which
 * group a bot's or a user's properties (a property belongs to one list at most) and users;
 * and cached command runs, whose actions are replayed while the cache is valid.
 */
export async function up({ db, id, bigint }: MigrationContext): Promise<void> {
  await id(db.schema.createTable("bot_lists"))
    .addColumn("bot_id", bigint, cascadeTo("bots"))
    // The bot user a user list belongs to; 0 for a bot list (as properties.user_id).
    .addColumn("user_id", bigint, (c) => c.notNull().defaultTo(0))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addUniqueConstraint("bot_lists_bot_user_name", ["bot_id", "user_id", "name"])
    .execute();

  await id(db.schema.createTable("bot_list_users"))
    .addColumn("list_id", bigint, cascadeTo("bot_lists"))
    .addColumn("bot_user_id", bigint, cascadeTo("bot_users"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addUniqueConstraint("bot_list_users_list_user", ["list_id", "bot_user_id"])
    .execute();

  // No foreign key: SQLite cannot add one to an existing table; removing a list detaches in code.
  await db.schema.alterTable("properties").addColumn("list_id", bigint).execute();
  await db.schema.createIndex("properties_list").on("properties").columns(["list_id", "id"]).execute();

  await id(db.schema.createTable("command_caches"))
    .addColumn("bot_id", bigint, cascadeTo("bots"))
    .addColumn("command_id", bigint, cascadeTo("bot_commands"))
    // The bot user of a User.setCache entry; 0 for Bot.setCache.
    .addColumn("user_id", bigint, (c) => c.notNull().defaultTo(0))
    // The run's actions as JSON text, replayed as they are.
    .addColumn("actions", "text", (c) => c.notNull())
    .addColumn("expires_at", bigint, (c) => c.notNull())
    .addUniqueConstraint("command_caches_key", ["bot_id", "command_id", "user_id"])
    .execute();
}
