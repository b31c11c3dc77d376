import { describe, expect, it } from "vitest";
import { engines, usePlatform } from "../support/platform.js";
import { createBot, signUpClient } from "../support/bots.js";
import { bundledLibSources } from "../../src/catalog/lib-sources.js";

const LIB_FIELDS = ["description", "id", "img_url", "installations_count", "name", "updated_at"];

describe.each(engines())("libraries on %s", (engine) => {
  const t = usePlatform(engine);

  it("lists the catalogue as Lib, with the first-wave libraries", async () => {
    const { api } = await signUpClient(t.app);
    const response = await api.get("/v2/store/libs?per_page=200");
    expect(response.statusCode).toBe(200);
    const libs = response.json();
    expect(Object.keys(libs[0]).sort()).toEqual(LIB_FIELDS);
    const names = libs.map((lib: { name: string }) => lib.name);
    // Exactly the libraries the platform ships a source of.
    expect(names.sort()).toEqual(bundledLibSources().map((lib) => lib.name).sort());
    expect(names).toEqual(expect.arrayContaining(["Lang", "CooldownLib", "DateTimeFormat", "Random", "ResourcesLib", "ReferralLib", "TopBoardLib", "CommonLib"]));
    expect(new Set(libs.map((lib: { id: number }) => lib.id)).size).toBe(libs.length);
    expect(response.headers["x-total-count"]).toBe(String(libs.length));
    expect((await t.app.inject({ method: "GET", url: "/v2/store/libs" })).statusCode).toBe(401);
  });

  it("installs by id or name, refuses a second install, lists and uninstalls with bare true", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const base = `/v2/bots/${bot.id}`;
    const catalogue = (await api.get("/v2/store/libs?per_page=200")).json();
    const lang = catalogue.find((lib: { name: string }) => lib.name === "Lang");
    const random = catalogue.find((lib: { name: string }) => lib.name === "Random");

    const byId = await api.post(`${base}/libs`, { lib_id: lang.id });
    expect(byId.statusCode).toBe(200);
    expect(byId.body).toBe("true");
    expect((await api.post(`${base}/libs`, { lib_id: "random" })).body).toBe("true");
    const twice = await api.post(`${base}/libs`, { lib_id: "Lang" });
    expect(twice.statusCode).toBe(422);
    expect(twice.json()).toEqual({ error: "Library already installed" });
    for (const lib_id of ["NoSuchLib", 9999]) {
      const unknown = await api.post(`${base}/libs`, { lib_id });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toEqual({ error: "Library not found" });
    }
    expect((await api.post(`${base}/libs`, { lib_id: true })).json()).toEqual({ errors: ["Lib id is invalid"] });

    const installed = (await api.get(`${base}/libs`)).json();
    expect(installed.map((lib: { name: string }) => lib.name)).toEqual(["Lang", "Random"]);
    expect(installed[0]).toMatchObject({ id: lang.id, installations_count: lang.installations_count + 1 });
    const secondPage = await api.get(`${base}/libs?page=2&per_page=1`);
    expect(secondPage.json().map((lib: { name: string }) => lib.name)).toEqual(["Random"]);
    expect(secondPage.headers["x-total-count"]).toBe("2");
    expect((await api.get(`${base}/libs?page=3&per_page=1`)).json()).toEqual([]);

    const removed = await api.delete(`${base}/libs/${random.id}`);
    expect(removed.statusCode).toBe(200);
    expect(removed.body).toBe("true");
    expect((await api.delete(`${base}/libs/Lang`)).body).toBe("true");
    expect((await api.get(`${base}/libs`)).json()).toEqual([]);
    const notInstalled = await api.delete(`${base}/libs/Lang`);
    expect(notInstalled.statusCode).toBe(404);
    expect(notInstalled.json()).toEqual({ error: "Library not found" });
  });
});
