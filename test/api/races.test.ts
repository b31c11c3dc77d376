import { describe, expect, it, vi } from "vitest";
import { engines, usePlatform } from "../support/platform.js";
import { apiClient, createBot, signUpClient } from "../support/bots.js";

/**
 * Calls that race each other. Pause, resume and delete of one broadcast task sent at once (the
 * dashboard's buttons, a script): each answer is the task, 404 (gone) or 422 (not in a status
 * for it), never a 5xx. On PostgreSQL the calls run on separate connections, so a move that
 * read the task before a delete or another move must not overwrite it (it used to throw, a 500).
 * Installs and uninstalls of one library sent at once land once, and so do resets of the api key.
 */
describe.each(engines())("the same call many times at once on %s", (engine) => {
  const t = usePlatform(engine);

  it("answers each call with the task, 404 or 422, and leaves nothing of the deleted tasks", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api, { name: "Racer" });
    const base = `/v2/bots/${bot.id}/broadcasts`;
    const tasks = await Promise.all(Array.from({ length: 12 }, () => t.platform.broadcasts.store.create(bot.id, { text: "Sale", for_chats: "all", options: null })));
    const calls = tasks.flatMap((task, i) => {
      const order = ["pause", "resume", "delete", "pause", "resume"];
      // A different order per task, so deletes land before, between and after the moves.
      const rotated = [...order.slice(i % order.length), ...order.slice(0, i % order.length)];
      return rotated.map((action) => (action === "delete" ? api.call("DELETE", `${base}/${task.id}`) : api.call("POST", `${base}/${task.id}/${action}`)));
    });
    const answers = await Promise.all(calls);
    const statuses = answers.map((answer) => answer.statusCode);
    expect(statuses.filter((status) => ![200, 404, 422].includes(status)), answers.map((a) => a.body).join("\n").slice(0, 500)).toEqual([]);
    // Every delete was answered (one per task), and nothing is left of the deleted tasks.
    const left = await t.platform.database.db.selectFrom("broadcasts").select(["id", "status"]).where("bot_id", "=", bot.id).execute();
    expect(left).toEqual([]);
    for (const task of tasks) expect((await api.call("POST", `${base}/${task.id}/pause`)).statusCode).toBe(404);
  });

  it("installs a library once when asked many times at once, and uninstalls it once", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api, { name: "Libs" });
    const base = `/v2/bots/${bot.id}/libs`;
    const installs = await Promise.all(Array.from({ length: 6 }, (_, i) => api.post(base, { lib_id: i % 2 ? "Lang" : "lang" })));
    expect(installs.map((answer) => answer.statusCode).sort()).toEqual([200, 422, 422, 422, 422, 422]);
    expect(installs.filter((answer) => answer.statusCode === 422).map((answer) => answer.json())).toEqual(Array(5).fill({ error: "Library already installed" }));
    const uninstalls = await Promise.all(Array.from({ length: 4 }, () => api.call("DELETE", `${base}/Lang`)));
    expect(uninstalls.map((answer) => answer.statusCode).sort()).toEqual([200, 404, 404, 404]);
    expect((await api.get(base)).json()).toEqual([]);
  });

  it("resets the api key once for resets that read the same key: each answers the one key that works", async () => {
    const { user, api } = await signUpClient(t.app);
    // Two resets that signed in before either wrote (the interleaving of calls sent at once).
    const read = (await t.platform.users.byApiKey(user.apiKey))!;
    const [first, second] = [await t.platform.users.rotateApiKey(read), await t.platform.users.rotateApiKey(read)];
    expect(second.api_key_hash).toBe(first.api_key_hash);
    // Through the API: the answer's key works, and the one the user signed up with does not.
    const answered = (await t.app.inject({ method: "POST", url: "/v2/user/api_key", headers: user.headers })).json().api_key;
    expect((await apiClient(t.app, answered).get("/v2/user")).statusCode).toBe(200);
    expect((await api.get("/v2/user")).statusCode).toBe(401);
  });
});

/**
 * A bot deleted while one of its commands is being saved: the save refers to a row that is
 * gone, which the database refuses (a foreign key). That is the bot not found, as a moment
 * later, not a 500. The delete lands between the save's checks and its insert, every time.
 */
describe.each(engines())("a write whose bot is deleted meanwhile on %s", (engine) => {
  const t = usePlatform(engine);

  it("answers 404 and leaves nothing of the bot", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api, { name: "Doomed" });
    const folder = (await api.post(`/v2/bots/${bot.id}/commands_folders`, { title: "Main" })).json();
    const folders = t.platform.folders;
    const read = folders.byId.bind(folders);
    // The save checks the folder first: the bot goes right after that check.
    vi.spyOn(folders, "byId").mockImplementationOnce(async (botId, id) => {
      const found = await read(botId, id);
      await t.platform.bots.store.delete((await t.platform.bots.store.byId(bot.id))!);
      return found;
    });
    const saved = await api.post(`/v2/bots/${bot.id}/commands`, { command: "/late", commands_folder_id: folder.id });
    expect(saved.statusCode).toBe(404);
    // PostgreSQL names the table whose row is gone; SQLite does not.
    if (engine === "postgres") expect(saved.json()).toEqual({ error: "Bot not found" });
    else expect(saved.json()).toEqual({ error: expect.stringMatching(/not found/i) });
    const left = await t.platform.database.db.selectFrom("bot_commands").select("id").where("bot_id", "=", bot.id).execute();
    expect(left).toEqual([]);
  });
});
