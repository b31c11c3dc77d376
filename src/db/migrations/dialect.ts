import type { ColumnDefinitionBuilder, CreateTableBuilder, Kysely } from "kysely";
import type { Engine } from "../database.js";

/** What a migration gets: the database and the few column types that differ per engine. */
export interface MigrationContext {
  db: Kysely<any>;
  engine: Engine;
  /** Adds an auto-incrementing integer primary key named `id`. */
  id<T extends string>(table: CreateTableBuilder<T, any>): CreateTableBuilder<T, any>;
  /** A 64-bit integer (Telegram ids, counters). */
  bigint: "bigint" | "integer";
}

export function migrationContext(db: Kysely<any>, engine: Engine): MigrationContext {
  return {
    db,
    engine,
    id: (table) =>
      engine === "sqlite"
        ? table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
        : table.addColumn("id", "bigint", (c) => c.primaryKey().generatedByDefaultAsIdentity()),
    bigint: engine === "sqlite" ? "integer" : "bigint",
  };
}

/** A foreign key to `table.id` that goes when its row goes. */
export const cascadeTo =
  (table: string) =>
  (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    c.notNull().references(`${table}.id`).onDelete("cascade");
