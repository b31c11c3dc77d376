import { describe, expect, it } from "vitest";
import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { engines, usePlatform } from "../support/platform.js";
import { PASSWORD, signUp } from "../support/accounts.js";
import { apiClient, createBot, useEmulator } from "../support/bots.js";

// Values of every wrong kind, odd unicode included (NUL, a lone surrogate, RTL, emoji, combining marks).
const oddValues: unknown[] = [
  null, true, 0, -1, 1.5, 1e309, Number.MAX_SAFE_INTEGER * 10, 2 ** 31, -(2 ** 63), "", " ", "x".repeat(5000),
  "\u0000", "\ud800", "\udc00x\ud800", "\u202eevil", "😀👍🏽", "e\u0301\u0301\u0301", "<script>alert(1)</script>", "' OR 1=1 --",
  "__proto__", [], [1, "a"], {}, { nested: { deep: [null] } }, { constructor: { prototype: { admin: true } } },
];
// Path values that cannot be ids: words, signs, fractions, and numbers past int4, 2^53 and int8.
const badIds = [
  "abc", "-1", "0", "1.5", "null", "1e3", "%00", "%F0%9F%98%80", "2147483648", "9007199254740993", "9223372036854775808",
  "-9223372036854775809", "99999999999999999999", "1".repeat(150),
];
// Paths that no router can read: broken percent-encodings, and lengths past every limit.
const badPaths = ["%", "%zz", "%E0%A4%A", "%C0%AF", "a%2", "x".repeat(300), "9".repeat(100_000)];
const deepArray = "[".repeat(100_000) + "]".repeat(100_000);
const deepObject = '{"a":'.repeat(100_000) + "1" + "}".repeat(100_000);
const rawBodies: [string, string][] = [
  ["application/json", "{"],
  ["application/json", "[1,2,"],
  ["application/json", ""],
  ["application/json", '{"a":"\\ud800"}'],
  ["application/json", '{"__proto__":{"admin":true}}'],
  ["application/json", '{"constructor":{"prototype":{"admin":true}}}'],
  ["application/json", "null"],
  ["application/json", "123"],
  ["application/json", '"just a string"'],
  ["application/json", "[]"],
  ["application/json", deepArray],
  ["application/json", deepObject],
  ["application/json; charset=utf-16", "{}"],
  ["text/plain", "hello"],
  ["text/plain", '{"name":"a"}'],
  ["application/x-www-form-urlencoded", "email=a%40b.c&password=x"],
  ["multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--'],
  ["application/octet-stream", "\u0000\u0001"],
];
const bodyMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

interface Operation {
  method: string;
  url: string;
  bodyKeys: string[];
  queryKeys: string[];
}

/** What is wrong with an answer: a 5xx, an error outside the contract's shapes, or a secret in an error. */
function problemWith(response: LightMyRequestResponse, secrets: string[]): string | undefined {
  const { statusCode: status, body } = response;
  if (status >= 500) return "a 5xx";
  if (status < 400) return undefined;
  const leaked = secrets.find((secret) => body.includes(secret));
  if (leaked) return `a secret in the answer (${leaked.slice(0, 6)}...)`;
  let parsed: { error?: unknown; errors?: unknown } | undefined;
  try {
    parsed = JSON.parse(body);
  } catch {
    return "an error that is not JSON";
  }
  const keys = Object.keys(parsed ?? {});
  const message = keys.length === 1 && typeof parsed?.error === "string" && parsed.error.length > 0;
  const list = keys.length === 1 && Array.isArray(parsed?.errors) && parsed.errors.length > 0 && parsed.errors.every((e) => typeof e === "string");
  // 401 and 422 list their errors (a 422 for a well-formed but impossible request has one message); the rest have one.
  const shaped = status === 401 ? list : status === 422 ? list || message : message;
  return shaped ? undefined : "an error outside the contract's shapes";
}

describe.each(engines())("fuzzing every route on %s", (engine) => {
  const emulator = useEmulator();
  // Each route gets a user of its own: sign-ups from one address must not hit the limit.
  const t = usePlatform(engine, () => ({ ...emulator.env(), AUTH_LIMIT_PER_IP: "100000" }));

  async function operations(): Promise<Operation[]> {
    const doc = (await t.app.inject({ method: "GET", url: "/v2/openapi.json" })).json();
    return t.app.routeTable
      .filter((r) => r.method !== "HEAD" && !r.url.startsWith("/docs"))
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

  /**
   * A fresh user owning a bot (with a Telegram token), a folder and a command, so each route
   * runs against real rows, and what one route does (a new api key, a deleted bot) cannot
   * hide the next route behind a 401 or a 404.
   */
  async function world() {
    const user = await signUp(t.app);
    const api = apiClient(t.app, user.apiKey);
    const tg = await emulator.running.client.registerBot();
    const bot = await createBot(api, { token: tg.token });
    const folder = (await api.post(`/v2/bots/${bot.id}/commands_folders`, { title: "Shop" })).json();
    const command = (await api.post(`/v2/bots/${bot.id}/commands`, { command: "/start", commands_folder_id: folder.id, bjs_code: "Bot.sendMessage('hi')" })).json();
    const ids: Record<string, string> = { id: String(bot.id), botId: String(bot.id), folder_id: String(folder.id), command_id: String(command.id) };
    return { user, ids, secrets: [user.apiKey, user.headers["access-token"], tg.token, PASSWORD] };
  }

  it("finds the routes to walk", async () => {
    const ops = await operations();
    expect(ops.length).toBeGreaterThan(15);
    expect(ops.some((op) => op.bodyKeys.includes("email"))).toBe(true);
  });

  it("never answers 5xx, answers errors in the contract's shapes, and never with a secret", async () => {
    const problems: string[] = [];
    let requests = 0;
    let authorized = 0;
    for (const op of await operations()) {
      const { user, ids, secrets } = await world();
      let apiKey = user.apiKey;
      const send = async (where: string, options: InjectOptions) => {
        const response = await t.app.inject(options);
        requests += 1;
        if (response.statusCode !== 401) authorized += 1;
        const problem = problemWith(response, secrets);
        if (problem) problems.push(`${where} → ${response.statusCode} ${problem}: ${response.body.slice(0, 200)}`);
        // A route that hands out a new api key (its reset) retires the old one.
        const rotated = response.statusCode === 200 && response.body.startsWith("{") ? response.json().api_key : undefined;
        if (typeof rotated === "string" && rotated !== apiKey) {
          apiKey = rotated;
          secrets.push(rotated);
        }
        return response;
      };
      const fill = (value?: string) => op.url.replace(/:(\w+)/g, (_, name: string) => value ?? ids[name] ?? "1");
      const authed = (path: string) => `${path}${path.includes("?") ? "&" : "?"}api_key=${apiKey}`;
      const method = op.method as "GET";
      const url = () => authed(fill());
      const takesBody = bodyMethods.has(op.method);
      // Bad ids, broken percent-encodings and overlong segments in every path parameter, or
      // after the path; with the api key, with session headers and with no credentials.
      const paths = op.url.includes(":") ? [...badIds, ...badPaths].map((bad) => fill(bad)) : badPaths.map((bad) => `${op.url}/${bad}`);
      for (const path of paths) {
        const label = `${op.method} ${path.slice(0, 60)}`;
        await send(label, { method, url: path });
        await send(`${label} (api key)`, { method, url: authed(path) });
        await send(`${label} (session)`, { method, url: path, headers: user.headers });
      }
      await send(`${op.method} ${op.url} bad query encoding`, { method, url: `${fill()}?api_key=${apiKey}%zz&page=%` });
      // Odd values for every query parameter, repeated parameters too.
      for (const key of op.queryKeys) {
        for (const value of ["-5", "abc", "1e999", "%00", "😀", "x".repeat(3000), "9223372036854775808"]) {
          await send(`${op.method} ${op.url} ?${key}=${value.slice(0, 20)}`, { method, url: `${url()}&${key}=${encodeURIComponent(value)}` });
        }
        await send(`${op.method} ${op.url} ?${key} twice`, { method, url: `${url()}&${key}=1&${key}=2` });
      }
      // Raw bodies: malformed, nested 100,000 levels deep, wrong content types.
      for (const [contentType, payload] of rawBodies) {
        const where = `${op.method} ${op.url} <${contentType}> ${payload.slice(0, 30)}`;
        const response = await send(where, { method, url: url(), headers: { "content-type": contentType }, payload });
        // Intakes that take any body as it is (Telegram's updates, Webhooks library calls).
        if (!takesBody || op.url.startsWith("/telegram/") || op.url.endsWith("/new-webhook")) continue;
        // Web app pages take their own forms too.
        const accepted = contentType.startsWith("application/json") || (op.url.includes("/web-app/") && contentType.startsWith("application/x-www-form-urlencoded"));
        const expected = payload.length > 1000 ? 400 : accepted ? undefined : 415;
        if (expected && response.statusCode !== expected) problems.push(`${where} → ${response.statusCode}, expected ${expected}: ${response.body.slice(0, 200)}`);
      }
      if (!takesBody) continue;
      // Wrong types and odd unicode in each field, the secrets in every field, missing fields, extra fields, a huge body.
      for (const key of op.bodyKeys) {
        for (const value of oddValues) {
          await send(`${op.method} ${op.url} {${key}: ${JSON.stringify(value)?.slice(0, 40)}}`, { method, url: url(), payload: { [key]: value } });
        }
      }
      for (const secret of [...secrets]) {
        const payload = Object.fromEntries(op.bodyKeys.map((key) => [key, secret]));
        await send(`${op.method} ${op.url} secrets in every field`, { method, url: fill(), headers: user.headers, payload });
      }
      await send(`${op.method} ${op.url} {}`, { method, url: url(), payload: {} });
      await send(`${op.method} ${op.url} extra`, { method, url: url(), payload: { unexpected: "field" } });
      await send(`${op.method} ${op.url} huge`, { method, url: url(), payload: { blob: "y".repeat(t.config.bodyLimitBytes) } });
    }
    expect(problems).toEqual([]);
    expect(requests).toBeGreaterThan(3000);
    // Most requests got past authentication, so the routes' own code was walked.
    expect(authorized / requests).toBeGreaterThan(0.8);
  }, 300_000);
});
