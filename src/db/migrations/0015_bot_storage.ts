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
 * SQLite has one writer at a time: row triggers add to the bot's total at once.
 * PostgreSQL's statements append what they changed, per bot, to `bot_storage_changes`, which
 * StorageQuota folds into a bot's total once a check finds a few dozen. Adding to the total in the statement would
 * lock the bot's row until the run's transaction ends, so runs of one bot in different chats
 * would wait for each other; and a row trigger adding at commit made a large statement
 * quadratic (each row's update walked the versions the ones before it left).
 * A bot's total row is inserted by its first count, and only if the bot is still there.
 */
export async function up({ db, engine, bigint }: MigrationContext): Promise<void> {
  await db.schema
    .createTable("bot_storage")
    .addColumn("bot_id", bigint, (c) => c.primaryKey().references("bots.id").onDelete("cascade"))
    .addColumn("bytes", bigint, (c) => c.notNull())
    .execute();
  // No key to the bot: a change may come from a statement that deletes it (a cascade).
  await db.schema.createTable("bot_storage_changes").addColumn("bot_id", bigint, (c) => c.notNull()).addColumn("bytes", bigint, (c) => c.notNull()).execute();
  await db.schema.createIndex("bot_storage_changes_bot").on("bot_storage_changes").column("bot_id").execute();

  // A list's members carry their bot, so that their count needs no list (gone first when a list is deleted).
  await db.schema.alterTable("bot_list_users").addColumn("bot_id", bigint).execute();
  await sql`UPDATE bot_list_users SET bot_id = (SELECT bot_id FROM bot_lists WHERE bot_lists.id = bot_list_users.list_id)`.execute(db);

  const raw = (text: string) => sql.raw(text);
  const counted = [
    { table: "properties", size: (row: string) => raw(`(octet_length(${row}.name) + octet_length(${row}.value) + 64)`) },
    { table: "bot_lists", size: (row: string) => raw(`(octet_length(${row}.name) + 64)`) },
    { table: "bot_list_users", size: () => raw("64") },
  ];

  for (const { table, size } of counted) {
    if (engine === "sqlite") {
      /** Adds `delta` to the bot's total: inserts its row when it has none, if the bot is there. */
      const add = (delta: RawBuilder<unknown>) => sql`
        INSERT INTO bot_storage (bot_id, bytes) SELECT NEW.bot_id, ${delta} WHERE EXISTS (SELECT 1 FROM bots WHERE id = NEW.bot_id)
        ON CONFLICT (bot_id) DO UPDATE SET bytes = bot_storage.bytes + excluded.bytes`;
      // A removed row never inserts: its bot may be going (a cascade), and the total with it.
      const remove = sql`UPDATE bot_storage SET bytes = bytes - ${size("OLD")} WHERE bot_id = OLD.bot_id`;
      await sql`CREATE TRIGGER ${raw(`${table}_counted_insert`)} AFTER INSERT ON ${raw(table)} BEGIN ${add(size("NEW"))}; END`.execute(db);
      await sql`CREATE TRIGGER ${raw(`${table}_counted_update`)} AFTER UPDATE ON ${raw(table)} BEGIN ${add(sql`${size("NEW")} - ${size("OLD")}`)}; END`.execute(db);
      await sql`CREATE TRIGGER ${raw(`${table}_counted_delete`)} AFTER DELETE ON ${raw(table)} BEGIN ${remove}; END`.execute(db);
      continue;
    }
    const changes = (rows: RawBuilder<unknown>) => sql`INSERT INTO bot_storage_changes (bot_id, bytes) SELECT bot_id, sum(bytes) FROM (${rows}) AS changed GROUP BY bot_id HAVING sum(bytes) <> 0`;
    const added = sql`SELECT bot_id, ${size("n")} AS bytes FROM new_rows n`;
    const removed = sql`SELECT bot_id, -${size("o")} AS bytes FROM old_rows o`;
    const name = raw(`${table}_counted`);
    await sql`
      CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN ${changes(added)};
        ELSIF TG_OP = 'UPDATE' THEN ${changes(sql`${added} UNION ALL ${removed}`)};
        ELSE ${changes(removed)};
        END IF;
        RETURN NULL;
      END $$`.execute(db);
    // Transition tables need a trigger per event.
    await sql`CREATE TRIGGER ${raw(`${table}_counted_insert`)} AFTER INSERT ON ${raw(table)} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${name}()`.execute(db);
    await sql`CREATE TRIGGER ${raw(`${table}_counted_update`)} AFTER UPDATE ON ${raw(table)} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${name}()`.execute(db);
    await sql`CREATE TRIGGER ${raw(`${table}_counted_delete`)} AFTER DELETE ON ${raw(table)} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${name}()`.execute(db);
  }

  await sql`
    INSERT INTO bot_storage (bot_id, bytes)
    SELECT bot_id, sum(bytes) FROM (
      SELECT bot_id, octet_length(name) + octet_length(value) + 64 AS bytes FROM properties
      UNION ALL SELECT bot_id, octet_length(name) + 64 FROM bot_lists
      UNION ALL SELECT bot_id, 64 FROM bot_list_users
    ) AS stored GROUP BY bot_id`.execute(db);
}
