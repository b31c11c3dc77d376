import { describe, expect, it } from "vitest";
import type { InjectOptions } from "fastify";
import { engines, usePlatform } from "../support/platform.js";
import { signUp } from "../support/accounts.js";

// Values of every wrong kind, odd unicode included (NUL, a lone surrogate, RTL, emoji, combining marks).
const oddValues: unknown[] = [
  null, true, 0, -1, 1.5, 1e309, Number.MAX_SAFE_INTEGER * 10, "", " ", "x".repeat(5000),
  "\u0000", "\ud800", "\u202eevil", "😀👍🏽", "e\u0301\u0301\u0301", "<script>alert(1)</script>", "' OR 1=1 --",
  [], [1, "a"], {}, { nested: { deep: [null] } },
];
const badIds = ["abc", "-1", "0", "1.5", "99999999999999999999", "%00", "%F0%9F%98%80", "null", "1e3"];
const rawBodies: [string, string][] = [
  ["application/json", "{"],
  ["application/json", "[1,2,"],
  ["application/json", '{"a":"\\ud800"}'],
  ["application/json", "null"],
  ["application/json", "123"],
  ["application/json", '"just a string"'],
  ["application/json", "[]"],
  ["text/plain", "hello"],
  ["application/x-www-form-urlencoded", "email=a%40b.c&password=x"],
  ["application/octet-stream", "\u0000\u0001"],
];

interface Operation {
  method: string;
  url: string;
  bodyKeys: string[];
  queryKeys: string[];
}

function expectContractShape(status: number, body: string, where: string): void {
  expect(status, `${where} → ${status}: ${body.slice(0, 300)}`).toBeLessThan(500);
  if (status < 400) return;
  const parsed = JSON.parse(body);
  const ok =
    (typeof parsed.error === "string" && parsed.error.length > 0) ||
    (Array.isArray(parsed.errors) && parsed.errors.length > 0 && parsed.errors.every((e: unknown) => typeof e === "string"));
  expect(ok, `${where} → ${status}: ${body.slice(0, 300)}`).toBe(true);
}

describe.each(engines())("fuzzing every route on %s", (engine) => {
  const t = usePlatform(engine, { BODY_LIMIT_BYTES: "65536" });

  async function operations(): Promise<Operation[]> {
    const doc = (await t.app.inject({ method: "GET", url: "/v2/openapi.json" })).json();
    return t.app.routeTable
      .filter((r) => !r.url.startsWith("/docs"))
      .map(({ method, url }) => {
        const spec = doc.paths[url.replace(/:(\w+)/g, "{$1}")]?.[method.toLowerCase()] ?? {};
        const bodySchema = spec.requestBody?.content?.["application/json"]?.schema ?? {};
        return {
          method,
          url,
          bodyKeys: Object.keys(bodySchema.properties ?? {}),
          queryKeys: (spec.parameters ?? []).filter((p: { in: string }) => p.in === "query").map((p: { name: string }) => p.name),
        };
      });
  }

  it("finds the routes to walk", async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(15);
    expect(ops.some((op) => op.bodyKeys.includes("email"))).toBe(true);
  });

  it("never answers 5xx, and answers errors in the contract's shapes", async () => {
    const { apiKey } = await signUp(t.app);
    let requests = 0;
    const send = async (where: string, options: InjectOptions) => {
      const response = await t.app.inject(options);
      requests += 1;
      expectContractShape(response.statusCode, response.body, where);
    };
    for (const op of await operations()) {
      const fill = (value: string) => op.url.replace(/:(\w+)/g, value);
      const authed = (path: string) => `${path}${path.includes("?") ? "&" : "?"}api_key=${apiKey}`;
      const method = op.method as "GET";
      // Bad ids in every path parameter, with and without credentials.
      for (const id of op.url.includes(":") ? badIds : ["1"]) {
        await send(`${op.method} ${fill(id)}`, { method, url: fill(id) });
        await send(`${op.method} ${fill(id)} (authed)`, { method, url: authed(fill(id)) });
      }
      const url = authed(fill("1"));
      // Odd values for every query parameter.
      for (const key of op.queryKeys) {
        for (const value of ["-5", "abc", "1e999", "%00", "😀", "x".repeat(3000)]) {
          await send(`${op.method} ${op.url} ?${key}=${value}`, { method, url: `${url}&${key}=${encodeURIComponent(value)}` });
        }
      }
      if (op.method === "GET" || op.method === "DELETE") continue;
      // Raw bodies: malformed, wrong content types.
      for (const [contentType, payload] of rawBodies) {
        await send(`${op.method} ${op.url} <${contentType}> ${payload}`, { method, url, headers: { "content-type": contentType }, payload });
      }
      // Wrong types and odd unicode in each field, missing fields, extra fields, a huge body.
      for (const key of op.bodyKeys) {
        for (const value of oddValues) {
          await send(`${op.method} ${op.url} {${key}: ${JSON.stringify(value)?.slice(0, 40)}}`, { method, url, payload: { [key]: value } });
        }
      }
      await send(`${op.method} ${op.url} {}`, { method, url, payload: {} });
      await send(`${op.method} ${op.url} extra`, { method, url, payload: { unexpected: "field", __proto__: { admin: true }, constructor: { prototype: {} } } });
      await send(`${op.method} ${op.url} huge`, { method, url, payload: { blob: "y".repeat(70_000) } });
    }
    expect(requests).toBeGreaterThan(400);
  }, 120_000);
});
