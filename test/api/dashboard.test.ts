import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DASHBOARD_DIR } from "../../src/api/plugins/dashboard.js";
import { usePlatform } from "../support/platform.js";

describe("the dashboard's assets", () => {
  const t = usePlatform("sqlite");
  let script = "";
  beforeAll(() => {
    // `npm test` builds the dashboard first; alone, run `npm run build:web`.
    script = readdirSync(join(DASHBOARD_DIR, "assets")).find((name) => name.endsWith(".js"))!;
  });

  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: "GET", url, headers });

  it("serves the app at / and at every page address, revalidated on each visit, brotli or gzip", async () => {
    for (const url of ["/", "/bots/12/errors", "/reset-password?reset_password_token=abc"]) {
      const page = await get(url, { accept: "text/html", "accept-encoding": "gzip, br" });
      expect(page.statusCode).toBe(200);
      expect(page.headers["content-type"]).toMatch(/^text\/html/);
      expect(page.headers["cache-control"]).toBe("no-cache");
      expect(page.headers["content-encoding"]).toBe("br");
    }
    const plain = await get("/", { accept: "text/html" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body).toContain('<div id="app">');
  });

  it("lets browsers keep hashed assets for a year and sends the compression they accept", async () => {
    const gzip = await get(`/assets/${script}`, { "accept-encoding": "gzip" });
    expect(gzip.statusCode).toBe(200);
    expect(gzip.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gzip.headers.vary).toMatch(/accept-encoding/i);
    const identity = await get(`/assets/${script}`);
    expect(identity.headers["content-encoding"]).toBeUndefined();
    expect(Number(identity.headers["content-length"])).toBeGreaterThan(Number(gzip.headers["content-length"]));
  });

  it("keeps the API's JSON 404 for API addresses and for clients that do not ask for HTML", async () => {
    for (const [url, accept] of [["/v2/nothing", "text/html"], ["/nothing", "application/json"], ["/telegram/x/y", "text/html"]]) {
      const response = await get(url!, { accept: accept! });
      expect(response.statusCode).toBe(404);
      expect(response.json()).toEqual({ error: "Not found: no GET route at this path" });
    }
  });

  it("keeps the API docs where they were, linking to the dashboard", async () => {
    expect((await get("/docs/", { accept: "text/html" })).statusCode).toBe(200);
    expect((await get("/v2/openapi.json")).json().info.description).toContain("[dashboard](/)");
  });
});
