import { connect } from "node:net";
import { Writable } from "node:stream";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp, REQUEST_TIMEOUT_MS } from "../../src/api/app.js";
import { loadConfig } from "../../src/config.js";
import { createLogger, createPlatform, type Platform } from "../../src/platform.js";
import type { FastifyInstance } from "fastify";
import { usePlatform } from "../support/platform.js";
import { PASSWORD, signUp } from "../support/accounts.js";
import { createBot, signUpClient } from "../support/bots.js";
import { redisUrl } from "../support/redis.js";

describe("API conventions", () => {
  const t = usePlatform("sqlite", { BODY_LIMIT_BYTES: "2048" });

  it("answers an unknown route with 404 in the contract's shape, without repeating the path", async () => {
    const response = await t.app.inject({ method: "GET", url: "/v2/bot123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA?api_key=x" });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: "Not found: no GET route at this path" });
  });

  it("answers a method a known path does not take with 405 and the methods it takes, whatever the ids in it", async () => {
    for (const [method, url, allow] of [
      ["PATCH", "/v2/bots?api_key=x", "GET, HEAD, POST"],
      ["DELETE", "/v2/bots/12345/commands", "GET, HEAD, POST"],
      ["POST", "/v2/bots/7/", "GET, HEAD, PUT, DELETE"],
      // Read as the router reads it: decoded.
      ["PATCH", "/v2/bot%73", "GET, HEAD, POST"],
    ] as const) {
      const response = await t.app.inject({ method, url });
      expect(response.statusCode, `${method} ${url}`).toBe(405);
      expect(response.headers.allow).toBe(allow);
      expect(response.json()).toEqual({ error: `Method not allowed: this path takes ${allow}` });
    }
    // A route that finds nothing for a method it takes (a file the docs do not have) answers 404.
    for (const method of ["GET", "HEAD"] as const) expect((await t.app.inject({ method, url: "/docs/static/missing.js" })).statusCode, method).toBe(404);
  });

  it("answers a URL it cannot decode with 400, and an overlong path segment with 414, never repeating the URL", async () => {
    const { apiKey } = await signUp(t.app);
    for (const path of ["/v2/bots/%E0%A4%A", "/v2/bo%ts", "/v2/bots/1/commands/%"]) {
      const response = await t.app.inject({ method: "GET", url: `${path}?api_key=${apiKey}` });
      expect(response.statusCode, path).toBe(400);
      expect(response.json()).toEqual({ error: "Malformed URL: a percent-encoded character is not valid" });
    }
    const long = await t.app.inject({ method: "GET", url: `/v2/bots/${"1".repeat(201)}?api_key=${apiKey}` });
    expect(long.statusCode).toBe(414);
    expect(long.json()).toEqual({ error: "A segment of the URL path is too long" });
  });

  it("answers malformed JSON with 400, a wrong content type with 415 and a huge body with 413", async () => {
    const malformed = await t.app.inject({ method: "POST", url: "/v2/auth/sign_in", headers: { "content-type": "application/json" }, payload: '{"email": "a@b.c",' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toEqual({ error: "Malformed JSON in request body" });

    for (const [type, payload] of [["application/xml", "<a/>"], ["text/plain; charset=utf-8", '{"email": "a@b.c"}'], ["application/x-www-form-urlencoded", "email=a"]]) {
      const wrong = await t.app.inject({ method: "POST", url: "/v2/auth/sign_in", headers: { "content-type": type }, payload });
      expect(wrong.statusCode, type).toBe(415);
      expect(wrong.json()).toEqual({ error: `Unsupported content type '${type.split(";")[0]}'; send application/json` });
    }

    const untyped = await t.app.inject({ method: "POST", url: "/v2/auth/sign_in", payload: '{"email": "a@b.c"}', headers: { "content-type": undefined } });
    expect(untyped.statusCode).toBe(415);
    expect(untyped.json()).toEqual({ error: "A request body needs Content-Type: application/json" });

    const huge = await t.app.inject({ method: "POST", url: "/v2/auth/sign_in", payload: { email: "a@b.c", password: "x".repeat(4096) } });
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toEqual({ error: "Request body is too large (the limit is 2048 bytes)" });

    const empty = await t.app.inject({ method: "POST", url: "/v2/auth/sign_in", headers: { "content-type": "application/json" }, payload: "" });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toEqual({ error: expect.any(String) });
  });

  it("takes an empty body sent with a JSON Content-Type as no body where a route reads none (clients that send the header on every request)", async () => {
    const { user, api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const cleared = await t.app.inject({ method: "DELETE", url: `/v2/bots/${bot.id}/error_logs?api_key=${user.apiKey}`, headers: { "content-type": "application/json" }, payload: "" });
    expect(cleared.statusCode, cleared.body).toBe(200);
  });

  it("reads JSON bodies nested up to 100 levels, and refuses deeper ones and prototype keys with 400", async () => {
    const nested = (levels: number) => `{"email":${"[".repeat(levels - 1)}${"]".repeat(levels - 1)}}`;
    const deepest = await t.app.inject({ method: "POST", url: "/v2/user/reset_password", headers: { "content-type": "application/json" }, payload: nested(100) });
    expect(deepest.statusCode).toBe(422);
    const tooDeep = await t.app.inject({ method: "POST", url: "/v2/user/reset_password", headers: { "content-type": "application/json" }, payload: nested(101) });
    expect(tooDeep.statusCode).toBe(400);
    expect(tooDeep.json()).toEqual({ error: "JSON body is nested too deeply (the limit is 100 levels)" });
    // Brackets inside strings are text, not nesting.
    const inString = await t.app.inject({ method: "POST", url: "/v2/user/reset_password", payload: { email: "a@b.c", note: `\\"${"[{".repeat(500)}` } });
    expect(inString.statusCode).toBe(200);

    for (const payload of ['{"email":"a@b.c","__proto__":{"admin":true}}', '{"email":"a@b.c","constructor":{"prototype":{"admin":true}}}']) {
      const response = await t.app.inject({ method: "POST", url: "/v2/user/reset_password", headers: { "content-type": "application/json" }, payload });
      expect(response.statusCode, payload).toBe(400);
      expect(response.json()).toEqual({ error: 'JSON body must not hold a "__proto__" key or a "constructor" with a "prototype"' });
    }
  });

  it("reads bodies in UTF-8 only: broken bytes answer 400, another charset or a compressed body 415, and nothing is written", async () => {
    const { apiKey } = await signUp(t.app);
    const bots = `/v2/bots?api_key=${apiKey}`;
    const send = (payload: Buffer, headers: Record<string, string> = {}) => t.app.inject({ method: "POST", url: bots, headers: { "content-type": "application/json", ...headers }, payload });
    // A lone surrogate's bytes, a byte no UTF-8 text holds, an overlong "/" and a cut sequence.
    for (const bytes of ["ed a0 80", "ff fe", "c0 af", "e2 82"]) {
      const response = await send(Buffer.concat([Buffer.from('{"name":"a'), Buffer.from(bytes.replace(/ /g, ""), "hex"), Buffer.from('b"}')]));
      expect(response.statusCode, bytes).toBe(400);
      expect(response.json()).toEqual({ error: "Request body is not valid UTF-8" });
    }
    const latin1 = await send(Buffer.from('{"name":"caf\xe9"}', "latin1"), { "content-type": "application/json; charset=iso-8859-1" });
    expect(latin1.statusCode).toBe(415);
    expect(latin1.json()).toEqual({ error: "Charset 'iso-8859-1' is not supported; send the body in UTF-8" });
    const gzipped = await send(Buffer.from('{"name":"gz"}'), { "content-encoding": "gzip" });
    expect(gzipped.statusCode).toBe(415);
    expect(gzipped.json()).toEqual({ error: "Content-Encoding 'gzip' is not supported; send the body uncompressed" });
    expect((await t.app.inject({ method: "GET", url: bots })).json()).toEqual([]);

    const named = await send(Buffer.from('{"name":"caf\u00e9 ☕"}'), { "content-type": 'application/json; charset="UTF-8"', "content-encoding": "identity" });
    expect(named.statusCode).toBe(200);
    expect(named.json().name).toBe("café ☕");
  });

  it("answers 400 to a query value that does not decode, rather than keeping it as sent", async () => {
    const { apiKey } = await signUp(t.app);
    for (const name of ["%ED%A0%80", "ok%20%FF", "%E2%82"]) {
      const response = await t.app.inject({ method: "GET", url: `/v2/bots?api_key=${apiKey}&name=${name}` });
      expect(response.statusCode, name).toBe(400);
      expect(response.json()).toEqual({ error: "Malformed URL: a percent-encoded character in the query is not valid" });
    }
    expect((await t.app.inject({ method: "GET", url: `/v2/bots?api_key=${apiKey}&page=%31` })).statusCode).toBe(200);
  });

  it("answers requests Node cannot parse in the contract's shape: huge headers or URLs 431, garbage 400", async () => {
    const address = await t.app.listen({ port: 0, host: "127.0.0.1" });
    const { port } = new URL(address);
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(port), "127.0.0.1", () => socket.end(request));
        let answer = "";
        socket.on("data", (chunk) => (answer += chunk));
        socket.on("close", () => resolve(answer));
        socket.on("error", reject);
      });
    const huge = await raw(`GET /v2/user HTTP/1.1\r\nHost: x\r\nX-Filler: ${"a".repeat(20_000)}\r\n\r\n`);
    expect(huge).toMatch(/^HTTP\/1.1 431 /);
    expect(JSON.parse(huge.slice(huge.indexOf("\r\n\r\n") + 4))).toEqual({ error: "Request headers are too large (the limit is 16384 bytes)" });
    const longQuery = await raw(`GET /v2/user?api_key=${"k".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(longQuery).toMatch(/^HTTP\/1.1 431 /);
    expect(longQuery).not.toContain("kkkk");
    const garbage = await raw("NOT HTTP AT ALL\r\n\r\n");
    expect(garbage).toMatch(/^HTTP\/1.1 400 /);
    expect(JSON.parse(garbage.slice(garbage.indexOf("\r\n\r\n") + 4))).toEqual({ error: "Malformed HTTP request" });
  });

  it("gives a client a bounded time to send a whole request: a body that never finishes does not hold its connection for ever", () => {
    // Node checks it every 30 s, so the closing itself is not waited for here.
    expect(t.app.server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
    expect(REQUEST_TIMEOUT_MS).toBeGreaterThan(0);
  });

  it("refuses NUL characters anywhere in a request with 422", async () => {
    const body = await t.app.inject({ method: "POST", url: "/v2/user/reset_password", payload: { email: "a\u0000@b.c" } });
    expect(body.statusCode).toBe(422);
    expect(body.json()).toEqual({ errors: ["Email must not contain NUL characters"] });
    const query = await t.app.inject({ method: "GET", url: "/v2/user?api_key=%00" });
    expect(query.statusCode).toBe(401);
    // A path id with a NUL names nothing, like any id that cannot be one.
    const { apiKey } = await signUp(t.app);
    const bot = (await t.app.inject({ method: "POST", url: `/v2/bots?api_key=${apiKey}`, payload: { name: "Nul" } })).json();
    const chat = await t.app.inject({ method: "POST", url: `/v2/bots/${bot.id}/chats/%00/block?api_key=${apiKey}` });
    expect(chat.statusCode).toBe(404);
    expect(chat.json()).toEqual({ error: "Chat not found" });
    expect((await t.app.inject({ method: "GET", url: `/v2/bots/1%00?api_key=${apiKey}` })).json()).toEqual({ error: "Bot not found" });
  });

  it("refuses a lone surrogate anywhere in a request with 422 (SQLite would store it as bytes that are not UTF-8), and takes paired ones", async () => {
    const { apiKey } = await signUp(t.app);
    const bot = (await t.app.inject({ method: "POST", url: `/v2/bots?api_key=${apiKey}`, payload: { name: "Unicode" } })).json();
    const send = (json: string) => t.app.inject({ method: "POST", url: `/v2/bots/${bot.id}/commands?api_key=${apiKey}`, headers: { "content-type": "application/json" }, payload: json });
    for (const json of ['{"command":"/s\\ud800"}', '{"command":"/s\\udc00\\ud800x"}']) {
      const refused = await send(json);
      expect(refused.statusCode, json).toBe(422);
      expect(refused.json(), json).toEqual({ errors: ["Command must be valid Unicode text (it holds a lone surrogate)"] });
    }
    const key = await send('{"command":"/k","\\ud800":1}');
    expect(key.json()).toEqual({ errors: ["Body must be valid Unicode text (it holds a lone surrogate)"] });
    expect((await t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/commands?api_key=${apiKey}` })).json()).toEqual([]);
    const paired = await send('{"command":"/s\\ud83d\\ude00"}');
    expect(paired.statusCode).toBe(200);
    expect(paired.json().command).toBe("/s😀");
  });

  it("serves an OpenAPI 3.1 document generated from the route schemas, and docs at /docs", async () => {
    const response = await t.app.inject({ method: "GET", url: "/v2/openapi.json" });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toBe("3.1.0");
    for (const path of ["/v2/auth/sign_in", "/v2/auth", "/v2/user", "/v2/user/tokens", "/v2/user/iterations", "/v2/cloud_plans"]) {
      expect(doc.paths[path], path).toBeDefined();
    }
    expect(doc.paths["/v2/auth/sign_in"].post.requestBody.content["application/json"].schema.required).toEqual(["email", "password"]);
    expect(doc.paths["/healthz"]).toBeUndefined();
    // CSV import reads a JSON {csv_url} or the sheet itself, or neither (the bot's csv_url).
    const csvImport = doc.paths["/v2/bots/{id}/csv_import"].post.requestBody;
    expect(Object.keys(csvImport.content)).toEqual(["application/json", "text/csv"]);
    expect(csvImport.required).toBe(false);
    const docs = await t.app.inject({ method: "GET", url: "/docs/" });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers["content-type"]).toMatch(/text\/html/);
    expect(docs.body).toContain("swagger");
    const reference = await t.app.inject({ method: "GET", url: "/docs/bjs.md" });
    expect(reference.statusCode).toBe(200);
    expect(reference.headers["content-type"]).toBe("text/markdown; charset=utf-8");
    expect(reference.body).toMatch(/^# BJS reference\n/);
    expect(reference.body).toContain("### `Bot.sendMessage(text, options?)`");
  });

  it("reports health, readiness and Prometheus metrics", async () => {
    expect((await t.app.inject({ method: "GET", url: "/healthz" })).json()).toEqual({ status: "ok" });
    expect((await t.app.inject({ method: "GET", url: "/readyz" })).json()).toEqual({ status: "ready" });
    const metrics = await t.app.inject({ method: "GET", url: "/metrics" });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain("botyard_http_request_duration_seconds_bucket");
    expect(metrics.body).toContain('route="/readyz"');
    // Every route is timed, not only the operational ones beside the hook.
    expect((await t.app.inject({ method: "GET", url: "/v2/bots" })).statusCode).toBe(401);
    expect((await t.app.inject({ method: "GET", url: "/metrics" })).body).toMatch(/botyard_http_request_duration_seconds_count\{method="GET",route="\/v2\/bots",status="401"\} 1/);
  });
});

