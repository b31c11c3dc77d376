import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmbeddedJobQueue } from "../../../src/jobs/embedded-queue.js";
import { engines } from "../../support/platform.js";
import { useRuntime, type CommandSpec } from "../../support/runtime.js";

interface ScheduledRun {
  command_id: number | null;
  trigger: string;
  run_at: string;
}

/**
 * Auto retry (spec/bjs.md §1.12): commands that run by themselves every `auto_retry_time`
 * seconds while their bot works, on the job layer and the fake clock.
 */
describe.each(engines())("auto retry on %s", (engine) => {
  const r = useRuntime(engine);
  beforeAll(() => r.t.platform.jobs.start());
  afterAll(() => r.t.platform.jobs.stop());
  const queue = () => r.t.platform.jobs as EmbeddedJobQueue;

  /** A started bot (through the API, as owners start theirs) and a chat its auto-retry BJS writes to. */
  async function setup(commands: (chatId: number) => CommandSpec[]) {
    const user = await r.emulator.client.createUser({ first_name: "Ada" });
    const bot = await r.bot([]);
    const chat = await user.privateChat(bot.telegram);
    const api = (method: "GET" | "POST" | "PUT" | "DELETE", path: string, payload?: object) => r.t.app.inject({ method, url: `/v2/bots/${bot.id}${path}?api_key=${bot.apiKey}`, payload });
    const ids: Record<string, number> = {};
    for (const command of commands(chat.id)) ids[command.command] = (await api("POST", "/commands", command)).json().id;
    expect((await api("POST", "/status", { status: "start_launch" })).json().status).toBe("works");
    await queue().idle();
    const scheduled = async () => (await api("GET", "/scheduled_runs")).json() as ScheduledRun[];
    const texts = async () => (await chat.history()).filter((m) => m.from?.is_bot).map((m) => m.text);
    /**
     * Moves the clock and lets every job that fell due finish. A job taken after the clock
     * passed on runs at the later time, so a step should end at the due time it is about.
     */
    const advance = async (ms: number) => {
      await r.t.clock.advanceAsync(ms);
      await queue().idle();
    };
    const errors = async () => (await api("GET", "/error_logs")).json() as { title: string }[];
    return { bot, chat, api, ids, scheduled, texts, advance, errors };
  }

  const tick = (chatId: number, word = "tick"): CommandSpec & { auto_retry_time?: number } => ({
    command: "/tick",
    answer: "an Answer no one gets",
    keyboard_body: "A,B",
    bjs_code: `Bot.sendMessage({chat_id: ${chatId}, text: '${word} ' + [user === null, chat === null, request === null, options === null].join(','), parse_mode: null})`,
    auto_retry_time: 60,
  });

  it("runs the command every auto_retry_time seconds while the bot works, with no user, chat, request or Answer", async () => {
    const { bot, ids, scheduled, texts, advance, api } = await setup((chatId) => [tick(chatId), { command: "/other", answer: "x" }]);
    const started = r.t.clock.now();
    expect(await scheduled()).toEqual([expect.objectContaining({ command_id: ids["/tick"], trigger: "auto_retry", run_at: new Date(started + 60_000).toISOString() })]);
    const ownerId = (await r.t.platform.bots.store.byId(bot.id))!.owner_id;
    const spent = () => r.processing.budget.spent(ownerId);
    const spentBefore = await spent();

    await advance(59_999);
    expect(await texts()).toEqual([]);
    await advance(1);
    expect(await texts()).toEqual(["tick true,true,true,true"]);
    // One iteration per automatic run.
    expect((await spent()) - spentBefore).toBe(1);
    // The next one is measured from this run.
    expect((await scheduled())[0]!.run_at).toBe(new Date(started + 120_000).toISOString());
    const command = (await api("GET", `/commands/${ids["/tick"]}`)).json();
    expect(command.last_auto_retry_at).toBe(new Date(started + 60_000).toISOString());

    // One due time per step: a run's next due time exists only once the run has been taken.
    await advance(60_000);
    await advance(60_000);
    expect(await texts()).toHaveLength(3);
  });

  it("follows edits: a new interval, a cleared one, a new auto-retry command, a deleted one; Bot.clearRunAfter leaves it", async () => {
    const { chat, ids, api, scheduled, texts, advance } = await setup((chatId) => [tick(chatId), { command: "/clear", bjs_code: "Bot.clearRunAfter()" }]);
    const edit = (id: number, body: object) => api("PUT", `/commands/${id}`, body);

    await edit(ids["/tick"]!, { ...tick(chat.id, "fast"), auto_retry_time: 10 });
    expect((await scheduled())[0]!.run_at).toBe(new Date(r.t.clock.now() + 10_000).toISOString());
    await advance(10_000);
    expect(await texts()).toEqual(["fast true,true,true,true"]);

    // Editing another command does not move the timer.
    const before = await scheduled();
    await advance(4_000);
    await edit(ids["/clear"]!, { command: "/clear", bjs_code: "Bot.clearRunAfter({label: 'x'}); Bot.clearRunAfter()" });
    expect(await scheduled()).toEqual(before);

    // Bot.clearRunAfter() clears Bot.run's, not auto retry (spec §1.12).
    await r.processing.processor.run({ botId: (await api("GET", "")).json().id, command: { name: "/clear" }, trigger: "scheduled", options: null, attempt: 1 });
    expect(await scheduled()).toEqual(before);

    await edit(ids["/tick"]!, { ...tick(chat.id), auto_retry_time: "" });
    expect(await scheduled()).toEqual([]);
    await advance(600_000);
    expect(await texts()).toHaveLength(1);

    const created = (await api("POST", "/commands", { ...tick(chat.id, "new"), command: "/new", auto_retry_time: 30 })).json();
    expect(await scheduled()).toEqual([expect.objectContaining({ command_id: created.id })]);
    await advance(30_000);
    expect((await texts()).at(-1)).toBe("new true,true,true,true");
    await api("DELETE", `/commands/${created.id}`);
    expect(await scheduled()).toEqual([]);
    await advance(600_000);
    expect(await texts()).toHaveLength(2);
  });

  it("schedules no run for a command without BJS (it would run nothing, for an iteration each time), until it has some", async () => {
    const { ids, api, scheduled, texts, advance, chat } = await setup(() => [{ command: "/idle", answer: "an Answer alone", auto_retry_time: 60 } as CommandSpec]);
    expect(await scheduled()).toEqual([]);
    await advance(600_000);
    expect(await texts()).toEqual([]);
    await api("PUT", `/commands/${ids["/idle"]}`, { ...tick(chat.id), command: "/idle" });
    expect(await scheduled()).toEqual([expect.objectContaining({ command_id: ids["/idle"] })]);
    await advance(60_000);
    expect(await texts()).toEqual(["tick true,true,true,true"]);
  });

  it("stops with the bot and starts again with it, keeping a pending run when started again while working", async () => {
    const { api, scheduled, texts, advance } = await setup((chatId) => [tick(chatId)]);
    const due = (await scheduled())[0]!.run_at;
    await advance(30_000);
    // Started again while it works (as at a platform restart): the pending run keeps its time.
    await api("POST", "/status", { status: "start_launch" });
    expect((await scheduled()).map((run) => run.run_at)).toEqual([due]);

    await api("POST", "/status", { status: "start_stopping" });
    expect(await scheduled()).toEqual([]);
    await advance(600_000);
    expect(await texts()).toEqual([]);

    await api("POST", "/status", { status: "start_launch" });
    expect((await scheduled()).map((run) => run.run_at)).toEqual([new Date(r.t.clock.now() + 60_000).toISOString()]);
    await advance(60_000);
    expect(await texts()).toEqual(["tick true,true,true,true"]);
  });

  it("skips runs while the owner's quota is spent, and goes on once it is not", async () => {
    const { bot, texts, advance, scheduled } = await setup((chatId) => [tick(chatId)]);
    const ownerId = (await r.t.platform.bots.store.byId(bot.id))!.owner_id;
    const limit = r.t.config.freePlan.iterationsPerMonth;
    r.processing.budget.spend(ownerId, bot.id, limit);
    await advance(60_000);
    expect(await texts()).toEqual([]);
    expect(await scheduled()).toHaveLength(1);
    // Extra points bought: the next run happens (the owner's row is read again after a few seconds).
    await r.t.platform.database.db.updateTable("users").set({ extra_points: limit }).where("id", "=", ownerId).execute();
    await advance(60_000);
    expect(await texts()).toEqual(["tick true,true,true,true"]);
  });

  it("does not run on a plan without auto retry (Cloud Hobby), and says so in the error log", async () => {
    const { bot, api, scheduled, texts, advance, errors } = await setup(() => []);
    const ownerId = (await r.t.platform.bots.store.byId(bot.id))!.owner_id;
    await r.t.platform.database.db.updateTable("users").set({ payment_plan: "Hobby" }).where("id", "=", ownerId).execute();
    // The owner's plan is read again after a few seconds.
    await advance(10_000);
    const chatId = (await r.t.platform.database.db.selectFrom("chats").select("chatid").where("bot_id", "=", bot.id).executeTakeFirst())?.chatid;
    await api("POST", "/commands", tick(Number(chatId ?? 1)));
    expect(await scheduled()).toEqual([]);
    expect((await errors())[0]!.title).toMatch(/^Auto retry is not part of the Hobby plan: \/tick/);
    await advance(600_000);
    expect(await texts()).toEqual([]);
  });
});
