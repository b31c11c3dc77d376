import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Checkpointer, FALLBACK_AUTOCHECKPOINT_PAGES } from "../../src/db/checkpointer.js";
import { openDatabase } from "../../src/db/database.js";

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "botyard-checkpoint-"));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const failOnError = (error: Error) => {
  throw error;
};

describe("the WAL checkpoint worker", () => {
  it("copies every frame the writer left in the WAL into the database file", async () => {
    const file = join(folder, "data.sqlite");
    const writer = new BetterSqlite3(file);
    writer.pragma("journal_mode = WAL");
    writer.pragma("wal_autocheckpoint = 0");
    writer.exec("create table notes (body text)");
    const insert = writer.prepare("insert into notes (body) values (?)");
    for (let i = 0; i < 300; i++) insert.run("x".repeat(500));
    const sizeBefore = statSync(file).size;

    const checkpointer = new Checkpointer(file, failOnError, 60_000);
    const result = await checkpointer.checkpoint();
    expect(result.busy).toBe(0);
    expect(result.log).toBeGreaterThan(10);
    expect(result.checkpointed).toBe(result.log);
    expect(statSync(file).size).toBeGreaterThan(sizeBefore);
    await checkpointer.stop();
    writer.close();
  });

  it("reports a worker that cannot open the database", async () => {
    const died = new Promise<Error>((resolve) => new Checkpointer(join(folder, "missing.sqlite"), resolve, 60_000));
    expect((await died).message).toMatch(/unable to open database|does not exist/);
  });

  it("runs beside a database opened for a long-running process, which keeps a fallback of its own", async () => {
    const database = openDatabase({ dataDir: folder, backgroundCheckpoints: { onError: failOnError } });
    const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(database.db);
    expect(rows[0]!.wal_autocheckpoint).toBe(FALLBACK_AUTOCHECKPOINT_PAGES);
    await database.close();
    const plain = openDatabase({ dataDir: folder });
    const { rows: defaults } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(plain.db);
    expect(defaults[0]!.wal_autocheckpoint).toBe(1000);
    await plain.close();
  });
});
