import { mkdirSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import type { Schema } from "./schema.js";
import { Checkpointer, FALLBACK_AUTOCHECKPOINT_PAGES } from "./checkpointer.js";
import { SqliteConnection } from "./sqlite-connection.js";
import { RunScopes } from "./run-scope.js";

export type Engine = "sqlite" | "postgres";

/** An open database: the typed query builder and the engine under it. */
export interface Database {
  db: Kysely<Schema>;
  engine: Engine;
  /** The PostgreSQL schema it works in, when not the default. */
  schema?: string;
  /**
   * Resolves once every write made so far is committed. SQLite groups the writes of one
   * event-loop turn into one commit (see SqliteConnection); PostgreSQL commits each at once.
   */
  committed(): Promise<void>;
  /**
   * PostgreSQL only: transactions that every store's queries join from within (a run's writes
   * commit as one, see run-scope.ts). SQLite has one writer in one process and runs without.
   */
  runScopes?: RunScopes;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL URL; undefined = SQLite. */
  url?: string;
  /** Folder of the SQLite file (`botyard.sqlite`), or `:memory:`. */
  dataDir: string;
  /** PostgreSQL schema to work in (tests give each file its own). */
  schema?: string;
  poolSize?: number;
  /**
   * For a long-running process on a SQLite file: checkpoint the WAL from a worker thread
   * (see Checkpointer); `onError` hears why that worker died.
   */
  backgroundCheckpoints?: { onError(error: Error): void };
}

// int8 (counts, bigint ids) as numbers: ids and counters stay far below 2^53.
const pgTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === 20 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function openSqlite(dataDir: string, backgroundCheckpoints: DatabaseOptions["backgroundCheckpoints"]): Database {
  let file = ":memory:";
  if (dataDir !== ":memory:") {
    mkdirSync(dataDir, { recursive: true });
    file = join(dataDir, "botyard.sqlite");
  }
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  let checkpointer: Checkpointer | undefined;
  if (backgroundCheckpoints && file !== ":memory:") {
    sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    checkpointer = new Checkpointer(file, backgroundCheckpoints.onError);
  }
  const connection = new SqliteConnection(sqlite);
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: connection }) });
  return {
    db,
    engine: "sqlite",
    committed: () => connection.committed(),
    async close() {
      await checkpointer?.stop();
      await db.destroy();
    },
  };
}

function openPostgres(url: string, schema: string | undefined, poolSize: number): Database {
  const options = { connectionString: url, types: pgTypes, options: schema ? `-c search_path=${schema}` : undefined };
  const independent = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: new pg.Pool({ ...options, max: 2 }) }) });
  const runScopes = new RunScopes(independent);
  const db = new Kysely<Schema>({ dialect: runScopes.dialect(new PostgresDialect({ pool: new pg.Pool({ ...options, max: poolSize }) })) });
  return {
    db,
    engine: "postgres",
    schema,
    committed: () => Promise.resolve(),
    runScopes,
    async close() {
      await db.destroy();
      await independent.destroy();
    },
  };
}

/** Opens PostgreSQL when a URL is given, else the embedded SQLite file (WAL mode). */
export function openDatabase(options: DatabaseOptions): Database {
  return options.url
    ? openPostgres(options.url, options.schema, options.poolSize ?? 10)
    : openSqlite(options.dataDir, options.backgroundCheckpoints);
}
