import { describe, expect, it } from "vitest";
import { libraryOf } from "../../src/catalog/libraries.js";
import { engines, usePlatform } from "../support/platform.js";
import { signUpClient } from "../support/bots.js";
import { rowsOfBot, seedBot } from "./seed.js";

// A body every bot route accepts, so a stranger's 404 cannot be a validation error in disguise.
const BODY = { name: "Stolen", title: "Stolen", command: "/stolen", values: { greeting: "pwned" }, lib_id: "Random", status: "start_launch" };

describe.each(engines())("tenant isolation on %s", (engine) => {
  const t = usePlatform(engine);

  it("answers 404 Bot not found on every /v2/bots/:id route to another user, and changes nothing", async () => {
    const owner = await signUpClient(t.app);
    const seeded = await seedBot(t.platform, owner.api, owner.user.id);
    const stranger = await signUpClient(t.app);
    // Real ids of the owner's resources, so only the bot check can stop the stranger.
    const params: Record<string, number> = {
      id: seeded.bot.id,
      command_id: seeded.command.id,
      folder_id: seeded.folder.id,
      bb_chat_id: seeded.chat.id,
      property_id: seeded.property.id,
      panel_id: seeded.panel.id,
      lib_id: libraryOf("Lang")!.id,
      task_id: seeded.task.id,
    };
    // Web app pages are public: their link's secret is the credential (test/runtime/e2e/compat.test.ts).
    const routes = t.app.routeTable.filter((route) => route.method !== "HEAD" && route.url.startsWith("/v2/bots/:id") && !route.url.includes("/web-app/"));
    expect(routes.length).toBeGreaterThanOrEqual(20);
    const before = await rowsOfBot(t.platform, seeded.bot.id);

    for (const route of routes) {
      const url = route.url.replace(/:(\w+)/g, (_, name: string) => {
        if (!(name in params)) throw new Error(`the isolation test does not know the path parameter :${name} of ${route.method} ${route.url}`);
        // Broadcast routes name their task :task_id too.
        if (name === "task_id" && route.url.includes("/broadcasts/")) return String(seeded.broadcast.id);
        return String(params[name]);
      });
      const response = await stranger.api.call(route.method as "GET", url, route.method === "GET" || route.method === "DELETE" ? undefined : BODY);
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(404);
      expect(response.json(), `${route.method} ${route.url}`).toEqual({ error: "Bot not found" });
    }
    expect(await rowsOfBot(t.platform, seeded.bot.id)).toEqual(before);
    // The owner still reaches it all.
    expect((await owner.api.get(`/v2/bots/${seeded.bot.id}/commands/${seeded.command.id}`)).statusCode).toBe(200);
  });
});
