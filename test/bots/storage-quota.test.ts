import { sql } from "kysely";
import { describe, expect, it, vi } from "vitest";
import { migrateToLatest, underMigrationLock } from "../../src/db/migrate.js";
import { ValidationError } from "../../src/errors.js";
import { engines, usePlatform, type TestPlatform } from "../support/platform.js";
import { createBot, signUpClient } from "../support/bots.js";

/** What the bot's data take as the database counted them; folded, so the total alone says it. */
async function stored(t: TestPlatform, botId: number): Promise<number> {
  const used = await t.platform.storage.used(botId);
  await t.platform.storage.fold(botId);
  const total = Number((await t.platform.database.db.selectFrom("bot_storage").select("bytes").where("bot_id", "=", botId).executeTakeFirst())?.bytes ?? 0);
  expect(total).toBe(used);
  return used;
}

/** What the bot's data take as migration 0015 counts them, recomputed from the rows. */
async function recount(t: TestPlatform, botId: number): Promise<number> {
  const { db } = t.platform.database;
  const properties = await db.selectFrom("properties").select(["name", "value"]).where("bot_id", "=", botId).execute();
  const lists = await db.selectFrom("bot_lists").select(["id", "name"]).where("bot_id", "=", botId).execute();
  const members = lists.length === 0 ? [] : await db.selectFrom("bot_list_users").select("id").where("list_id", "in", lists.map((list) => list.id)).execute();
  const bytes = (text: string) => Buffer.byteLength(text);
  return properties.reduce((sum, row) => sum + bytes(row.name) + bytes(row.value) + 64, 0) + lists.reduce((sum, row) => sum + bytes(row.name) + 64, 0) + members.length * 64;
}

const refusal = (what: string) => `${what}: the bot's properties and lists take 1 MB, their quota is 1 MB (BOT_STORAGE_MB); delete properties or lists the bot no longer needs to store more`;

describe.each(engines())("what a bot stores, on %s", (engine) => {
  const t = usePlatform(engine, { BOT_STORAGE_MB: "1" });
  const QUOTA = 1024 * 1024;
  const big = "x".repeat(10_000);

  async function twoBots() {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api, { name: "Counted" });
    const other = await createBot(api, { name: "Other" });
    const { row: user } = await t.platform.botUsers.remember(bot.id, { id: 556, is_bot: false, first_name: "Bo" });
    return { api, bot, other, user };
  }

  /** Fills the bot's quota with 10 KB properties; answers the first refusal and how many were written before it. */
  async function fill(botId: number) {
    let written = 0;
    let refused: unknown;
    while (refused === undefined && written < 200) {
      refused = await t.platform.properties.set(botId, "bot", `p${written}`, big).then(() => void written++, (error: unknown) => error);
    }
    return { written, refused };
  }

  it("is counted by the database however a property or a list is written or removed, for each bot apart", async () => {
    const { api, bot, other, user } = await twoBots();
    const { properties, lists } = t.platform;

    await properties.set(bot.id, "bot", "a", "x");
    expect(await stored(t, bot.id)).toBe(1 + 3 + 64); // the name, the JSON "x", the row
    await properties.set(bot.id, "user", "ü", "long".repeat(100), { userId: user.id });
    await properties.set(bot.id, "bot", "a", "longer value");
    await properties.set(bot.id, "bot", "a", 1);
    await properties.set(other.id, "bot", "elsewhere", "y");
    expect(await stored(t, bot.id)).toBe(await recount(t, bot.id));
    const gone = await properties.set(bot.id, "bot", "gone", true);
    expect((await api.delete(`/v2/bots/${bot.id}/properties/${gone!.id}`)).statusCode).toBe(200);
    await properties.set(bot.id, "user", "ü", null, { userId: user.id });
    expect(await stored(t, bot.id)).toBe(1 + 1 + 64);

    // A list counts its name and its members; deleting it takes them off (its properties stay, detached).
    const list = await lists.ensure({ botId: bot.id, userId: 0, name: "fans" });
    await lists.addUser(list, user.id);
    await lists.attach(list, (await properties.find(bot.id, "bot", "a"))!.id);
    expect(await stored(t, bot.id)).toBe(1 + 1 + 64 + 4 + 64 + 64);
    await lists.remove(list);
    expect(await stored(t, bot.id)).toBe(1 + 1 + 64);
    expect(await stored(t, other.id)).toBe(await recount(t, other.id));

    // A copy's bot-scoped properties count for the copy.
    const copy = await api.post(`/v2/bots/${bot.id}/copy`, {});
    expect(copy.statusCode).toBe(200);
    expect(await stored(t, copy.json().id)).toBe(1 + 1 + 64);
  });

  it("refuses a bot more once its data fill their quota, and lets it make room", async () => {
    const { bot, other, user } = await twoBots();
    const { properties, lists } = t.platform;
    const list = await lists.ensure({ botId: bot.id, userId: 0, name: "early" });
    const { written, refused } = await fill(bot.id);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as Error).message).toBe(refusal(`Property p${written} not saved`));
    // Refused at the first write after the quota was reached, not before.
    const used = await stored(t, bot.id);
    expect(used).toBeGreaterThanOrEqual(QUOTA);
    expect(used - (4 + 10_002 + 64)).toBeLessThan(QUOTA);
    expect(await properties.get(bot.id, "bot", `p${written}`)).toBeUndefined();

    // No new list or member either; the ones there are still answer.
    await expect(lists.ensure({ botId: bot.id, userId: 0, name: "late" })).rejects.toThrow(refusal("List late not created"));
    await expect(lists.addUser(list, user.id)).rejects.toThrow(refusal(`User ${user.id} not added to list early`));
    expect((await lists.ensure({ botId: bot.id, userId: 0, name: "early" })).id).toBe(list.id);

    // A larger value is refused; one no larger goes; deleting goes, and then a new one fits.
    await expect(properties.set(bot.id, "bot", "p0", `${big}y`)).rejects.toThrow(ValidationError);
    await properties.set(bot.id, "bot", "p0", "small");
    await properties.set(bot.id, "bot", "p1", big.replace("x", "z"));
    expect(await properties.get(bot.id, "bot", "p1")).toBe(big.replace("x", "z"));
    await properties.set(bot.id, "bot", "p2", null);
    await properties.set(bot.id, "bot", "new", big);
    expect(await properties.get(bot.id, "bot", "new")).toBe(big);
    await lists.addUser(list, user.id);
    expect(await stored(t, bot.id)).toBe(await recount(t, bot.id));
    // The quota is each bot's own.
    expect(await properties.set(other.id, "bot", "p0", big)).toBeDefined();
  });
});

