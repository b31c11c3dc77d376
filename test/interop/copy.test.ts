import { describe, expect, it } from "vitest";
import { engines, usePlatform } from "../support/platform.js";
import { createBot, signUpClient } from "../support/bots.js";

describe.each(engines())("Copy Bot on %s", (engine) => {
  const t = usePlatform(engine, { FREE_PLAN_BOTS: "3" });

  it("copies commands, folders, libraries, bot properties and admin panels, but not users' data or the token", async () => {
    const { api, user } = await signUpClient(t.app);
    const source = await createBot(api, { name: "Original", csv_url: "https://example.com/sheet.csv" });
    // HEAD changes nothing: the GET it would mirror creates a bot.
    const head = await t.app.inject({ method: "HEAD", url: `/v2/bots/${source.id}/copy?name=Twin&api_key=${user.apiKey}` });
    expect([head.statusCode, head.headers.allow]).toEqual([405, "GET, POST"]);
    expect((await api.get("/v2/bots")).json()).toHaveLength(1);
    const base = `/v2/bots/${source.id}`;
    const folder = (await api.post(`${base}/commands_folders`, { title: "Menu" })).json();
    await api.post(`${base}/commands_folders`, { title: "Unused" });
    await api.post(`${base}/commands`, { command: "/start", answer: "Hi", keyboard_body: "A, B", aliases: "Go, begin", commands_folder_id: folder.id, need_reply: true });
    await api.post(`${base}/commands`, { command: "/tick", bjs_code: "Bot.sendMessage('tick')", auto_retry_time: 60 });
    await api.post(`${base}/libs`, { lib_id: "Random" });
    await t.platform.properties.set(source.id, "bot", "admin_code", "1234");
    const ann = await t.platform.botUsers.remember(source.id, { id: 42, first_name: "Ann", is_bot: false });
    await t.platform.properties.set(source.id, "user", "balance", 5, { userId: ann.row.id });
    await t.platform.adminPanels.store.setPanel(source.id, "Settings", { title: "Settings", fields: [{ name: "greeting", title: "Greeting", type: "string", value: "Hello" }] });

    const response = await api.get(`${base}/copy?name=Twin`);
    expect(response.statusCode, response.body).toBe(200);
    const copy = response.json();
    expect(copy).toMatchObject({ name: "Twin", status: "stopped", token: null, commands_count: 2, csv_url: null, git_remote: null });
    expect(copy.id).not.toBe(source.id);
    const sourceContent = await t.platform.interop.content.read(source.id);
    expect(await t.platform.interop.content.read(copy.id)).toEqual(sourceContent);
    expect(sourceContent.folders).toEqual(["Menu", "Unused"]);
    expect(sourceContent.libs).toEqual([{ name: "Random", source: null }]);
    const properties = (await api.get(`/v2/bots/${copy.id}/properties`)).json();
    expect(properties.map((p: { name: string; scope: string }) => [p.name, p.scope])).toEqual([["admin_code", "bot"]]);
    const panels = (await api.get(`/v2/bots/${copy.id}/active_options`)).json();
    expect(panels).toMatchObject([{ name: "Settings", fields: [{ name: "greeting", value: "Hello" }] }]);

    // POST works too; without a name the copy says so.
    const posted = await api.post(`${base}/copy`);
    expect(posted.json()).toMatchObject({ name: "Original (copy)", commands_count: 2 });
  });

  it("copies a bot with more properties than a statement may have parameters", async () => {
    const { api } = await signUpClient(t.app);
    const source = await createBot(api, { name: "Busy" });
    const { db } = t.platform.database;
    const now = new Date().toISOString();
    const count = 12_000;
    for (let start = 0; start < count; start += 500) {
      const rows = Array.from({ length: 500 }, (_, i) => ({ bot_id: source.id, user_id: 0, name: `p${start + i}`, value_type: "integer", value: String(start + i), created_at: now, updated_at: now }));
      await db.insertInto("properties").values(rows).execute();
    }
    const response = await api.get(`/v2/bots/${source.id}/copy`);
    expect(response.statusCode, response.body).toBe(200);
    const copied = await db.selectFrom("properties").select(["name", "value"]).where("bot_id", "=", response.json().id).orderBy("id").execute();
    expect(copied).toHaveLength(count);
    expect(copied[count - 1]).toEqual({ name: `p${count - 1}`, value: String(count - 1) });
    expect(await t.platform.properties.get(response.json().id, "bot", "p123")).toBe(123);
  });

  it("refuses past the plan's bot limit without leaving a half-made bot, and hides other users' bots", async () => {
    const { api } = await signUpClient(t.app);
    const source = await createBot(api);
    await api.get(`/v2/bots/${source.id}/copy`);
    await api.get(`/v2/bots/${source.id}/copy`);
    const over = await api.get(`/v2/bots/${source.id}/copy`);
    expect(over.statusCode).toBe(403);
    expect((await api.get("/v2/bots")).json()).toHaveLength(3);
    const stranger = await signUpClient(t.app);
    const foreign = await stranger.api.post(`/v2/bots/${source.id}/copy`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toEqual({ error: "Bot not found" });
    expect((await stranger.api.get("/v2/bots")).json()).toEqual([]);
  });
});
