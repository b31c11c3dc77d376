import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InjectOptions } from "fastify";
import type { EmbeddedJobQueue } from "../../src/jobs/embedded-queue.js";
import { tooManyLinkCalls, WEBHOOK_CALLS_PER_MINUTE, webhookToken } from "../../src/runtime/lib-webhooks.js";
import { engines } from "../support/platform.js";
import { useRuntime } from "../support/runtime.js";

/**
 * The public intakes past their credential: test/api/fuzz.test.ts walks them without a valid
 * web-app secret or Webhooks token, so there they stop at 403/404 before reading anything. Here
 * the link is valid and the attack is in the rest of the request: bodies of every kind and
 * depth, odd queries, other bots' credentials and replayed tokens for other commands or users.
 */
describe.each(engines())("public intakes with a valid link on %s", (engine) => {
  const r = useRuntime(engine);
  beforeAll(() => r.t.platform.jobs.start());
  afterAll(() => r.t.platform.jobs.stop());

  const bodies: [string, string][] = [
    ["application/json", "{"],
    ["application/json", "null"],
    ["application/json", "[1,2]"],
    ["application/json", '"text"'],
    ["application/json", '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}'],
    ["application/json", '{"secret":"override","a":"\\ud800\\u0000"}'],
    ["application/json", "[".repeat(50_000) + "]".repeat(50_000)],
    ["application/json", '{"a":'.repeat(50_000) + "1" + "}".repeat(50_000)],
    ["text/plain", "\u0000\u202e😀"],
    ["application/x-www-form-urlencoded", "who=Bob&secret=x"],
    ["multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--'],
    ["application/octet-stream", "\u0000\u0001"],
  ];
  const queries = ["__proto__=1", "constructor=1", "a=%00", "a=1&a=2", `big=${"x".repeat(5000)}`, "%zz=1", "redirect_to=javascript:alert(1)"];

  /** The answer's problem: a 5xx, or an error that is not one JSON message. */
  function problemWith(where: string, status: number, body: string): string | undefined {
    if (status >= 500) return `${where} → ${status}: ${body.slice(0, 200)}`;
    if (status < 400) return undefined;
    try {
      const parsed = JSON.parse(body);
      const keys = Object.keys(parsed);
      if ((keys.length === 1 && typeof parsed.error === "string") || (keys.length === 1 && Array.isArray(parsed.errors))) return undefined;
    } catch {
      // reported below
    }
    return `${where} → ${status} outside the contract's shapes: ${body.slice(0, 200)}`;
  }

  it("a web app page with its secret: never a 5xx, whatever the body and query; a secret of another bot or command is 404", async () => {
    const bot = await r.bot([{ command: "/page", bjs_code: "WebApp.render({content: {who: options.who || null}})" }]);
    const other = await r.bot([{ command: "/page", bjs_code: "WebApp.render({content: {stolen: true}})" }]);
    const secret = r.t.platform.webApps.secretFor(bot.id, "/page");
    const base = `/v2/bots/${bot.id}/web-app/%2Fpage?secret=${secret}`;
    const problems: string[] = [];
    const send = async (where: string, options: InjectOptions) => {
      const response = await r.t.app.inject(options);
      const problem = problemWith(where, response.statusCode, response.body);
      if (problem) problems.push(problem);
      return response;
    };
    expect((await send("plain", { method: "GET", url: base })).statusCode).toBe(200);
    for (const [type, payload] of bodies) await send(`POST <${type}> ${payload.slice(0, 20)}`, { method: "POST", url: base, headers: { "content-type": type }, payload });
    for (const query of queries) await send(`GET ?${query.slice(0, 20)}`, { method: "GET", url: `${base}&${query}` });
    // A page's own form posts url-encoded (it used to be 415), a page's script posts JSON.
    const form = await send("form", { method: "POST", url: base, headers: { "content-type": "application/x-www-form-urlencoded" }, payload: "who=Bob&__proto__=x" });
    expect([form.statusCode, form.json()]).toEqual([200, { who: "Bob" }]);
    expect((await send("json", { method: "POST", url: base, payload: { who: "Ann" } })).json()).toEqual({ who: "Ann" });
    const doc = (await r.t.app.inject({ method: "GET", url: "/v2/openapi.json" })).json();
    expect(Object.keys(doc.paths["/v2/bots/{id}/web-app/{command}"].post.requestBody.content).sort()).toEqual(["application/json", "application/x-www-form-urlencoded"]);
    // A link checker's HEAD runs nothing (it used to run the command).
    const head = await r.t.app.inject({ method: "HEAD", url: base });
    expect([head.statusCode, head.headers.allow]).toEqual([405, "GET, POST"]);
    // The secret belongs to one bot and one command.
    expect((await send("other bot", { method: "GET", url: `/v2/bots/${other.id}/web-app/%2Fpage?secret=${secret}` })).statusCode).toBe(404);
    expect((await send("other command", { method: "GET", url: `/v2/bots/${bot.id}/web-app/%2Fother?secret=${secret}` })).statusCode).toBe(404);
    expect((await send("secret twice", { method: "GET", url: `${base}&secret=${secret}` })).statusCode).toBeLessThan(500);
    expect((await send("secret cut", { method: "GET", url: `/v2/bots/${bot.id}/web-app/%2Fpage?secret=${secret.slice(0, -1)}` })).statusCode).toBe(404);
    expect(problems).toEqual([]);
  });

  it("a web app page takes as many calls a minute as a Webhooks link, then 429 with Retry-After: each call is an iteration of its owner's", async () => {
    const bot = await r.bot([{ command: "/page", bjs_code: "WebApp.render({content: {ok: true}})" }]);
    const url = `/v2/bots/${bot.id}/web-app/%2Fpage?secret=${r.t.platform.webApps.secretFor(bot.id, "/page")}`;
    expect((await r.t.app.inject({ method: "GET", url })).statusCode).toBe(200);
    // The rest of the minute's calls, counted without running 599 pages.
    for (let call = 1; call < WEBHOOK_CALLS_PER_MINUTE; call++) await r.t.platform.attempts.hit(`web-app:${bot.id}`, WEBHOOK_CALLS_PER_MINUTE, 60);
    const refused = await r.t.app.inject({ method: "POST", url, payload: { a: 1 } });
    expect([refused.statusCode, refused.json()]).toEqual([429, { error: tooManyLinkCalls(Number(refused.headers["retry-after"])).message }]);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    r.t.clock.advance(60_000);
    expect((await r.t.app.inject({ method: "GET", url })).json()).toEqual({ ok: true });
  });

  it("a Webhooks link with its token: never a 5xx, whatever the body and query; a token replayed for another command, user or bot is 403/404", async () => {
    const bot = await r.bot([{ command: "/hook", bjs_code: "WebApp.render({content: {got: true}})" }]);
    const other = await r.bot([{ command: "/hook", bjs_code: "Bot.sendMessage('stolen')" }]);
    const token = webhookToken(bot.telegram.token, "", "/hook");
    const link = `/v1/bots/${bot.id}/new-webhook?command=%2Fhook&public_user_token=${token}`;
    const problems: string[] = [];
    const send = async (where: string, options: InjectOptions) => {
      const response = await r.t.app.inject(options);
      const problem = problemWith(where, response.statusCode, response.body);
      if (problem) problems.push(problem);
      return response;
    };
    expect((await send("plain", { method: "GET", url: link })).statusCode).toBe(200);
    for (const [type, payload] of bodies) await send(`POST <${type}> ${payload.slice(0, 20)}`, { method: "POST", url: link, headers: { "content-type": type }, payload });
    for (const query of queries) await send(`GET ?${query.slice(0, 20)}`, { method: "GET", url: `${link}&${query}` });
    expect((await send("other bot", { method: "GET", url: `/v1/bots/${other.id}/new-webhook?command=%2Fhook&public_user_token=${token}` })).statusCode).toBe(403);
    expect((await send("other command", { method: "GET", url: `/v1/bots/${bot.id}/new-webhook?command=%2Fother&public_user_token=${token}` })).statusCode).toBe(403);
    expect((await send("other user", { method: "GET", url: `${link}&user_id=1` })).statusCode).toBe(403);
    expect((await send("no bot", { method: "GET", url: `/v1/bots/999999/new-webhook?command=%2Fhook&public_user_token=${token}` })).statusCode).toBe(404);
    await (r.t.platform.jobs as EmbeddedJobQueue).idle();
    expect(problems).toEqual([]);
  });
});
