import { afterAll, describe, expect, it, vi } from "vitest";
import type { EmbeddedJobQueue } from "../../../src/jobs/embedded-queue.js";
import { ENDED_BROADCASTS_KEPT, MAX_UNFINISHED_BROADCASTS } from "../../../src/jobs/broadcasts.js";
import type { ChatHandle, UserHandle } from "../../../src/telegram/emulator/index.js";
import { engines, usePlatform } from "../../support/platform.js";
import { useRuntime, type CommandSpec } from "../../support/runtime.js";
import { signUp } from "../../support/accounts.js";
import { metricValue } from "../../support/metrics.js";

/**
 * Broadcasts end to end (spec/bjs.md §5, items 26 and 40; spec/api.md Broadcast): tasks made by
 * the API and by BJS, their statuses and counters on the fake clock, recipients reached once,
 * chats that blocked the bot, and what a recipient command may not do.
 */
describe.each(engines())("broadcasts on %s", (engine) => {
  const r = useRuntime(engine);
  const queue = () => r.t.platform.jobs as EmbeddedJobQueue;
  afterAll(() => queue().stop());

  /** Lets the job layer work until nothing is left to do now. */
  async function drain(): Promise<void> {
    await queue().start();
    await queue().idle();
    await queue().stop();
  }

  /** The sender's 429s so far (counted in the same step as it holds the bot). */
  const rateLimited = () => metricValue(r.t.app, 'botyard_telegram_calls_total{outcome="rate_limited"}');

  /**
   * Moves the clock while a broadcast job runs, in steps its queue's heartbeat keeps up with:
   * one jump past the job's lease (its renewals being database writes the jump does not wait
   * for) would let the queue take the job again, as if its worker had died.
   */
  async function advanceWhileRunning(ms: number): Promise<void> {
    const leaseEnd = async () => {
      const row = await r.t.platform.database.db.selectFrom("jobs").select((eb) => eb.fn.max("run_at").as("end")).where("kind", "=", "broadcast").where("locked_by", "is not", null).executeTakeFirst();
      return row?.end ? Date.parse(row.end) : 0;
    };
    for (let left = ms; left > 0; left -= 10_000) {
      await r.t.clock.advanceAsync(Math.min(10_000, left));
      await vi.waitFor(async () => expect(await leaseEnd()).toBeGreaterThan(r.t.clock.now() + 10_000));
    }
  }

  async function setup(commands: CommandSpec[], people = 3) {
    const bot = await r.bot([{ command: "/start" }, ...commands]);
    const users: UserHandle[] = [];
    const chats: ChatHandle[] = [];
    for (let i = 0; i < people; i++) {
      const user = await r.emulator.client.createUser({ first_name: `User${i}` });
      const chat = await user.privateChat(bot.telegram);
      await user.start(chat);
      users.push(user);
      chats.push(chat);
    }
    await bot.deliver();
    const base = `/v2/bots/${bot.id}/broadcasts`;
    const call = async (method: "GET" | "POST" | "DELETE", path = "", payload?: object) =>
      r.t.app.inject({ method, url: `${base}${path}?api_key=${bot.apiKey}`, ...(payload && { payload }) });
    const received = async () => Promise.all(chats.map(async (chat) => (await chat.history()).filter((m) => m.from?.is_bot).map((m) => m.text)));
    const errors = async () => (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/error_logs?api_key=${bot.apiKey}` })).json() as { title: string }[];
    return { bot, users, chats, call, received, errors };
  }

  it("sends a text broadcast to every private chat once: new, in progress, finished, with its counters, newest first", async () => {
    const { call, received } = await setup([], 4);
    const created = await call("POST", "", { text: "*Sale* today", parse_mode: "Markdown", for_chats: "private-chats" });
    expect(created.statusCode).toBe(200);
    expect(created.json()).toMatchObject({ status: "new", command: null, text: "*Sale* today", for_chats: "private-chats", total: 0, processed: 0, pending: 0, speed: 0, started_at: null, finished_at: null });
    await drain();
    const [task] = (await call("GET")).json();
    expect(task).toMatchObject({ id: created.json().id, status: "finished", total: 4, processed: 4, delivered: 4, failed: 0, blocked: 0, pending: 0, estimated_finish_at: null });
    expect(task.started_at).not.toBeNull();
    expect(task.finished_at).not.toBeNull();
    expect(await received()).toEqual(Array(4).fill(["Sale today"]));

    const second = (await call("POST", "", { text: "again" })).json();
    const listed = (await call("GET")).json() as { id: number }[];
    expect(listed.map((t) => t.id)).toEqual([second.id, created.json().id]);
    await drain();
  });

  it("pauses and resumes where it stopped, and measures speed only while in progress", async () => {
    const { call, received } = await setup([], 3);
    // Telegram answers the first send with 429 (retry after 10 s): the sender holds the bot 10 s on the clock, then sends it again.
    await r.emulator.client.injectFault({ method: "sendMessage", kind: 429, retryAfter: 10 });
    const task = (await call("POST", "", { text: "news" })).json();
    const refusedBefore = await rateLimited();
    await queue().start();
    // Counted in the same step as the bot is held: the clock moves only after the hold began.
    await vi.waitFor(async () => expect((await rateLimited()) - refusedBefore).toBe(1));
    expect((await call("GET")).json()[0]).toMatchObject({ status: "in progress", total: 3, processed: 0 });
    await r.t.clock.advanceAsync(5_000);
    expect((await received()).flat()).toEqual([]);
    const paused = await call("POST", `/${task.id}/pause`);
    expect(paused.statusCode).toBe(200);
    expect(paused.json()).toMatchObject({ status: "paused", estimated_finish_at: null });
    // The message in hand still goes once its wait is over, and is counted; then the worker stops.
    await vi.waitFor(async () => {
      await r.t.clock.advanceAsync(1_000);
      expect((await call("GET")).json()[0].processed).toBe(1);
    });
    await queue().idle();
    const stopped = (await call("GET")).json()[0];
    // One recipient over the 5 s in progress; the time paused does not count.
    expect(stopped).toMatchObject({ status: "paused", processed: 1, pending: 2, speed: 0.2 });
    expect((await received()).flat()).toEqual(["news"]);
    // A long pause does not lower the speed.
    await r.t.clock.advanceAsync(100_000);
    expect((await call("GET")).json()[0].speed).toBe(stopped.speed);
    expect((await call("POST", `/${task.id}/pause`)).json()).toEqual({ errors: ["The broadcast task is paused: it cannot be paused"] });

    const resumed = await call("POST", `/${task.id}/resume`);
    expect(resumed.json().status).toBe("in progress");
    await queue().idle();
    await queue().stop();
    expect((await call("GET")).json()[0]).toMatchObject({ status: "finished", processed: 3, delivered: 3, pending: 0 });
    expect(await received()).toEqual([["news"], ["news"], ["news"]]);
    expect((await call("POST", `/${task.id}/resume`)).statusCode).toBe(422);
  });

  it("waits out a retry_after too long for the sender to wait: the whole bot is held, and no recipient is lost or messaged twice", async () => {
    const { call, received } = await setup([], 2);
    await r.emulator.client.injectFault({ method: "sendMessage", kind: 429, retryAfter: 120 });
    await call("POST", "", { text: "patience" });
    const before = { rateLimited: await rateLimited(), refused: (await r.emulator.client.counters()).tooManyRequests };
    await queue().start();
    await vi.waitFor(async () => expect((await rateLimited()) - before.rateLimited).toBe(1));
    // The sender fails the call (over 60 s) but holds the bot: the worker's next try waits in its queue, and so does every other recipient.
    await advanceWhileRunning(119_000);
    expect((await received()).flat()).toEqual([]);
    expect((await call("GET")).json()[0]).toMatchObject({ status: "in progress", processed: 0, failed: 0 });
    await r.t.clock.advanceAsync(1_001);
    await queue().idle();
    await queue().stop();
    expect((await call("GET")).json()[0]).toMatchObject({ status: "finished", total: 2, processed: 2, delivered: 2, failed: 0 });
    expect(await received()).toEqual([["patience"], ["patience"]]);
    expect((await r.emulator.client.counters()).tooManyRequests - before.refused).toBe(1);
  });

  it("counts chats that blocked the bot, and later broadcasts skip them until they write again", async () => {
    const { bot, users, chats, call, received } = await setup([], 3);
    await users[1]!.block(bot.telegram);
    await call("POST", "", { text: "one" });
    await drain();
    expect((await call("GET")).json()[0]).toMatchObject({ status: "finished", total: 3, delivered: 2, blocked: 1, failed: 0 });
    await users[1]!.unblock(bot.telegram);
    await call("POST", "", { text: "two" });
    await drain();
    expect((await call("GET")).json()[0]).toMatchObject({ total: 2, delivered: 2, blocked: 0 });
    await users[1]!.sendText(chats[1]!, "back");
    await bot.deliver();
    await call("POST", "", { text: "three" });
    await drain();
    expect((await call("GET")).json()[0]).toMatchObject({ total: 3, delivered: 3 });
    expect(await received()).toEqual([["one", "two", "three"], ["three"], ["one", "two", "three"]]);
  });

  it("runs Bot.runAll's command in each chat with options.task, calls on_create, and reads RunAllTask", async () => {
    const { users, chats, received, bot, errors } = await setup([
      { command: "/announce", bjs_code: "Bot.runAll({command: '/item tea', for_chats: 'private-chats', options: {text: 'News'}, on_create: '/created'})" },
      { command: "/item", bjs_code: "Bot.sendMessage(options.text + ' ' + params + ' to ' + user.first_name + ' in ' + chat.chat_type + ' #' + options.task.id + ' ' + options.task.status)" },
      { command: "/created", bjs_code: "Bot.sendMessage('created #' + options.run_all_task.id + ' ' + options.run_all_task.status)" },
      { command: "/check", bjs_code: "var t = new RunAllTask({id: Number(params)}); Bot.sendMessage('task ' + t.status + ' ' + t.total + ' ' + t.progress + '%')" },
    ]);
    await users[0]!.sendText(chats[0]!, "/announce");
    await bot.deliver();
    const tasks = (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/broadcasts?api_key=${bot.apiKey}` })).json();
    expect(tasks).toHaveLength(1);
    const id = tasks[0].id;
    expect(tasks[0]).toMatchObject({ command: "/item tea", for_chats: "private-chats", status: "new" });
    await drain();
    const got = await received();
    expect(got[0]).toEqual([`created #${id} new`, `News tea to User0 in private #${id} in progress`]);
    expect(got[1]).toEqual([`News tea to User1 in private #${id} in progress`]);
    await users[2]!.sendText(chats[2]!, `/check ${id}`);
    await users[2]!.sendText(chats[2]!, `/check 999999`);
    await bot.deliver();
    expect((await received())[2]!.slice(1)).toEqual(["task finished 3 100%", "task null undefined undefined%"]);
    expect(await errors()).toEqual([]);
  });

  it("refuses Bot.runCommand, Bot.run, HTTP and Bot.runAll inside a recipient command, and sends nothing for them", async () => {
    const { users, chats, received, bot, errors } = await setup(
      [
        { command: "/go", bjs_code: "Bot.runAll({command: '/each'})" },
        { command: "/each", bjs_code: "Bot.runCommand('/other'); Bot.run({command: '/other', run_after: 5}); HTTP.get({url: 'http://127.0.0.1:1/'}); Bot.runAll({command: '/each'}); Bot.sendMessage('each')" },
        { command: "/other", bjs_code: "Bot.sendMessage('other')" },
      ],
      1,
    );
    await users[0]!.sendText(chats[0]!, "/go");
    await bot.deliver();
    await drain();
    expect(await received()).toEqual([["each"]]);
    const titles = (await errors()).map((e) => e.title).sort();
    expect(titles).toEqual([
      "Bot.run is not allowed in a broadcast's recipient command: prepare the data before Bot.runAll and pass it in options",
      "Bot.runAll is not allowed in a broadcast's recipient command: prepare the data before Bot.runAll and pass it in options",
      "Bot.runCommand (or Bot.run) is not allowed in a broadcast's recipient command: prepare the data before Bot.runAll and pass it in options",
      "HTTP is not allowed in a broadcast's recipient command: prepare the data before Bot.runAll and pass it in options",
    ]);
    expect((await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/broadcasts?api_key=${bot.apiKey}` })).json()).toHaveLength(1);
  });

  it("sends the legacy Bot.sendMessageToAll* texts to the chats of their kind", async () => {
    const { users, chats, received, bot } = await setup([
      { command: "/all", bjs_code: "Bot.sendMessageToAllPrivateChats('hello *all*')" },
      { command: "/groups", bjs_code: "Bot.sendMessageToAllGroupChats('groups only')" },
    ]);
    await users[0]!.sendText(chats[0]!, "/all");
    await users[0]!.sendText(chats[0]!, "/groups");
    await bot.deliver();
    await drain();
    expect(await received()).toEqual([["hello all"], ["hello all"], ["hello all"]]);
    const tasks = (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/broadcasts?api_key=${bot.apiKey}` })).json();
    expect(tasks.map((t: { for_chats: string; total: number; status: string }) => [t.for_chats, t.total, t.status])).toEqual([
      ["group-chats", 0, "finished"],
      ["private-chats", 3, "finished"],
    ]);
  });

  it("pauses a task when the bot stops and terminates it when its command is gone; runs one task at a time", async () => {
    const { call, bot, received } = await setup([{ command: "/hello", bjs_code: "Bot.sendMessage('hello')" }], 2);
    await r.t.platform.bots.store.setStatus(bot.id, { status: "stopped" });
    expect((await call("POST", "", { command: "/hello" })).json()).toEqual({ errors: ["The bot is not running: start it before broadcasting"] });
    await r.t.platform.bots.store.setStatus(bot.id, { status: "works" });
    const first = (await call("POST", "", { command: "/hello" })).json();
    const second = (await call("POST", "", { text: "second" })).json();
    await r.t.platform.bots.store.setStatus(bot.id, { status: "stopped" });
    await drain();
    const [secondNow, firstNow] = (await call("GET")).json();
    expect(firstNow).toMatchObject({ id: first.id, status: "paused", processed: 0 });
    // The second waited for the first, and pauses too.
    expect(secondNow).toMatchObject({ id: second.id, status: "paused" });

    await r.t.platform.bots.store.setStatus(bot.id, { status: "works" });
    const commands = (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/commands?api_key=${bot.apiKey}` })).json() as { id: number; command: string }[];
    await r.t.app.inject({ method: "DELETE", url: `/v2/bots/${bot.id}/commands/${commands.find((c) => c.command === "/hello")!.id}?api_key=${bot.apiKey}` });
    await call("POST", `/${first.id}/resume`);
    await call("POST", `/${second.id}/resume`);
    await drain();
    const [secondDone, firstDone] = (await call("GET")).json();
    expect(firstDone).toMatchObject({ status: "terminated", processed: 0 });
    expect(firstDone.finished_at).not.toBeNull();
    expect(secondDone).toMatchObject({ status: "finished", delivered: 2 });
    expect(await received()).toEqual([["second"], ["second"]]);
  });

  it("deletes a task (404 after), and answers the contract's errors for bad input", async () => {
    const { call } = await setup([], 1);
    const task = (await call("POST", "", { text: "bye" })).json();
    expect((await call("DELETE", `/${task.id}`)).json()).toEqual({ message: "Broadcast task deleted" });
    expect((await call("DELETE", `/${task.id}`)).json()).toEqual({ error: "Broadcast task not found" });
    expect((await call("POST", `/${task.id}/pause`)).statusCode).toBe(404);
    expect((await call("POST", `/abc/resume`)).json()).toEqual({ error: "Broadcast task not found" });
    await drain();
    expect((await call("GET")).json()).toEqual([]);

    const bad = async (payload: object) => {
      const response = await call("POST", "", payload);
      expect(response.statusCode).toBe(422);
      return response.json().errors;
    };
    expect(await bad({})).toEqual(["Give either command or text"]);
    expect(await bad({ command: "/a", text: "b" })).toEqual(["Give either command or text"]);
    expect(await bad({ command: "/a", parse_mode: "HTML" })).toEqual(["parse_mode goes with text, not with command"]);
    expect(await bad({ text: "a", options: { x: 1 } })).toEqual(["options go with command, not with text"]);
    for (const text of ["", "  \n "]) expect(await bad({ text })).toEqual(["Text must not be blank"]);
    expect((await call("POST", "", { text: "a", for_chats: "channels" })).statusCode).toBe(422);
    expect(await bad({ command: "/start", options: { pad: "x".repeat(10_300) } })).toEqual([expect.stringMatching(/Options of a run stored for later may be 10240 bytes of JSON at most/)]);
    expect(await bad({ command: "/missing with params" })).toEqual(['No command or alias of the bot matches "/missing with params": create it, or broadcast one the bot has']);
    expect(await bad({ command: null, text: null })).toEqual(["Give either command or text"]);
    expect((await call("GET")).json()).toEqual([]);

    // An optional field sent as null is left out, as in the bots' and commands' bodies.
    const nulls = await call("POST", "", { text: "hi", command: null, parse_mode: null, for_chats: null, options: null });
    expect(nulls.statusCode, nulls.body).toBe(200);
    expect(nulls.json()).toMatchObject({ text: "hi", command: null, for_chats: "all" });
  });

  it("takes a command named by an alias, or with params; with a library installed, any command (a library may handle it)", async () => {
    const { bot, call } = await setup([{ command: "/hello", aliases: "hi", answer: "Hello" }], 1);
    for (const command of ["/hello", "hi", "/hello there"]) expect((await call("POST", "", { command })).statusCode).toBe(200);
    expect((await r.t.app.inject({ method: "POST", url: `/v2/bots/${bot.id}/libs?api_key=${bot.apiKey}`, payload: { lib_id: "Webhooks" } })).statusCode).toBe(200);
    expect((await call("POST", "", { command: "/onLibraryEvent" })).statusCode).toBe(200);
  });

  it("counts a recipient whose command fails as failed, and sends that user no error reply", async () => {
    const { call, received, errors } = await setup([{ command: "/greet", bjs_code: "if (user.first_name === 'User1') throw new Error('no greeting for you'); Bot.sendMessage('hello ' + user.first_name)" }], 3);
    await call("POST", "", { command: "/greet", for_chats: "private-chats" });
    await drain();
    expect((await call("GET")).json()[0]).toMatchObject({ status: "finished", total: 3, processed: 3, delivered: 2, failed: 1, blocked: 0 });
    expect(await received()).toEqual([["hello User0"], [], ["hello User2"]]);
    expect((await errors()).map((e) => e.title)).toEqual(["no greeting for you"]);
  });

  it("pauses when the owner's iterations run out; a task paused before it started starts on resume", async () => {
    const { call, bot, received } = await setup([], 2);
    const task = (await call("POST", "", { text: "later" })).json();
    expect((await call("POST", `/${task.id}/pause`)).json()).toMatchObject({ status: "paused", started_at: null });
    expect((await call("POST", `/${task.id}/resume`)).json()).toMatchObject({ status: "new", started_at: null });
    const owner = (await r.t.platform.bots.store.byId(bot.id))!.owner_id;
    r.processing.budget.spend(owner, bot.id, 1_000_000_000);
    await drain();
    expect((await call("GET")).json()[0]).toMatchObject({ status: "paused", total: 2, processed: 0 });
    expect((await received()).flat()).toEqual([]);
  });

  it("logs Bot.runAll on a plan without broadcasts (Hobby) and starts nothing", async () => {
    const { users, chats, bot, call, errors, received } = await setup([{ command: "/go", bjs_code: "Bot.runAll({command: '/start'}); Bot.sendMessage('asked')" }], 1);
    const owner = (await r.t.platform.bots.store.byId(bot.id))!.owner_id;
    await r.t.platform.database.db.updateTable("users").set({ payment_plan: "Hobby" }).where("id", "=", owner).execute();
    // The runtime trusts an owner's row (and plan) it read for 5 s.
    await r.t.clock.advanceAsync(5_001);
    await users[0]!.sendText(chats[0]!, "/go");
    await bot.deliver();
    expect((await errors()).map((e) => e.title)).toEqual(["Your plan does not include broadcasts"]);
    expect(await received()).toEqual([["asked"]]);
    expect((await call("GET")).json()).toEqual([]);
  });

  it("charges one iteration per recipient", async () => {
    const { call, bot } = await setup([], 3);
    const owner = (await r.t.platform.bots.store.byId(bot.id))!.owner_id;
    const before = await r.processing.budget.spent(owner);
    await call("POST", "", { text: "counted" });
    await drain();
    expect((await r.processing.budget.spent(owner)) - before).toBe(3);
  });

  it("charges Bot.runAll an iteration of its own, as Bot.run is charged", async () => {
    const { bot, users, chats } = await setup([
      { command: "/many", bjs_code: "for (var i = 0; i < 5; i++) Bot.runAll({ command: '/hello', for_chats: 'private-chats' })" },
      { command: "/hello", answer: "Hello" },
    ], 1);
    const owner = (await r.t.platform.bots.store.byId(bot.id))!.owner_id;
    await r.processing.budget.flush();
    const before = await r.processing.budget.spent(owner);
    await users[0]!.sendText(chats[0]!, "/many");
    await bot.deliver();
    await r.processing.budget.flush();
    expect((await r.processing.budget.spent(owner)) - before).toBe(1 + 5);
  });

  it("keeps 100 tasks that have not ended at most; deleting one makes room", async () => {
    const { call } = await setup([], 1);
    const tasks = [];
    for (let i = 0; i < MAX_UNFINISHED_BROADCASTS; i++) tasks.push((await call("POST", "", { text: `news ${i}` })).json());
    const refused = await call("POST", "", { text: "one more" });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toEqual({ errors: [`The bot has ${MAX_UNFINISHED_BROADCASTS} broadcast tasks that have not ended: let them finish, or delete some, before starting another`] });
    await call("DELETE", `/${tasks[0].id}`);
    expect((await call("POST", "", { text: "one more" })).statusCode).toBe(200);
  });

  it("keeps the newest 1,000 ended tasks of a bot: starting one deletes older ones", async () => {
    const { bot, call } = await setup([], 1);
    const { store } = r.t.platform.broadcasts;
    const ended = [];
    for (let i = 0; i < ENDED_BROADCASTS_KEPT + 2; i++) ended.push(await store.create(bot.id, { text: `old ${i}`, for_chats: "all", options: null }));
    const { db } = r.t.platform.database;
    await db.updateTable("broadcasts").set({ status: "finished" }).where("id", "in", ended.slice(1).map((task) => task.id)).execute();
    await db.updateTable("broadcasts").set({ status: "terminated" }).where("id", "=", ended[0]!.id).execute();
    expect((await call("POST", "", { text: "new" })).statusCode).toBe(200);
    const left = await db.selectFrom("broadcasts").select("id").where("bot_id", "=", bot.id).orderBy("id").execute();
    // The two oldest went; the 1,000 after them and the new one stay.
    expect(left.map((task) => task.id)).toEqual([...ended.slice(2).map((task) => task.id), left.at(-1)!.id]);
    expect(left).toHaveLength(ENDED_BROADCASTS_KEPT + 1);
  });
});

describe.each(engines())("broadcasts on a plan without them, on %s", (engine) => {
  const t = usePlatform(engine, { FREE_PLAN_BROADCASTS: "false" });

  it("answers 403 with a clear message and makes no task", async () => {
    const { apiKey } = await signUp(t.app);
    const bot = (await t.app.inject({ method: "POST", url: `/v2/bots?api_key=${apiKey}`, payload: { name: "Quiet" } })).json();
    await t.platform.bots.store.setStatus(bot.id, { status: "works" });
    const response = await t.app.inject({ method: "POST", url: `/v2/bots/${bot.id}/broadcasts?api_key=${apiKey}`, payload: { text: "hi" } });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: "Your plan does not include broadcasts" });
    expect((await t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/broadcasts?api_key=${apiKey}` })).json()).toEqual([]);
  });
});
