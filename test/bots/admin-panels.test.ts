import { describe, expect, it, vi } from "vitest";
import { engines, usePlatform } from "../support/platform.js";
import { createBot, signUpClient } from "../support/bots.js";

const PANEL_FIELDS = ["bot_id", "button_title", "created_at", "description", "fields", "id", "index", "name", "on_saving", "title", "updated_at"];
const FIELD_FIELDS = ["description", "hidden", "name", "placeholder", "title", "type", "value"];

describe.each(engines())("admin panels on %s", (engine) => {
  const t = usePlatform(engine);

  async function botWithPanels() {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const panels = t.platform.adminPanels.store;
    const later = await panels.setPanel(bot.id, "later", { title: "Second", index: 5 });
    const settings = await panels.setPanel(bot.id, "settings", {
      title: "Settings",
      description: "Bot settings",
      index: 1,
      button_title: "Save",
      on_saving: { command: "/refresh", user_id: 7 },
      fields: [
        { name: "greeting", title: "Greeting", type: "string", value: "Hi" },
        { name: "limit", type: "integer", value: 3 },
        { name: "rate", type: "float", value: 0.5 },
        { name: "api_key", type: "password", value: "s3cret" },
        { name: "enabled", type: "checkbox", value: true, hidden: true },
        { name: "notes", type: "text" },
      ],
    });
    return { api, bot, settings, later, base: `/v2/bots/${bot.id}` };
  }

  it("lists panels by index as AdminPanel, passwords masked", async () => {
    const { api, bot, base, settings, later } = await botWithPanels();
    const response = await api.get(`${base}/active_options`);
    expect(response.statusCode).toBe(200);
    const [first, second] = response.json();
    expect([first.id, second.id]).toEqual([settings.id, later.id]);
    expect(Object.keys(first).sort()).toEqual(PANEL_FIELDS);
    expect(Object.keys(first.fields[0]).sort()).toEqual(FIELD_FIELDS);
    expect(first).toMatchObject({ bot_id: bot.id, name: "settings", title: "Settings", description: "Bot settings", index: 1, button_title: "Save", on_saving: { command: "/refresh", user_id: 7 } });
    expect(Object.fromEntries(first.fields.map((f: { name: string; value: unknown }) => [f.name, f.value]))).toEqual({
      greeting: "Hi", limit: 3, rate: 0.5, api_key: "********", enabled: true, notes: null,
    });
    expect(first.fields[4]).toMatchObject({ name: "enabled", type: "checkbox", hidden: true });
    expect(response.body).not.toContain("s3cret");
    expect(second).toMatchObject({ name: "later", fields: [], on_saving: null, index: 5 });
  });

  it("updates values checked per type, keeps a masked password, then calls the on_saving hook", async () => {
    const { api, bot, base, settings } = await botWithPanels();
    const saved = vi.fn(async () => {});
    t.platform.adminPanels.onPanelSaved = saved;
    const response = await api.put(`${base}/active_options/${settings.id}`, { values: { greeting: "Hello", limit: "10", rate: 2, api_key: "********", enabled: "false" } });
    expect(response.statusCode).toBe(200);
    expect(response.json().fields.map((f: { value: unknown }) => f.value)).toEqual(["Hello", 10, 2, "********", false, null]);
    const values = { greeting: "Hello", limit: 10, rate: 2, api_key: "s3cret", enabled: false, notes: null };
    expect(saved).toHaveBeenCalledWith(expect.objectContaining({ id: bot.id }), expect.objectContaining({ name: "settings" }), values);
    expect((await t.platform.adminPanels.store.byName(bot.id, "settings"))?.fields.find((f) => f.name === "api_key")?.value).toBe("s3cret");
    await api.put(`${base}/active_options/${settings.id}`, { values: { api_key: "n3w" } });
    expect((await t.platform.adminPanels.store.byName(bot.id, "settings"))?.fields.find((f) => f.name === "api_key")?.value).toBe("n3w");
  });

  it("keeps no password in clear in the database, and reads one stored before passwords were sealed", async () => {
    const { bot, settings } = await botWithPanels();
    const stored = async () => (await t.platform.database.db.selectFrom("admin_panels").select("fields").where("id", "=", settings.id).executeTakeFirstOrThrow()).fields;
    expect(await stored()).not.toContain("s3cret");
    expect(await stored()).toContain('"sealed"');
    const legacy = (await stored()).replace(/\{"sealed":"[^"]+"\}/, '"old s3cret"');
    await t.platform.database.db.updateTable("admin_panels").set({ fields: legacy }).where("id", "=", settings.id).execute();
    expect((await t.platform.adminPanels.store.byName(bot.id, "settings"))?.fields.find((f) => f.name === "api_key")?.value).toBe("old s3cret");
  });

  it("refuses values of the wrong type, all at once, and changes nothing", async () => {
    const { api, bot, base, settings } = await botWithPanels();
    const saved = vi.fn(async () => {});
    t.platform.adminPanels.onPanelSaved = saved;
    const response = await api.put(`${base}/active_options/${settings.id}`, { values: { greeting: 5, limit: 1.5, rate: "abc", enabled: "yes", nope: 1 } });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({
      errors: ["greeting must be a string", "limit must be a whole number", "rate must be a number", "enabled must be true or false", "nope is not a field of this panel"],
    });
    expect(saved).not.toHaveBeenCalled();
    expect((await t.platform.adminPanels.store.byName(bot.id, "settings"))?.fields[0]?.value).toBe("Hi");
    expect((await api.put(`${base}/active_options/${settings.id}`, {})).json()).toEqual({ errors: ["Values can't be blank"] });
    // Numbers as a form sends them are decimals; other text Number() reads is not one.
    const notation = await api.put(`${base}/active_options/${settings.id}`, { values: { limit: "0x10", rate: "Infinity" } });
    expect(notation.json()).toEqual({ errors: ["limit must be a whole number", "rate must be a number"] });
    expect((await api.put(`${base}/active_options/${settings.id}`, { values: { limit: " -16 ", rate: "2.5e-1" } })).statusCode).toBe(200);
  });

  it("answers 404 for a panel that is not the bot's", async () => {
    const { api, base, settings } = await botWithPanels();
    const other = await createBot(api, { name: "Other" });
    for (const url of [`${base}/active_options/999999`, `${base}/active_options/abc`, `/v2/bots/${other.id}/active_options/${settings.id}`]) {
      const response = await api.put(url, { values: {} });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: "Admin panel not found" });
    }
  });

  it("answers 422 to values that would make the panel larger than a panel may be, and keeps the old values", async () => {
    const { api, base, settings } = await botWithPanels();
    const response = await api.put(`${base}/active_options/${settings.id}`, { values: { notes: "x".repeat(200_000), greeting: "Hello" } });
    expect(response.statusCode).toBe(422);
    expect(response.json()).toEqual({ errors: ["Admin panel settings is too large (the limit is 65536 bytes of fields and values)"] });
    const [kept] = (await api.get(`${base}/active_options`)).json();
    const valueOf = (name: string) => kept.fields.find((field: { name: string }) => field.name === name).value;
    expect([kept.name, valueOf("greeting"), valueOf("notes")]).toEqual(["settings", "Hi", null]);
  });

  it("answers 404, not 500, for a panel deleted (by a run) between its read and its save", async () => {
    const { api, bot, base, settings } = await botWithPanels();
    const panels = t.platform.adminPanels.store;
    const read = panels.byId.bind(panels);
    const spy = vi.spyOn(panels, "byId").mockImplementationOnce(async (botId, id) => {
      const panel = await read(botId, id);
      await panels.deletePanel(bot.id, "settings");
      return panel;
    });
    const response = await api.put(`${base}/active_options/${settings.id}`, { values: { limit: 4 } });
    spy.mockRestore();
    expect([response.statusCode, response.json()]).toEqual([404, { error: "Admin panel not found" }]);
    expect(await panels.byId(bot.id, settings.id)).toBeUndefined();
  });

  it("keeps every field of saves of one panel sent at once", async () => {
    const { api, bot, base, settings } = await botWithPanels();
    const saves = await Promise.all([
      api.put(`${base}/active_options/${settings.id}`, { values: { greeting: "Hello" } }),
      api.put(`${base}/active_options/${settings.id}`, { values: { limit: 9 } }),
      api.put(`${base}/active_options/${settings.id}`, { values: { rate: 1.5 } }),
      t.platform.adminPanels.store.setFieldValue(bot.id, "settings", "notes", "noted"),
      api.put(`${base}/active_options/${settings.id}`, { values: { enabled: false } }),
    ]);
    expect(saves.map((save) => (typeof save === "boolean" ? save : save.statusCode))).toEqual([200, 200, 200, true, 200]);
    const saved = (await t.platform.adminPanels.store.byId(bot.id, settings.id))!;
    expect(Object.fromEntries(saved.fields.map((field) => [field.name, field.value]))).toMatchObject({ greeting: "Hello", limit: 9, rate: 1.5, notes: "noted", enabled: false });
  });

  it("redefines a panel from BJS keeping values unless forced; sets one field without creating any", async () => {
    const { bot } = await botWithPanels();
    const panels = t.platform.adminPanels.store;
    const sealed = async () => (await t.platform.database.db.selectFrom("admin_panels").select("fields").where("bot_id", "=", bot.id).where("name", "=", "settings").executeTakeFirstOrThrow()).fields;
    const before = await sealed();
    await panels.setPanel(bot.id, "settings", { title: "Settings 2", fields: [{ name: "greeting", value: "Default" }, { name: "extra", type: "integer", value: 1 }, { name: "api_key", type: "password", value: "other" }] });
    const kept = await panels.byName(bot.id, "settings");
    expect(kept?.title).toBe("Settings 2");
    expect(kept?.fields.map((f) => [f.name, f.value])).toEqual([["greeting", "Hi"], ["extra", 1], ["api_key", "s3cret"]]);
    // A kept password is kept as it was sealed; one that is no longer a password field comes out opened.
    expect(JSON.parse(await sealed())[2].value).toEqual(JSON.parse(before)[3].value);
    await panels.setPanel(bot.id, "settings", { fields: [{ name: "api_key", type: "string" }] });
    expect((await panels.byName(bot.id, "settings"))?.fields).toEqual([expect.objectContaining({ name: "api_key", type: "string", value: "s3cret" })]);
    expect(await sealed()).toContain('"value":"s3cret"');
    await panels.setPanel(bot.id, "settings", { fields: [{ name: "greeting", value: "Default" }] }, { force: true });
    expect((await panels.byName(bot.id, "settings"))?.fields[0]?.value).toBe("Default");
    expect(await panels.setFieldValue(bot.id, "settings", "greeting", "Yo")).toBe(true);
    expect(await panels.setFieldValue(bot.id, "settings", "missing", "Yo")).toBe(false);
    expect(await panels.setFieldValue(bot.id, "nope", "greeting", "Yo")).toBe(false);
    expect((await panels.byName(bot.id, "settings"))?.fields[0]?.value).toBe("Yo");
    await expect(panels.setPanel(bot.id, "bad", { fields: [{ name: "x", type: "color" as never }] })).rejects.toThrow("Field x has an unknown type: color");
  });
});
