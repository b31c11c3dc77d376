import { sql, type RawBuilder } from "kysely";
import type { MigrationContext } from "./dialect.js";

/**
 * What each bot's stored data take (its properties and its lists), kept by the database itself
 * so that every way a row is written or removed counts (BJS, a bot's copy, a list's deletion, a
 * bot's deletion), and the platform can refuse a bot more than its share of the disk
 * (StorageQuota, BOT_STORAGE_MB). A property counts the bytes of its name and its value, a list
 * the bytes of its name, each plus 64 for its row and its index entry; a list's member counts 64.
 * (The disk holds more: row headers and indexes take up to about three times as much for the
 * smallest rows; the count bounds what a bot can store, it does not measure the file.)
 *
 * PostgreSQL counts at commit (deferred constraint triggers): counting at the write would lock
 * the bot's row until the run's transaction ends, and runs of one bot in different chats would
 * wait for each other. SQLite has one writer at a time, so it counts at once.
 * The bot's row is inserted by its first count, and only if the bot is still there (a count
 * that comes after the bot was deleted is dropped).
 */
export async function up({ db, engine, bigint }: MigrationContext): Promise<void> {
  await db.schema
    .createTable("bot_storage")
    .addColumn("bot_id", bigint, (c) => c.primaryKey().references("bots.id").onDelete("cascade"))
    .addColumn("bytes", bigint, (c) => c.notNull())
    .execute();

  // A list's members carry their bot, so that their count needs no list (gone first when a list is deleted).
  await db.schema.alterTable("bot_list_users").addColumn("bot_id", bigint).execute();
  await sql`UPDATE bot_list_users SET bot_id = (SELECT bot_id FROM bot_lists WHERE bot_lists.id = bot_list_users.list_id)`.execute(db);

  /** Adds `delta` to the bot's count: inserts its row when it has none, if the bot is there. */
  const add = (delta: RawBuilder<unknown>) => sql`
    INSERT INTO bot_storage (bot_id, bytes) SELECT NEW.bot_id, ${delta} WHERE EXISTS (SELECT 1 FROM bots WHERE id = NEW.bot_id)
    ON CONFLICT (bot_id) DO UPDATE SET bytes = bot_storage.bytes + excluded.bytes`;
  /** Takes a removed row's size off: never inserts, since its bot may be going (a cascade) and the row with it. */
  const remove = (size: RawBuilder<unknown>) => sql`UPDATE bot_storage SET bytes = bytes - ${size} WHERE bot_id = OLD.bot_id`;
  const raw = (text: string) => sql.raw(text);
  const counted = [
    { table: "properties", columns: "name, value", size: (row: string) => raw(`(octet_length(${row}.name) + octet_length(${row}.value) + 64)`) },
    { table: "bot_lists", columns: "name", size: (row: string) => raw(`(octet_length(${row}.name) + 64)`) },
    { table: "bot_list_users", columns: "bot_id", size: () => raw("64") },
  ];

  for (const { table, columns, size } of counted) {
    const inserted = add(size("NEW"));
    const updated = add(sql`${size("NEW")} - ${size("OLD")}`);
    const deleted = remove(size("OLD"));
    const name = sql.raw(`${table}_counted`);
    if (engine === "sqlite") {
      await sql`CREATE TRIGGER ${raw(`${table}_counted_insert`)} AFTER INSERT ON ${raw(table)} BEGIN ${inserted}; END`.execute(db);
      await sql`CREATE TRIGGER ${raw(`${table}_counted_update`)} AFTER UPDATE OF ${raw(columns)} ON ${raw(table)} BEGIN ${updated}; END`.execute(db);
      await sql`CREATE TRIGGER ${raw(`${table}_counted_delete`)} AFTER DELETE ON ${raw(table)} BEGIN ${deleted}; END`.execute(db);
    } else {
      await sql`
        CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN ${deleted};
          ELSIF TG_OP = 'UPDATE' THEN ${updated};
          ELSE ${inserted};
          END IF;
          RETURN NULL;
        END $$`.execute(db);
      await sql`
        CREATE CONSTRAINT TRIGGER ${name} AFTER INSERT OR UPDATE OF ${raw(columns)} OR DELETE ON ${raw(table)}
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ${name}()`.execute(db);
    }
  }

  await sql`
    INSERT INTO bot_storage (bot_id, bytes)
    SELECT bot_id, sum(bytes) FROM (
      SELECT bot_id, octet_length(name) + octet_length(value) + 64 AS bytes FROM properties
      UNION ALL SELECT bot_id, octet_length(name) + 64 FROM bot_lists
      UNION ALL SELECT bot_id, 64 FROM bot_list_users
    ) AS stored GROUP BY bot_id`.execute(db);
}
