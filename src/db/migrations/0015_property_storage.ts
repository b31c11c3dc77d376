import { sql, type RawBuilder } from "kysely";
import type { MigrationContext } from "./dialect.js";

/**
 * What each bot's properties take, kept by the database itself so that every way a property
 * is written or removed counts (BJS, a bot's copy, a list's deletion, a bot's deletion), and
 * the platform can refuse a bot more than its share of the disk (PropertyStore, BOT_PROPERTIES_MB).
 * A property counts the bytes of its name and its value, plus 64 for its row and its index entry.
 *
 * PostgreSQL counts at commit (a deferred constraint trigger): counting at the write would lock
 * the bot's row until the run's transaction ends, and runs of one bot in different chats would
 * wait for each other. SQLite has one writer at a time, so it counts at once.
 * The bot's row is inserted by the first property's count, and only if the bot is still there
 * (a count that comes after the bot was deleted is dropped).
 */
export async function up({ db, engine, bigint }: MigrationContext): Promise<void> {
  await db.schema
    .createTable("bot_storage")
    .addColumn("bot_id", bigint, (c) => c.primaryKey().references("bots.id").onDelete("cascade"))
    .addColumn("property_bytes", bigint, (c) => c.notNull())
    .execute();

  const size = (row: "NEW" | "OLD") => sql.raw(`(octet_length(${row}.name) + octet_length(${row}.value) + 64)`);
  const add = (delta: RawBuilder<unknown>) => sql`
    INSERT INTO bot_storage (bot_id, property_bytes) SELECT NEW.bot_id, ${delta} WHERE EXISTS (SELECT 1 FROM bots WHERE id = NEW.bot_id)
    ON CONFLICT (bot_id) DO UPDATE SET property_bytes = bot_storage.property_bytes + excluded.property_bytes`;
  const remove = sql`UPDATE bot_storage SET property_bytes = property_bytes - ${size("OLD")} WHERE bot_id = OLD.bot_id`;

  if (engine === "sqlite") {
    await sql`CREATE TRIGGER properties_counted_insert AFTER INSERT ON properties BEGIN ${add(size("NEW"))}; END`.execute(db);
    await sql`CREATE TRIGGER properties_counted_update AFTER UPDATE OF name, value ON properties BEGIN ${add(sql`${size("NEW")} - ${size("OLD")}`)}; END`.execute(db);
    await sql`CREATE TRIGGER properties_counted_delete AFTER DELETE ON properties BEGIN ${remove}; END`.execute(db);
  } else {
    await sql`
      CREATE FUNCTION properties_counted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN ${remove};
        ELSIF TG_OP = 'UPDATE' THEN ${add(sql`${size("NEW")} - ${size("OLD")}`)};
        ELSE ${add(size("NEW"))};
        END IF;
        RETURN NULL;
      END $$`.execute(db);
    await sql`
      CREATE CONSTRAINT TRIGGER properties_counted AFTER INSERT OR UPDATE OF name, value OR DELETE ON properties
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION properties_counted()`.execute(db);
  }

  await sql`
    INSERT INTO bot_storage (bot_id, property_bytes)
    SELECT bot_id, sum(octet_length(name) + octet_length(value) + 64) FROM properties GROUP BY bot_id`.execute(db);
}
