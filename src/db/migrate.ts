import { Migrator, sql, type Migration, type MigrationProvider } from "kysely";
import type { Database } from "./database.js";
import { migrationContext, type MigrationContext } from "./migrations/dialect.js";
import * as accounts from "./migrations/0001_accounts.js";
import * as bots from "./migrations/0002_bots.js";
import * as runtime from "./migrations/0003_runtime.js";
import * as conversations from "./migrations/0004_conversations.js";
import * as commandsVersion from "./migrations/0005_commands_version.js";
import * as jobs from "./migrations/0006_jobs.js";
import * as updateStarts from "./migrations/0007_update_starts.js";
import * as interop from "./migrations/0008_interop.js";
import * as broadcasts from "./migrations/0010_broadcasts.js";
import * as compat from "./migrations/0012_compat.js";
import * as runJournal from "./migrations/0013_run_journal.js";
import * as inboxPendingIndex from "./migrations/0014_inbox_pending_index.js";
import * as botStorage from "./migrations/0015_bot_storage.js";

/** Every migration in order; a new one is appended here and never edited once released. */
const migrations: Record<string, { up(context: MigrationContext): Promise<void> }> = {
  "0001_accounts": accounts,
  "0002_bots": bots,
  "0003_runtime": runtime,
  "0004_conversations": conversations,
  "0005_commands_version": commandsVersion,
  "0006_jobs": jobs,
  "0007_update_starts": updateStarts,
  "0008_interop": interop,
  "0010_broadcasts": broadcasts,
  "0012_compat": compat,
  "0013_run_journal": runJournal,
  "0014_inbox_pending_index": inboxPendingIndex,
  "0015_bot_storage": botStorage,
};

function provider(database: Database): MigrationProvider {
  return {
    async getMigrations() {
      const bound: Record<string, Migration> = {};
      for (const [name, migration] of Object.entries(migrations)) {
        bound[name] = { up: (db) => migration.up(migrationContext(db, database.engine)) };
      }
      return bound;
    },
  };
}

/** The PostgreSQL advisory lock every migration of a database holds ("botyard" in ASCII). */
const MIGRATION_LOCK_KEY = 0x626f7479617264n;

/** Brings the schema up to date; answers the names of the migrations it applied. */
export async function migrateToLatest(database: Database): Promise<string[]> {
  // Kysely looks for its own tables in every schema unless told which one is ours.
  // 0003 was reserved while 0004 and 0005 landed, so databases made in between apply it late.
  const migrator = new Migrator({ db: database.db, provider: provider(database), migrationTableSchema: database.schema, allowUnorderedMigrations: true });
  const migrate = async () => {
    const { error, results } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
  };
  return underMigrationLock(database, migrate);
}

/**
 * Runs schema changes one at a time in the whole database (on PostgreSQL; SQLite's file has a
 * single writer anyway). Kysely reads every schema's tables before it takes its own lock, and a
 * table another process (api and worker starting together, or another schema's) was creating
 * or dropping meanwhile failed that read ("relation ... does not exist").
 */
export async function underMigrationLock<T>(database: Database, work: () => Promise<T>): Promise<T> {
  if (database.engine !== "postgres") return work();
  return database.db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(connection);
    try {
      return await work();
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(connection);
    }
  });
}
