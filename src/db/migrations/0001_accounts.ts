import { cascadeTo, type MigrationContext } from "./dialect.js";

/** Accounts: users, session clients, password resets, Telegram links, iteration counters. */
export async function up({ db, id, bigint }: MigrationContext): Promise<void> {
  await id(db.schema.createTable("users"))
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("name", "text")
    .addColumn("password_hash", "text")
    .addColumn("api_key_hash", "text", (c) => c.notNull().unique())
    .addColumn("api_key_sealed", "text", (c) => c.notNull())
    .addColumn("ads_enabled", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("payment_plan", "text", (c) => c.notNull())
    .addColumn("extra_points", bigint, (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();

  await id(db.schema.createTable("sessions"))
    .addColumn("user_id", bigint, cascadeTo("users"))
    .addColumn("client", "text", (c) => c.notNull().unique())
    .addColumn("token_hash", "text", (c) => c.notNull())
    .addColumn("token_issued_at", "text", (c) => c.notNull())
    .addColumn("previous_token_hash", "text")
    .addColumn("previous_valid_until", "text")
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sessions_user_id").on("sessions").column("user_id").execute();

  await id(db.schema.createTable("password_resets"))
    .addColumn("user_id", bigint, cascadeTo("users"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("used_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await id(db.schema.createTable("telegram_accounts"))
    .addColumn("user_id", bigint, cascadeTo("users"))
    .addColumn("telegramid", bigint, (c) => c.notNull().unique())
    .addColumn("first_name", "text")
    .addColumn("last_name", "text")
    .addColumn("username", "text")
    .addColumn("photo_url", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("telegram_accounts_user_id").on("telegram_accounts").column("user_id").execute();

  await id(db.schema.createTable("telegram_link_tokens"))
    .addColumn("user_id", bigint, cascadeTo("users"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("iteration_counters")
    .addColumn("owner_id", bigint, cascadeTo("users"))
    .addColumn("bot_id", bigint, (c) => c.notNull())
    .addColumn("period", "text", (c) => c.notNull())
    .addColumn("used", bigint, (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint("iteration_counters_pk", ["owner_id", "period", "bot_id"])
    .execute();
}
