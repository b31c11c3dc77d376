import { mkdirSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from "kysely";
import type { Schema } from "./schema.js";

export type Engine = "sqlite" | "postgres";

/** An open database: the typed query builder and the engine under it. */
export interface Database {
  db: Kysely<Schema>;
  engine: Engine;
  /** The PostgreSQL schema it works in, when not the default. */
  schema?: string;
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
}

// int8 (counts, bigint ids) as numbers: ids and counters stay far below 2^53.
const pgTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === 20 ? Number : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Prepared statements kept per SQL text; kysely would prepare each query anew. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * better-sqlite3 as kysely sees it, with prepared statements reused: preparing costs more than
 * running most of our queries. The connection is used by one query at a time, so sharing a
 * statement is safe.
 */
function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

function openSqlite(dataDir: string): Database {
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
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, engine: "sqlite", close: () => db.destroy() };
}

function openPostgres(url: string, schema: string | undefined, poolSize: number): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: pgTypes,
    options: schema ? `-c search_path=${schema}` : undefined,
  });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { db, engine: "postgres", schema, close: () => db.destroy() };
}

/** Opens PostgreSQL when a URL is given, else the embedded SQLite file (WAL mode). */
export function openDatabase(options: DatabaseOptions): Database {
  return options.url
    ? openPostgres(options.url, options.schema, options.poolSize ?? 10)
    : openSqlite(options.dataDir);
}