// Only PostgreSQL notes changes to fold.
describe.runIf(engines().includes("postgres"))("folding what PostgreSQL noted", () => {
  const t = usePlatform("postgres");

  it("folds a bot's changes one fold at a time, not one per write, while one run's own uncommitted changes are many", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api, { name: "Busy run" });
    const { storage } = t.platform;
    const fold = storage.fold.bind(storage);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const folds = vi.spyOn(storage, "fold").mockImplementation(async (botId) => {
      await held;
      await fold(botId);
    });
    await t.platform.database.runScopes!.transaction(async () => {
      for (let i = 0; i < 200; i++) await t.platform.properties.set(bot.id, "bot", `p${i}`, i);
    });
    expect(folds.mock.calls.length).toBe(1);
    // Let go once the run committed, the fold moves all it wrote.
    release();
    await vi.waitFor(() => expect(storage["folding"].size).toBe(0));
    folds.mockRestore();
    await t.platform.properties.set(bot.id, "bot", "one more", 1);
    expect((await t.platform.database.db.selectFrom("bot_storage_changes").select("bytes").where("bot_id", "=", bot.id).execute()).length).toBeLessThanOrEqual(1);
    expect(await stored(t, bot.id)).toBe(await recount(t, bot.id));
  });
});

describe.each(engines())("counting what a bot stores on %s, from before the count began", (engine) => {
  const t = usePlatform(engine);

  it("counts the properties, lists and members a bot had", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api, { name: "Older" });
    const { row: user } = await t.platform.botUsers.remember(bot.id, { id: 557, is_bot: false, first_name: "Cy" });
    const { database } = t.platform;
    const { db } = database;
    // Back to the schema before migration 0015, with data written then.
    const tables = ["properties", "bot_lists", "bot_list_users"];
    const triggers = tables.flatMap((table) => ["insert", "update", "delete"].map((event) => `DROP TRIGGER ${table}_counted_${event}${engine === "sqlite" ? "" : ` ON ${table}`}`));
    const functions = engine === "sqlite" ? [] : tables.map((table) => `DROP FUNCTION ${table}_counted()`);
    const rest = ["DROP TABLE bot_storage", "DROP TABLE bot_storage_changes", "ALTER TABLE bot_list_users DROP COLUMN bot_id"];
    // Under the migrations' lock: a table dropped while another schema migrates fails that migration's read of every schema.
    await underMigrationLock(database, async () => {
      for (const statement of [...triggers, ...functions, ...rest]) await sql.raw(statement).execute(db);
    });
    await db.deleteFrom("kysely_migration" as never).where("name" as never, "=", "0015_bot_storage" as never).execute();
    const row = (name: string, value: string) => ({ bot_id: bot.id, user_id: 0, name, value_type: "json", value, created_at: "", updated_at: "" });
    await db.insertInto("properties").values([row("kept", '"since before"'), row("also", "42")]).execute();
    const list = await db.insertInto("bot_lists").values({ bot_id: bot.id, user_id: 0, name: "old", created_at: "", updated_at: "" }).returning("id").executeTakeFirstOrThrow();
    await sql`INSERT INTO bot_list_users (list_id, bot_user_id, created_at) VALUES (${list.id}, ${user.id}, '')`.execute(db);

    expect(await migrateToLatest(database)).toEqual(["0015_bot_storage"]);
    expect(await stored(t, bot.id)).toBe(await recount(t, bot.id));
    expect(await stored(t, bot.id)).toBe(4 + 14 + 64 + (4 + 2 + 64) + (3 + 64) + 64);
    await t.platform.properties.set(bot.id, "bot", "also", null);
    await t.platform.lists.remove((await t.platform.lists.find({ botId: bot.id, userId: 0, name: "old" }))!);
    expect(await stored(t, bot.id)).toBe(4 + 14 + 64);
  });
});
