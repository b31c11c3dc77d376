import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { openDatabase, type Database } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";

/** A fresh, migrated database for one benchmark run, and how to throw it away. */
export interface BenchDatabase {
  database: Database;
  close(): Promise<void>;
}

/** A new SQLite file in a temporary folder. */
export async function openSqliteBench(): Promise<BenchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "botyard-bench-"));
  const database = openDatabase({ dataDir: dir });
  await migrateToLatest(database);
  return { database, close: async () => (await database.close(), rmSync(dir, { recursive: true, force: true })) };
}

/** A new schema in the PostgreSQL database at `url`. */
export async function openPostgresBench(url: string): Promise<BenchDatabase> {
  const schema = `bench_${Math.random().toString(36).slice(2, 10)}`;
  const admin = openDatabase({ url, dataDir: "" });
  await admin.db.schema.createSchema(schema).execute();
  await admin.close();
  const database = openDatabase({ url, dataDir: "", schema });
  await migrateToLatest(database);
  return {
    database,
    close: async () => {
      await database.close();
      const cleanup = openDatabase({ url, dataDir: "" });
      await cleanup.db.schema.dropSchema(schema).cascade().execute();
      await cleanup.close();
    },
  };
}

/** TEST_POSTGRES_URL, or the local server, when it answers; undefined otherwise. */
export async function reachablePostgres(): Promise<string | undefined> {
  const url = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return url;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A working bot (and its owner) to hang rows on. */
export async function botIn(database: Database): Promise<number> {
  const now = new Date().toISOString();
  const owner = await database.db
    .insertInto("users")
    .values({ email: `b${Date.now()}@x.y`, name: null, password_hash: null, api_key_hash: `h${Math.random()}`, api_key_sealed: "s", ads_enabled: 0, payment_plan: "free", extra_points: 0, created_at: now, updated_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  const bot = await database.db
    .insertInto("bots")
    .values({ owner_id: owner.id, name: "bench", status: "works", webhook_secret: "s", created_at: now, updated_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  return bot.id;
}
