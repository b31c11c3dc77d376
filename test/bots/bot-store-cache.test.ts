import { describe, expect, it } from "vitest";
import { createBot, signUpClient } from "../support/bots.js";
import { engines, usePlatform } from "../support/platform.js";

describe.each(engines())("the bot rows BotStore keeps in memory, on %s", (engine) => {
  const t = usePlatform(engine);

  async function cachedBot() {
    const { api } = await signUpClient(t.app);
    const { id } = await createBot(api);
    const store = t.platform.bots.store;
    const first = await store.byId(id);
    // A write behind the store's back shows whether byId still answers from memory.
    await t.platform.database.db.updateTable("bots").set({ name: "changed behind its back" }).where("id", "=", id).execute();
    return { api, id, store, first };
  }

  it("answers a bot's row from memory, shared and read-only", async () => {
    const { id, store, first } = await cachedBot();
    const again = await store.byId(id);
    expect(again).toBe(first);
    expect(again?.name).toBe("Test bot");
    expect(Object.isFrozen(again)).toBe(true);
  });

  it("reads the row afresh after a status change", async () => {
    const { id, store } = await cachedBot();
    await store.setStatus(id, { status: "works" });
    expect(await store.byId(id)).toMatchObject({ status: "works", name: "changed behind its back" });
  });

  it("reads the row afresh after an edit through the API", async () => {
    const { api, id, store } = await cachedBot();
    expect((await api.put(`/v2/bots/${id}`, { name: "Renamed" })).statusCode).toBe(200);
    expect((await store.byId(id))?.name).toBe("Renamed");
  });

  it("sees every change to the commands as a new commands_version", async () => {
    const { api, id, store } = await cachedBot();
    const versions = [(await store.byId(id))!.commands_version];
    const command = (await api.post(`/v2/bots/${id}/commands`, { command: "/start" })).json();
    versions.push((await store.byId(id))!.commands_version);
    await api.put(`/v2/bots/${id}/commands/${command.id}`, { command: "/begin" });
    versions.push((await store.byId(id))!.commands_version);
    const folder = (await api.post(`/v2/bots/${id}/commands_folders`, { title: "Shop" })).json();
    expect((await api.delete(`/v2/bots/${id}/commands_folders/${folder.id}`)).statusCode).toBe(200);
    versions.push((await store.byId(id))!.commands_version);
    await api.delete(`/v2/bots/${id}/commands/${command.id}`);
    versions.push((await store.byId(id))!.commands_version);
    expect(versions).toEqual([versions[0], versions[0]! + 1, versions[0]! + 2, versions[0]! + 3, versions[0]! + 4]);
  });

  it("forgets a deleted bot", async () => {
    const { api, id, store } = await cachedBot();
    expect((await api.delete(`/v2/bots/${id}`)).statusCode).toBe(200);
    expect(await store.byId(id)).toBeUndefined();
  });

  it("drops the cached row even when the write fails", async () => {
    const { api, id, store } = await cachedBot();
    const command = (await api.post(`/v2/bots/${id}/commands`, { command: "/start" })).json();
    expect((await api.post(`/v2/bots/${id}/commands`, { command: "/start" })).statusCode).toBe(422);
    expect((await store.byId(id))?.name).toBe("changed behind its back");
    expect(command.id).toBeGreaterThan(0);
  });
});
