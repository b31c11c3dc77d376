import { describe, expect, it } from "vitest";
import { storeBotContent, storeBotOf } from "../../src/catalog/store-bots.js";
import { engines, usePlatform } from "../support/platform.js";
import { signUpClient } from "../support/bots.js";

describe.each(engines())("the demo store on %s", (engine) => {
  const t = usePlatform(engine);

  it("lists the demo bots as StoreBot", async () => {
    const { api } = await signUpClient(t.app);
    const response = await api.get("/v2/store/bots");
    expect(response.statusCode).toBe(200);
    const bots = response.json();
    expect(bots.map((bot: { name: string }) => bot.name)).toEqual([
      "Welcome and help", "Referral programme", "Support chat", "Quiz", "Multi-language", "Shop with admin panel",
    ]);
    expect(Object.keys(bots[0]).sort()).toEqual(["commands_count", "description", "id", "img_url", "libs", "name"]);
    for (const bot of bots) expect(bot.commands_count, bot.name).toBeGreaterThan(3);
    expect((await t.app.inject({ method: "GET", url: "/v2/store/bots" })).statusCode).toBe(401);
  });

  it("installs a demo bot as a new stopped bot of the user, with its folders and commands", async () => {
    const { api } = await signUpClient(t.app);
    const shop = storeBotOf(6)!;
    const response = await api.post(`/v2/store/bots/${shop.id}/install`, { name: "My shop" });
    expect(response.statusCode, response.body).toBe(200);
    const bot = response.json();
    const content = await storeBotContent(shop);
    expect(bot).toMatchObject({ name: "My shop", store_bot_id: shop.id, status: "stopped", token: null, commands_count: content.commands.length });
    const folders = (await api.get(`/v2/bots/${bot.id}/commands_folders`)).json().map((folder: { title: string }) => folder.title);
    expect(folders).toEqual(["Shop", "Admin"]);
    const orders = (await api.get(`/v2/bots/${bot.id}/commands?q=orders`)).json()[0];
    expect(orders).toMatchObject({ command: "/orders", commands_group: { title: "admin" }, commands_folder: { title: "Admin" } });
    // Without a name it takes the demo's.
    expect((await api.post(`/v2/store/bots/1/install`)).json()).toMatchObject({ name: "Welcome and help", store_bot_id: 1 });

    for (const id of ["99", "abc"]) {
      const missing = await api.post(`/v2/store/bots/${id}/install`, {});
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ error: "Store bot not found" });
    }
    const badToken = await api.post(`/v2/store/bots/1/install`, { token: "nope" });
    expect(badToken.statusCode).toBe(422);
    expect((await api.get("/v2/bots")).json()).toHaveLength(2);
  });
});