describe("readiness without a database", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "botyard-ready-"));
  let platform: Platform;
  let app: FastifyInstance;
  beforeAll(async () => {
    platform = await createPlatform(loadConfig({ DATA_DIR: dataDir, SECRET_KEY: "k" }), { log: pino({ level: "silent" }) });
    app = await buildApp(platform);
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers 503 once the database is gone", async () => {
    await platform.database.close();
    const response = await app.inject({ method: "GET", url: "/readyz" });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ error: "Database unreachable" });
  });
});

describe("readiness with Redis", () => {
  const t = usePlatform("sqlite", { REDIS_URL: redisUrl() });

  it("answers ready while Redis answers, and 503 naming it once it is gone", async () => {
    await vi.waitFor(() => expect(t.platform.redis!.status).toBe("ready"));
    expect((await t.app.inject({ method: "GET", url: "/readyz" })).json()).toEqual({ status: "ready" });
    t.platform.redis!.disconnect();
    const response = await t.app.inject({ method: "GET", url: "/readyz" });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual({ error: "Redis unreachable" });
  });
});

describe("request logs", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "botyard-logs-"));
  const lines: string[] = [];
  let platform: Platform;
  let app: FastifyInstance;
  beforeAll(async () => {
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } });
    const config = loadConfig({ DATA_DIR: dataDir, SECRET_KEY: "k", LOG_LEVEL: "debug" });
    // The platform's own logger (its serializers and redaction are under test), writing to the sink.
    platform = await createPlatform(config, { log: createLogger(config, sink) });
    app = await buildApp(platform);
  });
  afterAll(async () => {
    await app.close();
    await platform.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("never contain api keys, session tokens or passwords", async () => {
    const { apiKey, headers, email } = await signUp(app);
    await app.inject({ method: "GET", url: `/v2/user?api_key=${apiKey}` });
    await app.inject({ method: "GET", url: "/v2/user", headers });
    await app.inject({ method: "POST", url: "/v2/auth/sign_in", payload: { email, password: PASSWORD } });
    await app.inject({ method: "GET", url: `/v2/nothing/bot123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/getMe?api_key=${apiKey}` });
    await app.inject({ method: "GET", url: `/v2/bots/%zz?api_key=${apiKey}` });
    // The key under a name spelled otherwise: percent-encoded (the parser decodes it, so it signs in), with brackets, after a `;`.
    // And under names that sign nothing in, mangled by a NUL, a space or a digit: the key is in the URL all the same.
    // After a `?` or `/` inside another value, where no parser finds it.
    for (const name of ["api%5Fkey", "%61pi_key", "api_key[]", "x=1;api_key", "api_key%00", "api_key%20", "api_key2", "x=1?api_key", "a=b=c?api_key", "next=/api_key"]) await app.inject({ method: "GET", url: `/v2/user?${name}=${apiKey}` });
    // A `;` ending the path (a 404, logged all the same), and a password put in a URL.
    for (const path of ["/v2/user;", "/v2/user;x", "/healthz;", "/v2/bots;x=1"]) await app.inject({ method: "GET", url: `${path}?api_key=${apiKey}` });
    await app.inject({ method: "GET", url: `/v2/auth/sign_in?email=${encodeURIComponent(email)}&password=${encodeURIComponent(PASSWORD)}` });
    // The public links carry their credential in the query.
    await app.inject({ method: "GET", url: "/v2/bots/1/web-app/%2Fpage?secret=WEBAPPSECRET0000&a=1" });
    await app.inject({ method: "GET", url: "/v1/bots/1/new-webhook?command=%2Fhook&public_user_token=HOOKTOKEN0000" });
    const log = lines.join("");
    expect(log).toContain("/v2/bots/1/web-app/%2Fpage?secret=[redacted]&a=1");
    expect(log).not.toContain("WEBAPPSECRET0000");
    expect(log).not.toContain("HOOKTOKEN0000");
    expect(log).toContain("/v2/user?api_key=[redacted]");
    expect(log).toContain("/v2/user?api%5Fkey=[redacted]");
    expect(log).toContain("/bot[redacted]/getMe");
    expect(log).not.toContain(apiKey);
    expect(log).not.toContain(headers["access-token"]);
    expect(log).not.toContain(PASSWORD);
    expect(log).not.toContain(encodeURIComponent(PASSWORD));
    expect(log).not.toContain("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  });
});
