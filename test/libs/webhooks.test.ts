import { createHash, createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmbeddedJobQueue } from "../../src/jobs/embedded-queue.js";
import { MAX_WEBHOOK_BODY_BYTES, WEBHOOK_CALLS_PER_MINUTE } from "../../src/runtime/lib-webhooks.js";
import { bundledLibSource } from "../../src/catalog/lib-sources.js";
import { engines } from "../support/platform.js";
import { useLibraryBots } from "../support/libraries.js";
import { useGitRemote } from "../support/git-remote.js";

const STORE_LIB = "// Botyard store library: the platform provides its source. Replace this file to use your own copy.";

/** The path and query of a link the bot sent (the intake is reached in-process). */
const pathOf = (link: string) => {
  const url = new URL(link);
  return url.pathname + url.search;
};

// The Git remote listens on loopback, which the platform reaches only when allowed.
describe.each(engines())("Webhooks on %s", (engine) => {
  const { r, libraryBot } = useLibraryBots(engine, { IMPORT_ALLOW_PRIVATE_URLS: "true" });
  const remote = useGitRemote();
  beforeAll(() => r.t.platform.jobs.start());
  afterAll(() => r.t.platform.jobs.stop());
  const idle = () => (r.t.platform.jobs as EmbeddedJobQueue).idle();
  const call = (method: "GET" | "POST", link: string, extra: { payload?: string; headers?: Record<string, string> } = {}) => r.t.app.inject({ method, url: pathOf(link), ...extra });

  /** A bot with the Webhooks library, `command` and `others`, and the link to `command` that the bot sent its user. */
  const linkedBot = async (command: string, bjs_code: string, others: { command: string; bjs_code: string }[] = []) => {
    const b = await libraryBot({
      install: ["Webhooks"],
      commands: [{ command: "/link", bjs_code: `Bot.sendMessage(Libs.Webhooks.getUrlFor({command: "${command}", user_id: user.id}), {parse_mode: null})` }, { command, bjs_code }, ...others],
    });
    const [link] = await b.say("/link");
    return { b, link };
  };

  it("a link runs its command as the user, with content and options from the request; the link's token is the store library's", async () => {
    const b = await libraryBot({
      install: ["Webhooks"],
      commands: [
        { command: "/link", bjs_code: 'Bot.sendMessage(Libs.Webhooks.getUrlFor({command: "/hook", user_id: user.id, content: params || undefined}), {parse_mode: null})' },
        {
          command: "/hook",
          bjs_code: 'Bot.sendMessage([user.first_name, content, options.method, options.params.command, options.headers["X-Github-Event"], options.headers["Content-Type"], typeof options.ip, options.url.indexOf("/v1/bots/" + bot.id + "/new-webhook") > 0].join("|"), {parse_mode: null})',
        },
      ],
    });
    const [link] = await b.say("/link");
    const url = new URL(link!);
    expect(url.pathname).toBe(`/v1/bots/${b.bot.id}/new-webhook`);
    const user = (await r.t.platform.botUsers.byTelegramId(b.bot.id, b.user.id))!;
    expect(url.searchParams.get("user_id")).toBe(String(user.id));
    expect(url.searchParams.get("public_user_token")).toBe(createHash("md5").update(`${b.bot.telegram.token}-${user.id}-/hook Salt is very salty!`).digest("hex"));

    const posted = await call("POST", link!, { payload: '{"zen":"Keep it logically awesome."}', headers: { "content-type": "application/json", "x-github-event": "ping" } });
    expect(posted.statusCode).toBe(200);
    expect(posted.json()).toEqual({ ok: true });
    await idle();
    expect(await b.fresh().then((m) => m.map((x) => x.text))).toEqual(['Ada|{"zen":"Keep it logically awesome."}|POST|/hook|ping|application/json|string|true']);

    // Without a body, the link's own content.
    const [withContent] = await b.say("/link hello there");
    expect((await call("GET", withContent!)).statusCode).toBe(200);
    await idle();
    expect(await b.fresh().then((m) => m.map((x) => x.text))).toEqual(["Ada|hello there|GET|/hook|||string|true"]);
  });

  it("refuses made-up links, a stopped bot and bad redirects; redirects when asked; a link without a user runs without one", async () => {
    const b = await libraryBot({
      install: ["Webhooks"],
      commands: [
        { command: "/link", bjs_code: 'Bot.sendMessage(Libs.Webhooks.getUrlFor({command: "/count", user_id: user.id, redirect_to: "https://example.com/dōne"}), {parse_mode: null})' },
        { command: "/global", bjs_code: 'Bot.sendMessage(Libs.Webhooks.getGlobalUrl({command: "/count"}), {parse_mode: null})' },
        { command: "/count", bjs_code: 'Bot.setProperty("calls", Bot.getProperty("calls", 0) + 1, "integer"); Bot.setProperty("who", user ? "user" : "nobody", "string")' },
        { command: "/old", bjs_code: "Libs.Webhooks.getUrl()" },
      ],
    });
    const [link] = await b.say("/link");
    const [global] = await b.say("/global");
    const calls = async () => (await r.t.platform.properties.get(b.bot.id, "bot", "calls")) ?? 0;

    const forged = link!.replace(/public_user_token=\w+/, "public_user_token=" + "0".repeat(32));
    expect((await call("GET", forged)).statusCode).toBe(403);
    // The token covers the user and the command: another user or command is refused.
    expect((await call("GET", link!.replace(/user_id=\d+/, "user_id=999999"))).statusCode).toBe(403);
    expect((await call("GET", link!.replace("command=%2Fcount", "command=%2Fold"))).statusCode).toBe(403);
    expect((await call("GET", link!.replace(/command=[^&]+/, "command="))).json()).toEqual({ error: "The link names no command (command=...)" });
    expect((await call("GET", link!.replace(`/bots/${b.bot.id}/`, "/bots/999999/"))).statusCode).toBe(404);
    expect((await call("GET", link!.replace(/redirect_to=[^&]+/, "redirect_to=javascript%3Aalert(1)"))).statusCode).toBe(400);
    // Another target on a valid link is no open redirect: its redirect_token is the bot's.
    const elsewhere = await call("GET", link!.replace(/redirect_to=[^&]+/, "redirect_to=https%3A%2F%2Fevil.example%2F"));
    expect(elsewhere.statusCode).toBe(403);
    expect(elsewhere.headers.location).toBeUndefined();
    expect((await call("GET", link!.replace(/&redirect_token=[^&]+/, ""))).statusCode).toBe(403);
    await idle();
    expect(await calls()).toBe(0);

    const head = await r.t.app.inject({ method: "HEAD", url: pathOf(link!) });
    expect([head.statusCode, head.headers.allow]).toEqual([405, "GET, POST"]);
    await idle();
    expect(await calls()).toBe(0);

    const redirected = await call("GET", link!);
    expect(redirected.statusCode).toBe(302);
    // With a fragment of its own: the browser keeps none of the link's (where Telegram puts a login).
    // As URL writes it: a header takes ASCII only.
    expect(redirected.headers.location).toBe("https://example.com/d%C5%8Dne#");
    await idle();
    expect(await calls()).toBe(1);
    expect(await r.t.platform.properties.get(b.bot.id, "bot", "who")).toBe("user");

    expect(new URL(global!).searchParams.get("user_id")).toBe("");
    expect((await call("POST", global!, { payload: "plain text", headers: { "content-type": "text/plain" } })).statusCode).toBe(200);
    await idle();
    expect(await calls()).toBe(2);
    expect(await r.t.platform.properties.get(b.bot.id, "bot", "who")).toBe("nobody");

    await r.t.platform.bots.store.setStatus(b.bot.id, { status: "stopped" });
    expect((await call("GET", global!)).json()).toEqual({ error: "The bot is not running" });
    await r.t.platform.bots.store.setStatus(b.bot.id, { status: "works" });

    await b.say("/old");
    expect((await b.errors())[0]!.message).toBe("Webhooks.getUrl is deprecated: use Libs.Webhooks.getUrlFor({command, user_id})");
  });

  it("a link's call answers what its command or a sub-command rendered, as Bots.Business does", async () => {
    const { b, link } = await linkedBot("/paid", 'WebApp.render({content: {status: "received", amount: Number(content)}}); Bot.runCommand("/receipt")', [
      { command: "/receipt", bjs_code: 'Bot.sendMessage("Payment received")' },
    ]);
    const answer = await call("POST", link!, { payload: "25", headers: { "content-type": "application/json" } });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toEqual({ status: "received", amount: 25 });
    expect(await b.fresh().then((m) => m.map((x) => x.text))).toEqual(["Payment received"]);
    expect((await r.t.platform.errorLog.list(b.bot.id, { limit: 10, offset: 0 })).items).toEqual([]);

    const balance = await linkedBot("/balance", 'Bot.runCommand("/render")', [{ command: "/render", bjs_code: "WebApp.render({content: {balance: 42}})" }]);
    expect((await call("GET", balance.link!)).json()).toEqual({ balance: 42 });
  });

  it("a webhook command that fails answers 503 and is logged, without the error reply in the user's chat; one that renders nothing answers ok", async () => {
    const { b, link } = await linkedBot("/broken", 'throw new Error("provider sent nonsense")');
    const failed = await call("GET", link!);
    expect(failed.statusCode).toBe(503);
    expect(failed.json()).toEqual({ error: "The command failed: its error is in the bot's error log" });
    expect(await b.fresh()).toEqual([]);
    const [logged] = (await r.t.platform.errorLog.list(b.bot.id, { limit: 10, offset: 0 })).items;
    expect(logged).toMatchObject({ message: "provider sent nonsense", command_name: "/broken", trigger: "webhook" });

    const quiet = await linkedBot("/quiet", 'Bot.sendMessage("quiet")');
    expect((await call("GET", quiet.link!)).json()).toEqual({ ok: true });
    expect(await quiet.b.fresh().then((m) => m.map((x) => x.text))).toEqual(["quiet"]);
  });

  it("push to deploy: a signed push imports the bot's repository through Bot.importGit (issue 13)", async () => {
    const onPush = [
      'var sign = "sha256=" + CryptoJS.HmacSHA256(content, Bot.getProperty("git_secret")).toString(CryptoJS.enc.Hex);',
      'if (options.headers["X-Hub-Signature-256"] !== sign) { Bot.sendMessage("bad signature"); return; }',
      "var push = JSON.parse(content);",
      'Bot.sendMessage("deploying " + push.commits.length + " commit(s) of " + push.ref);',
      'Bot.importGit({ branch: push.ref.replace("refs/heads/", ""), success: "/imported" });',
    ].join("\n");
    remote.createRepo("deploy", {
      "bot.json": '{"bb_sync_version":"1.0","name":"DeployBot"}',
      "commands/onGitPush.js": `/*CMD\n  command: onGitPush\nCMD*/\n${onPush}\n`,
      "commands/_imported.js": '/*CMD\n  command: /imported\nCMD*/\nBot.sendMessage("imported: " + options.task.status)\n',
      "commands/_hello.js": "/*CMD\n  command: /hello\n  answer: Hello from the repository!\nCMD*/\n",
      // The import replaces the installed libraries: the repository keeps the ones its commands use.
      "libs/Webhooks.js": `${STORE_LIB}\n`,
      "libs/CryptoJS.js": `${STORE_LIB}\n`,
    });
    const b = await libraryBot({
      install: ["Webhooks", "CryptoJS"],
      commands: [
        { command: "/setup", bjs_code: 'Bot.setProperty("git_secret", params, "string"); Bot.sendMessage(Libs.Webhooks.getUrlFor({command: "onGitPush", user_id: user.id}), {parse_mode: null})' },
        { command: "onGitPush", bjs_code: onPush },
      ],
    });
    const patched = await r.t.app.inject({ method: "PUT", url: `/v2/bots/${b.bot.id}?api_key=${b.bot.apiKey}`, payload: { git_remote: remote.url("deploy") } });
    expect(patched.statusCode, patched.body).toBe(200);
    const [hook] = await b.say("/setup s3cret");
    expect(await b.say("/hello")).toEqual([]);

    const payload = JSON.stringify({ ref: "refs/heads/main", commits: [{ id: "abc", message: "add /hello" }] });
    const signed = (secret: string) => ({ "content-type": "application/json", "x-github-event": "push", "x-hub-signature-256": "sha256=" + createHmac("sha256", secret).update(payload).digest("hex") });
    expect((await call("POST", hook!, { payload, headers: signed("wrong") })).statusCode).toBe(200);
    await idle();
    expect(await b.fresh().then((m) => m.map((x) => x.text))).toEqual(["bad signature"]);

    expect((await call("POST", hook!, { payload, headers: signed("s3cret") })).statusCode).toBe(200);
    await idle();
    expect(await b.fresh().then((m) => m.map((x) => x.text))).toEqual(["deploying 1 commit(s) of refs/heads/main", "imported: done"]);
    expect(await b.say("/hello")).toEqual(["Hello from the repository!"]);
  });
  it("takes 600 calls of a bot's links a minute, then answers 429 with Retry-After until the minute ends; a body is 256 KB at most", async () => {
    const b = await libraryBot({
      install: ["Webhooks"],
      commands: [
        { command: "/global", bjs_code: 'Bot.sendMessage(Libs.Webhooks.getGlobalUrl({command: "/noted"}), {parse_mode: null})' },
        { command: "/noted", bjs_code: 'Bot.setProperty("noted", true, "boolean")' },
      ],
    });
    const [link] = await b.say("/global");
    // Each call waits for its run: calls come 50 at a time, as a provider's would, so that runs overlap.
    for (let i = 0; i < WEBHOOK_CALLS_PER_MINUTE; i += 50) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => call("GET", link!)));
      expect(answers.map((a) => a.statusCode)).toEqual(Array(50).fill(200));
    }
    const refused = await call("POST", link!, { payload: "{}" });
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(refused.json()).toEqual({ error: `The bot's links take ${WEBHOOK_CALLS_PER_MINUTE} calls a minute: call again in ${refused.headers["retry-after"]} s` });
    await idle();
    r.t.clock.advance(60_000);
    expect((await call("GET", link!)).statusCode).toBe(200);
    const tooLarge = await call("POST", link!, { payload: "x".repeat(MAX_WEBHOOK_BODY_BYTES + 1), headers: { "content-type": "text/plain" } });
    expect(tooLarge.statusCode).toBe(413);
    await idle();
    expect(await r.t.platform.properties.get(b.bot.id, "bot", "noted")).toBe(true);
  }, 60_000); // 600 runs, each stored and committed: over 20 s on PostgreSQL when the suite loads both cores
});

