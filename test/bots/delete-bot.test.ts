import { sql } from "kysely";
import { describe, expect, it, vi } from "vitest";
import { engines, usePlatform } from "../support/platform.js";
import { createBot, signUpClient } from "../support/bots.js";
import { rowsOfBot, seedBot, tablesWithColumns } from "./seed.js";

// Columns that point at rows a bot owns, besides bot_id itself (bot users are reached by bot_id).
const OWNED_REFERENCES: Record<string, "command" | "folder"> = { bot_command_id: "command", command_id: "command", commands_folder_id: "folder" };

describe.each(engines())("deleting a bot on %s", (engine) => {
  const t = usePlatform(engine);

  it("leaves no row behind in any table, keeps the owner's other bot whole, and keeps the usage", async () => {
    const { api, user } = await signUpClient(t.app);
    const doomed = await seedBot(t.platform, api, user.id, "Doomed");
    const kept = await seedBot(t.platform, api, user.id, "Kept");
    const keptBefore = await rowsOfBot(t.platform, kept.bot.id);

    // The seed must fill every table that has a bot_id, or the check below would prove nothing:
    // a new table fails here until test/bots/seed.ts writes a row of it.
    const doomedBefore = await rowsOfBot(t.platform, doomed.bot.id);
    for (const [table, rows] of Object.entries(doomedBefore)) expect(rows.length, `no seed row in ${table}: add one in test/bots/seed.ts`).toBeGreaterThan(0);

    expect((await api.delete(`/v2/bots/${doomed.bot.id}`)).statusCode).toBe(200);

    const db = t.platform.database.db;
    const ids = { command: doomed.command.id, folder: doomed.folder.id };
    for (const [table, columns] of await tablesWithColumns(t.platform)) {
      if (columns.includes("bot_id")) {
        const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where bot_id = ${doomed.bot.id}`.execute(db);
        expect(Number(rows[0]!.n), `rows of the deleted bot in ${table}`).toBe(0);
      }
      for (const column of columns.filter((c) => c in OWNED_REFERENCES)) {
        const id = ids[OWNED_REFERENCES[column]!];
        const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} where ${sql.ref(column)} = ${id}`.execute(db);
        expect(Number(rows[0]!.n), `${table}.${column} = ${id} after the delete`).toBe(0);
      }
    }
    expect(await db.selectFrom("bots").select("id").where("id", "=", doomed.bot.id).execute()).toEqual([]);
    expect(await rowsOfBot(t.platform, kept.bot.id)).toEqual(keptBefore);
    const usage = (await api.get("/v2/user/iterations")).json();
    expect(usage.used).toBe(6);
    expect(usage.bots).toEqual([{ bot_id: 0, name: null, used: 3 }, { bot_id: kept.bot.id, name: "Kept", used: 3 }]);
  });

  it("answers 404 to an edit the delete overtook, between its write and its answer, never a 5xx", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api, { name: "Raced" });
    // The delete of a request running beside this one lands right after the edit's write.
    const update = t.platform.bots.update.bind(t.platform.bots);
    const spy = vi.spyOn(t.platform.bots, "update").mockImplementationOnce(async (target, changes) => {
      await update(target, changes);
      expect((await api.delete(`/v2/bots/${bot.id}`)).statusCode).toBe(200);
    });
    try {
      const edited = await api.put(`/v2/bots/${bot.id}`, { name: "Renamed" });
      expect(edited.statusCode).toBe(404);
      expect(edited.json()).toEqual({ error: "Bot not found" });
    } finally {
      spy.mockRestore();
    }
  });
});
