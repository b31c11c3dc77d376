import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { engines } from "../../support/platform.js";
import { useRuntime, type CommandSpec } from "../../support/runtime.js";
import { useLoopbackServer } from "../../support/loopback.js";
import type { EmbeddedJobQueue } from "../../../src/jobs/embedded-queue.js";
import { HTTP_JOB_KIND } from "../../../src/runtime/run-jobs.js";

/**
 * Runs that do not come from an update, end to end: `Bot.run` with `run_after`,
 * `Bot.clearRunAfter`, and `HTTP.*` with its callbacks, on the job layer and the fake clock.
 */
describe.each(engines())("runs from anywhere, on %s", (engine) => {
  let counted = 0;
  const web = useLoopbackServer((request, body, response) => {
    if (request.url?.startsWith("/counted/")) counted++;
    if (request.url === "/missing") {
      response.writeHead(404, { "content-type": "text/plain" }).end("no such thing");
      return;
    }
    response.writeHead(200, { "content-type": "application/json", "set-cookie": "session=abc; Path=/" });
    response.end(JSON.stringify({ method: request.method, body: body.toString(), header: request.headers["x-test"] ?? null }));
  });

  const r = useRuntime(engine, { BJS_HTTP_ALLOW: "127.0.0.1" });
  beforeAll(() => r.t.platform.jobs.start());
  afterAll(() => r.t.platform.jobs.stop());

  async function setup(commands: CommandSpec[]) {
    const bot = await r.bot(commands);
    const user = await r.emulator.client.createUser({ first_name: "Ada" });
    const chat = await user.privateChat(bot.telegram);
    const send = async (text: string) => {
      await user.sendText(chat, text);
      await bot.deliver();
    };
    /** Moves the clock on in small steps until `count` more bot messages arrived in the chat (the user's, else `inChat`); answers all of them so far. */
    const messagesAfter = async (count: number, stepMs = 500, inChat = chat) => {
      await vi.waitFor(
        async () => {
          await r.t.clock.advanceAsync(stepMs);
          expect((await inChat.waitForBotMessages({ count, timeoutMs: 50 })).length).toBe(count);
        },
        { timeout: 15_000, interval: 10 },
      );
      return (await inChat.history()).filter((m) => m.from?.is_bot).map((m) => m.text);
    };
    const scheduled = async () => (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/scheduled_runs?api_key=${bot.apiKey}` })).json();
    const errors = async () => (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/error_logs?api_key=${bot.apiKey}` })).json() as { title: string }[];
    return { bot, chat, send, messagesAfter, scheduled, errors };
  }

  it("runs Bot.run with run_after once, later, with its options, user and chat and no request", async () => {
    const { send, messagesAfter, scheduled } = await setup([
      { command: "/remind", bjs_code: "Bot.run({command: '/ring', run_after: 60, label: 'ring-' + user.id, options: {note: 'tea'}})" },
      { command: "/ring", bjs_code: "Bot.sendMessage('ring: ' + options.note + ', ' + user.first_name + ', request ' + typeof request + ' ' + (request === null) + ', count ' + completed_commands_count)" },
    ]);
    await send("/remind");
    const waiting = await scheduled();
    expect(waiting).toHaveLength(1);
    expect(waiting[0].label).toMatch(/^ring-\d+$/);
    await r.t.clock.advanceAsync(30_000);
    expect(await scheduled()).toHaveLength(1);
    // A later run follows another command: not the first of an interaction (spec/bjs.md §2.2).
    expect(await messagesAfter(1, 10_000)).toEqual(["ring: tea, Ada, request object true, count 1"]);
    expect(await scheduled()).toEqual([]);
  });

  it("runs Bot.run with a null run_after now, as a sub-command with the request", async () => {
    const { send, messagesAfter, scheduled } = await setup([
      { command: "/soon", bjs_code: "Bot.run({command: '/now', run_after: null})" },
      { command: "/now", bjs_code: "Bot.sendMessage('now, request ' + (request !== null) + ', count ' + completed_commands_count)" },
    ]);
    await send("/soon");
    expect(await scheduled()).toEqual([]);
    expect(await messagesAfter(1, 0)).toEqual(["now, request true, count 1"]);
  });

  it("runs Bot.run naming its own user in the same chat, and naming another user in that user's private chat", async () => {
    const { bot, send, messagesAfter } = await setup([
      { command: "/start", answer: "hi" },
      { command: "/remind", bjs_code: "Bot.run({command: '/ring', run_after: 60, user_id: user.id})" },
      { command: "/ring", bjs_code: "Bot.sendMessage('ring for ' + user.first_name)" },
      { command: "/tell", bjs_code: "Bot.run({command: '/ring', user_telegramid: Number(params)})" },
    ]);
    const other = await r.emulator.client.createUser({ first_name: "Bob" });
    const otherChat = await other.privateChat(bot.telegram);
    await other.sendText(otherChat, "/start");
    await bot.deliver();
    await otherChat.waitForBotMessages({ count: 1, timeoutMs: 3000 });
    await send("/remind");
    expect(await messagesAfter(1, 10_000)).toEqual(["ring for Ada"]);
    await send(`/tell ${other.id}`);
    expect(await messagesAfter(1, 500, otherChat)).toEqual(["hi", "ring for Bob"]);
  });

  it("answers no failure of a scheduled run in the chat, neither with the error reply nor with !: it is logged, as a missing command is", async () => {
    const { send, messagesAfter, errors } = await setup([
      { command: "!", answer: "the ! command" },
      { command: "/later", bjs_code: "Bot.run({command: '/fails', run_after: 60}); Bot.run({command: '/nosuch', run_after: 90}); Bot.run({command: '/works', run_after: 120})" },
      { command: "/fails", bjs_code: "Bot.sendMessage('before'); throw new Error('no such reminder')" },
      { command: "/works", bjs_code: "Bot.sendMessage('after')" },
    ]);
    await send("/later");
    // The run after it shows the clock passed the failure: only what the two runs sent came.
    expect(await messagesAfter(2, 10_000)).toEqual(["before", "after"]);
    // A command gone by the time its run comes is logged too (newest first).
    expect((await errors()).map((entry) => entry.title)).toEqual(["Command not found: /nosuch", "no such reminder"]);
  });

  it("clears scheduled runs by label, and all of a bot's with no label", async () => {
    const { send, scheduled } = await setup([
      { command: "/plan", bjs_code: "Bot.run({command: '/a', run_after: 100, label: 'a'}); Bot.run({command: '/b', run_after: 100, label: 'b'}); Bot.run({command: '/c', run_after: 100})" },
      { command: "/dropA", bjs_code: "Bot.clearRunAfter({label: 'a'})" },
      { command: "/dropAll", bjs_code: "Bot.clearRunAfter()" },
    ]);
    await send("/plan");
    expect(await scheduled()).toHaveLength(3);
    await send("/dropA");
    expect((await scheduled()).map((run: { label: string | null }) => run.label).sort()).toEqual(["b", null].sort());
    await send("/dropAll");
    expect(await scheduled()).toEqual([]);
  });

  it("calls a web API off the execution and runs success with content, status, headers and cookies", async () => {
    const { send, messagesAfter } = await setup([
      { command: "/call", bjs_code: `HTTP.post({url: '${web.url}/echo', body: {x: 1}, headers: {'X-Test': 'yes'}, success: '/got ok', options: {asked: 'post'}})` },
      { command: "/got", bjs_code: "var answer = JSON.parse(content); Bot.sendMessage([params, options.asked, http_status, answer.method, answer.body, answer.header, cookies.session, http_headers['content-type'], completed_commands_count].join('|'), {parse_mode: null})" },
    ]);
    await send("/call");
    expect(await messagesAfter(1)).toEqual(['ok|post|200|POST|{"x":1}|yes|abc|application/json|1']);
  });

  it("logs a failure of the success callback without the error reply or `!`: a callback is no message the user sent", async () => {
    const { send, messagesAfter, errors } = await setup([
      { command: "/price", bjs_code: `HTTP.get({url: '${web.url}/missing', success: '/parse'}); Bot.sendMessage('asked')` },
      { command: "/parse", bjs_code: "JSON.parse(content)" },
      { command: "!", answer: "Sorry!" },
    ]);
    await send("/price");
    await vi.waitFor(async () => expect((await errors()).map((entry) => entry.title)).toEqual([expect.stringMatching(/JSON/)]), { timeout: 15_000, interval: 20 });
    // The callback's job ends once its chain's calls are through: a reply would have been sent by then.
    await (r.t.platform.jobs as EmbeddedJobQueue).idle();
    expect(await messagesAfter(1)).toEqual(["asked"]);
  });

  it("sends a 4xx answer to success (bots check http_status), and a refused address to error, logged only without one", async () => {
    const { send, messagesAfter, errors } = await setup([
      { command: "/missing", bjs_code: `HTTP.get({url: '${web.url}/missing', success: '/status', error: '/failed'})` },
      { command: "/private", bjs_code: "HTTP.get({url: 'http://127.0.0.2:9/', success: '/status', error: '/failed'})" },
      { command: "/unhandled", bjs_code: "HTTP.get({url: 'http://127.0.0.2:9/', success: '/status'})" },
      { command: "/status", bjs_code: "Bot.sendMessage('status ' + http_status + ' ' + content, {parse_mode: null})" },
      { command: "/failed", bjs_code: "Bot.sendMessage('failed, status ' + http_status)" },
    ]);
    await send("/missing");
    expect(await messagesAfter(1)).toEqual(["status 404 no such thing"]);
    await send("/private");
    expect(await messagesAfter(1)).toEqual(["status 404 no such thing", "failed, status null"]);
    // The error callback took the failure over (spec/bjs.md §2.6); without one it is logged.
    expect(await errors()).toEqual([]);
    await send("/unhandled");
    await vi.waitFor(
      async () => {
        await r.t.clock.advanceAsync(500);
        expect((await errors())[0]?.title).toMatch(/^HTTP GET 127\.0\.0\.2:9 failed: .*(private|loopback|not allowed)/i);
      },
      { timeout: 15_000, interval: 10 },
    );
    // Under the command that asked for it.
    expect((await errors())[0]).toMatchObject({ scenario: { bot_command: { command: "/unhandled" } } });
  });

  it("starts at most 100 HTTP requests per update, and none while the bot has 1,000 waiting, saying why in its error log", async () => {
    const { bot, send, errors } = await setup([
      { command: "/flood", bjs_code: `for (var i = 0; i < 150; i++) HTTP.get({url: '${web.url}/counted/' + i})` },
      { command: "/one", bjs_code: `HTTP.get({url: '${web.url}/counted/one'})` },
    ]);
    counted = 0;
    await send("/flood");
    await (r.t.platform.jobs as EmbeddedJobQueue).idle();
    expect(counted).toBe(100);
    expect((await errors()).map((entry) => entry.title)).toEqual([expect.stringContaining("HTTP requests not made: one update may start 100 at most")]);

    // A thousand waiting (due tomorrow): the next request is refused, and nothing more waits.
    const later = { kind: HTTP_JOB_KIND, botId: bot.id, payload: {}, runAt: r.t.clock.now() + 86_400_000 };
    await r.t.platform.jobs.enqueue(Array.from({ length: 1000 }, () => later));
    await send("/one");
    expect((await errors())[0]!.title).toContain("HTTP requests not made: the bot has 1000 waiting for their answers");
    expect((await r.t.platform.jobs.pending(bot.id, { limit: 1, offset: 0 }, { kind: HTTP_JOB_KIND })).total).toBe(1000);
    await r.t.platform.jobs.cancel(bot.id);
  });

  it("cancels a stopped bot's scheduled runs", async () => {
    const { bot, send, scheduled } = await setup([{ command: "/later", bjs_code: "Bot.run({command: '/later', run_after: 3600})" }]);
    await send("/later");
    expect(await scheduled()).toHaveLength(1);
    await r.t.app.inject({ method: "POST", url: `/v2/bots/${bot.id}/status?api_key=${bot.apiKey}`, payload: { status: "start_stopping" } });
    expect(await scheduled()).toEqual([]);
  });
});