describe("Webhooks where web apps answer JSON only", () => {
  const { r, libraryBot } = useLibraryBots("sqlite", { WEBAPP_HTML: "false" });
  beforeAll(() => r.t.platform.jobs.start());
  afterAll(() => r.t.platform.jobs.stop());

  it("answers JSON whatever case mime_type writes it in, and {ok: true} for a page the server may not serve: the command ran", async () => {
    const b = await libraryBot({
      install: ["Webhooks"],
      commands: [
        { command: "/link", bjs_code: 'Bot.sendMessage(Libs.Webhooks.getUrlFor({command: params, user_id: user.id}), {parse_mode: null})' },
        { command: "/json", bjs_code: 'WebApp.render({content: "[1]", mime_type: "Application/JSON; charset=utf-8"})' },
        { command: "/text", bjs_code: 'Bot.setProperty("ran", true, "boolean"); WebApp.render({content: "OK"})' },
      ],
    });
    const call = async (command: string) => r.t.app.inject({ method: "GET", url: pathOf((await b.say(`/link ${command}`))[0]!) });
    expect((await call("/json")).json()).toEqual([1]);
    const text = await call("/text");
    expect(text.statusCode).toBe(200);
    expect(text.json()).toEqual({ ok: true });
    expect(await r.t.platform.properties.get(b.bot.id, "bot", "ran")).toBe(true);
  });
});

describe("Webhooks as a Git export carries it", () => {
  it("makes its links on Bots.Business too, which has no platformUrl: on the API host BB_API_URL names", () => {
    const source = bundledLibSource("Webhooks")!;
    let published: { getUrlFor(options: object): string } | undefined;
    new Function("publish", "bot", "BB_API_URL", source)((api: typeof published) => (published = api), { id: 7, token: "123:abc" }, "api.bots.business");
    const token = createHash("md5").update("123:abc-5-/paid Salt is very salty!").digest("hex");
    expect(published!.getUrlFor({ command: "/paid", user_id: 5 })).toBe(`https://api.bots.business/v1/bots/7/new-webhook?&command=%2Fpaid&public_user_token=${token}&user_id=5`);
  });
});
