import { loadConfig } from "../config.js";
import { openDatabase } from "../db/database.js";
import { migrateToLatest } from "../db/migrate.js";
import type { CliCommand } from "./command.js";
import { parseOptions } from "./options.js";

/** Brings the database schema up to date and exits. */
export const migrateCommand: CliCommand = {
  name: "migrate",
  summary: "Apply pending database migrations and exit (serve does this at start too)",
  usage: [
    "Usage: botyard migrate",
    "",
    "Applies every pending migration to the database named by DATABASE_URL (PostgreSQL),",
    "or to the SQLite file in DATA_DIR when DATABASE_URL is unset, then exits.",
  ].join("\n"),
  async run(args) {
    parseOptions(args, {});
    const config = loadConfig();
    const database = openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
    try {
      const applied = await migrateToLatest(database);
      console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "The database is up to date.");
    } finally {
      await database.close();
    }
  },
};
