import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { sql, type Kysely } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock.js";
import { openDatabase, type Database } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { Inbox } from "../../src/runtime/intake/inbox.js";

let folder: string;
let database: Database;
let db: Kysely<any>;
/** A second connection to the same file: it sees only what is committed. */
let observer: BetterSqlite3.Database;

const committedNames = () => observer.prepare("select name from notes order by name").pluck().all();
const insert = (name: string) => db.insertInto("notes").values({ name }).execute();

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), "botyard-sqlite-"));
  database = openDatabase({ dataDir: folder });
  db = database.db as Kysely<any>;
  await sql`create table notes (name text primary key)`.execute(db);
  await database.committed();
  observer = new BetterSqlite3(join(folder, "botyard.sqlite"), { readonly: true });
});

afterEach(async () => {
  observer.close();
  await database.close();
  rmSync(folder, { recursive: true, force: true });
});

describe("the SQLite connection's grouped commits", () => {
  it("commits the writes of one event-loop turn together, and committed() waits for it", async () => {
    await insert("a");
    await insert("b");
    expect(committedNames()).toEqual([]);
    expect(await db.selectFrom("notes").select("name").orderBy("name").execute()).toEqual([{ name: "a" }, { name: "b" }]);
    await database.committed();
    expect(committedNames()).toEqual(["a", "b"]);
  });

  it("keeps the group open for the event loop's next round, so a write there shares the commit", async () => {
    await insert("a");
    await new Promise((resolve) => setImmediate(resolve));
    expect(committedNames()).toEqual([]);
    await insert("b");
    await database.committed();
    expect(committedNames()).toEqual(["a", "b"]);
  });

  it("answers committed() at once when no write is waiting", async () => {
    let resolved = false;
    void database.committed().then(() => (resolved = true));
    await Promise.resolve();
    expect(resolved).toBe(true);
  });

  it("commits the open group before an explicit transaction, whose rollback leaves it alone", async () => {
    await insert("grouped");
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto("notes").values({ name: "in transaction" }).execute();
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    expect(committedNames()).toEqual(["grouped"]);
    await db.transaction().execute((trx) => trx.insertInto("notes").values({ name: "kept" }).execute());
    expect(committedNames()).toEqual(["grouped", "kept"]);
  });

  it("keeps the group's other writes when one statement fails", async () => {
    await insert("a");
    await expect(insert("a")).rejects.toThrow(/UNIQUE/);
    await insert("b");
    await database.committed();
    expect(committedNames()).toEqual(["a", "b"]);
  });

  it("rejects committed() when the group was rolled back", async () => {
    await insert("lost");
    await sql`rollback`.execute(db);
    await expect(database.committed()).rejects.toThrow(/no transaction/);
    expect(committedNames()).toEqual([]);
    await insert("next");
    await database.committed();
    expect(committedNames()).toEqual(["next"]);
  });

  it("commits the open group on close", async () => {
    await insert("last words");
    await database.close();
    database = openDatabase({ dataDir: folder });
    expect(committedNames()).toEqual(["last words"]);
  });
});

describe("durability of what is acknowledged", () => {
  it("answers an accepted update only once its inbox row is committed", async () => {
    await migrateToLatest(database);
    const now = new Date().toISOString();
    await sql`insert into users (id, email, api_key_hash, api_key_sealed, payment_plan, created_at, updated_at) values (1, 'a@example.com', 'h', 's', 'free', ${now}, ${now})`.execute(db);
    await sql`insert into bots (id, owner_id, name, status, webhook_secret, created_at, updated_at) values (7, 1, 'bot', 'works', 's', ${now}, ${now})`.execute(db);
    await database.committed();
    const inbox = new Inbox(database, systemClock);
    const [row] = await inbox.insert(7, [{ update_id: 1 } as never]);
    expect(observer.prepare("select update_id from update_inbox where id = ?").pluck().get(row!.id)).toBe(1);
  });
});
