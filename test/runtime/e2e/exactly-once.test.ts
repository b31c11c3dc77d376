import type { Update } from "@grammyjs/types";
import { sql } from "kysely";
import { describe, expect, it, vi } from "vitest";
import { BotApi } from "../../../src/telegram/bot-api.js";
import { engines } from "../../support/platform.js";
import { useRedisJobsRuntime, useRuntime, type CommandSpec } from "../../support/runtime.js";

type Runtime = ReturnType<typeof useRuntime>;
let deliveries = 0;

/** A bot with these commands, a user's private chat with it, and that user's next update taken from the emulator. */
async function setup(r: Runtime, commands: CommandSpec[]) {
  const bot = await r.bot(commands);
  const user = await r.emulator.client.createUser({ first_name: "Ada" });
  const chat = await user.privateChat(bot.telegram);
  const api = new BotApi(bot.telegram.token, { apiRoot: r.emulator.apiRoot });
  let offset = 0;
  const say = async (text: string): Promise<{ update: Update; key: string }> => {
    await user.sendText(chat, text);
    const [update] = (await api.call("getUpdates", { offset, timeout: 0 })) as Update[];
    offset = update!.update_id + 1;
    return { update: update!, key: `inbox:${++deliveries}` };
  };
  const handle = (update: Update, key: string) => r.processing.processor.handle(bot.id, update, { key });
  const db = r.t.platform.database.db;
  const texts = async () => (await chat.history()).filter((m) => m.from?.is_bot).map((m) => m.text);
  const errors = async () => (await db.selectFrom("error_logs").select("message").where("bot_id", "=", bot.id).orderBy("id").execute()).map((e) => e.message);
  return { bot, chat, say, handle, texts, errors };
}

/**
 * Effects exactly once on PostgreSQL (issue 17 item 5): a run's writes and outbox commit as one,
 * and a delivery seen again runs no BJS and makes only what its first worker did not.
 */
describe.runIf(engines().includes("postgres"))("a run's effects on PostgreSQL", () => {
  const r = useRuntime("postgres");

  const db = () => r.t.platform.database.db;
  const executions = () => vi.spyOn(r.processing.executor, "execute");

  /** Makes the next commit of a run fail, once: a trigger on its journal row that raises at COMMIT. */
  async function failNextCommit(): Promise<void> {
    await sql`create sequence if not exists fail_commit_seq`.execute(db());
    await sql`select setval('fail_commit_seq', 1, false)`.execute(db());
    await sql`create or replace function fail_commit() returns trigger language plpgsql as $$
      begin if nextval('fail_commit_seq') = 1 then raise exception 'commit refused'; end if; return null; end $$`.execute(db());
    await sql`drop trigger if exists fail_commit on run_journal`.execute(db());
    await sql`create constraint trigger fail_commit after insert or update on run_journal deferrable initially deferred for each row when (new.state = 'committed') execute function fail_commit()`.execute(db());
  }

  it("commits a run's writes with its outbox: a failed commit leaves no property and no message, and the retry answers once", async () => {
    const { bot, say, handle, texts } = await setup(r, [{ command: "/count", bjs_code: 'Bot.setProp("n", Bot.getProp("n", 0) + 1, "integer"); Bot.sendMessage("n=" + Bot.getProp("n"))' }]);
    const { update, key } = await say("/count");
    await failNextCommit();
    await expect(handle(update, key)).rejects.toThrow("commit refused");
    expect(await r.t.platform.properties.get(bot.id, "bot", "n")).toBeUndefined();
    expect(await texts()).toEqual([]);
    await handle(update, key);
    expect(await texts()).toEqual(["n=1"]);
    expect(await r.t.platform.properties.get(bot.id, "bot", "n")).toBe(1);
    await handle(update, key);
    expect(await texts()).toEqual(["n=1"]);
  });

  it("forgets deliveries a day old, with their outboxes, in its hourly pass", async () => {
    const { say, handle } = await setup(r, [{ command: "/hi", bjs_code: 'Bot.sendMessage("hi")' }]);
    const { update, key } = await say("/hi");
    await handle(update, key);
    const rows = () => db().selectFrom("run_outbox").select("seq").where("delivery_key", "=", key).execute();
    expect(await rows()).toHaveLength(1);
    await r.t.clock.advanceAsync(23 * 3_600_000);
    expect(await rows()).toHaveLength(1);
    await r.t.clock.advanceAsync(2 * 3_600_000);
    // The pass the 25th hour started deletes on PostgreSQL's time, not the clock's.
    await expect.poll(rows, { timeout: 10_000 }).toEqual([]);
    expect(await db().selectFrom("run_journal").select("state").where("delivery_key", "=", key).execute()).toEqual([]);
  });

  it("a sub-command reads what the run wrote before, within the uncommitted transaction, also through a read mid-run", async () => {
    const { say, handle, texts } = await setup(r, [
      { command: "/a", bjs_code: 'Bot.setProp("v", "written"); Bot.runCommand("/b")' },
      { command: "/b", bjs_code: 'Bot.sendMessage("read " + Bot.getProp("v", "nothing")); Bot.runCommand("/c")' },
      // A name the platform cannot read ahead: the sandbox process asks for it mid-run, from outside the run's async context.
      { command: "/c", bjs_code: 'var name = ["v"][0]; Bot.sendMessage("asked " + Bot.getProp(name, "nothing"))' },
    ]);
    const { update, key } = await say("/a");
    await handle(update, key);
    expect(await texts()).toEqual(["read written", "asked written"]);
  });

  it("a redelivered committed update runs no BJS, skips a message that may have gone (logged), and sends the rest", async () => {
    const { say, handle, texts, errors } = await setup(r, [{ command: "/three", bjs_code: 'Bot.sendMessage("one"); Bot.sendMessage("two"); Bot.sendMessage("three")' }]);
    const { update, key } = await say("/three");
    const sender = r.processing.sender;
    const call = sender.call.bind(sender);
    // The worker dies making "two": after its "sending" mark, before Telegram answered.
    const died = vi.spyOn(sender, "call").mockImplementation(async (token, method, params, options) => {
      if (params?.text === "two") throw new Error("the worker died");
      return call(token, method, params, options);
    });
    await expect(handle(update, key)).rejects.toThrow("the worker died");
    died.mockRestore();
    expect(await texts()).toEqual(["one"]);
    const runs = executions();
    await handle(update, key);
    expect(runs).not.toHaveBeenCalled();
    runs.mockRestore();
    expect(await texts()).toEqual(["one", "three"]);
    expect(await errors()).toEqual(["sendMessage may not have been delivered: the worker making it stopped before Telegram answered, and it is not made twice"]);
    const outbox = await db().selectFrom("run_outbox").select(["seq", "status"]).where("delivery_key", "=", key).orderBy("seq").execute();
    expect(outbox).toEqual([{ seq: 1, status: "sent" }, { seq: 2, status: "skipped" }, { seq: 3, status: "sent" }]);
  });

  it("an edit found 'sending' on redelivery is made again: it comes out the same", async () => {
    const { bot, chat, say, handle, texts, errors } = await setup(r, [
      { command: "/hello", bjs_code: 'Bot.sendMessage("hello")' },
      { command: "/edit", bjs_code: 'Api.editMessageText({message_id: Bot.getProp("mid"), text: "edited"}); Bot.sendMessage("done")' },
    ]);
    const first = await say("/hello");
    await handle(first.update, first.key);
    const [hello] = await chat.waitForBotMessages();
    await r.t.platform.properties.set(bot.id, "bot", "mid", hello!.message_id, { type: "integer" });
    const { update, key } = await say("/edit");
    const sender = r.processing.sender;
    const call = sender.call.bind(sender);
    const died = vi.spyOn(sender, "call").mockImplementation(async (token, method, params, options) => {
      if (method === "editMessageText") throw new Error("the worker died");
      return call(token, method, params, options);
    });
    await expect(handle(update, key)).rejects.toThrow("the worker died");
    died.mockRestore();
    expect(await texts()).toEqual(["hello"]);
    const runs = executions();
    await handle(update, key);
    expect(runs).not.toHaveBeenCalled();
    runs.mockRestore();
    expect(await texts()).toEqual(["edited", "done"]);
    expect(await errors()).toEqual([]);
  });

  it("a run that needed Telegram's answer mid-run and did not commit is not run again on redelivery", async () => {
    const { bot, say, handle, texts, errors } = await setup(r, [
      { command: "/ask", bjs_code: 'Bot.sendMessage("before"); Api.sendMessage({text: "inline", on_result: "/after"}); Bot.setProp("ran", 1, "integer")' },
      { command: "/after", bjs_code: 'Bot.sendMessage("after")' },
    ]);
    const { update, key } = await say("/ask");
    await failNextCommit();
    await expect(handle(update, key)).rejects.toThrow("commit refused");
    // What went before the call needing an answer, and the call itself, reached Telegram; the rest waited for the commit.
    expect(await texts()).toEqual(["before", "inline"]);
    const runs = executions();
    await handle(update, key);
    expect(runs).not.toHaveBeenCalled();
    runs.mockRestore();
    expect(await texts()).toEqual(["before", "inline"]);
    expect(await r.t.platform.properties.get(bot.id, "bot", "ran")).toBeUndefined();
    expect(await errors()).toEqual(["A run was interrupted after it reached Telegram (a call whose answer it needed); it was not run again, and its other effects may be missing"]);
  });

  it("a run's enqueued job is not claimed before the run commits, and a stored run is a delivery too", async () => {
    const { bot, say, handle } = await setup(r, [
      { command: "/later", bjs_code: 'Bot.run({command: "/now", run_after: 0})' },
      { command: "/now", bjs_code: 'Bot.setProp("runs", Bot.getProp("runs", 0) + 1, "integer")' },
    ]);
    const { update, key } = await say("/later");
    await failNextCommit();
    await expect(handle(update, key)).rejects.toThrow("commit refused");
    expect(await db().selectFrom("jobs").select("id").where("bot_id", "=", bot.id).execute()).toEqual([]);
    await handle(update, key);
    const [job] = await db().selectFrom("jobs").select("id").where("bot_id", "=", bot.id).execute();
    expect(job).toBeDefined();
    const request = { botId: bot.id, command: { name: "/now" }, trigger: "scheduled" as const, options: null, attempt: 1 };
    const runs = executions();
    await r.processing.processor.run(request, { key: `job:${job!.id}` });
    await r.processing.processor.run(request, { key: `job:${job!.id}` });
    expect(runs).toHaveBeenCalledTimes(1);
    runs.mockRestore();
    expect(await r.t.platform.properties.get(bot.id, "bot", "runs")).toBe(1);
  });

  it("ends an update and a stored run of a bot deleted meanwhile quietly, as for a stopped bot: no retry would get further", async () => {
    const { bot, say, handle } = await setup(r, [{ command: "/count", bjs_code: 'Bot.setProp("n", 1, "integer")' }]);
    const { update, key } = await say("/count");
    // The journal's row refers to the bot, which is gone by the time the update is taken.
    await r.t.platform.bots.delete((await r.t.platform.bots.store.byId(bot.id))!);
    await expect(handle(update, key)).resolves.toBeUndefined();
    const request = { botId: bot.id, command: { name: "/count" }, trigger: "scheduled" as const, options: null, attempt: 1 };
    expect(await r.processing.processor.run(request, { key: "job:deleted-bot" })).toBe("bot not running");
  });
});

/** The scale-out setup: the Redis job queue, outside the database, wrapped as the platform wraps it. */
describe.runIf(engines().includes("postgres"))("jobs a run enqueues on Redis, on PostgreSQL", () => {
  const r = useRedisJobsRuntime();

  it("a jobs entry made twice (its worker died before marking it sent) enqueues two copies that run once", async () => {
    const { bot, say, handle } = await setup(r, [
      { command: "/later", bjs_code: 'Bot.run({command: "/now", run_after: 0})' },
      { command: "/now", bjs_code: 'Bot.setProp("runs", Bot.getProp("runs", 0) + 1, "integer")' },
    ]);
    const taken = vi.spyOn(r.processing.processor, "run");
    const runs = vi.spyOn(r.processing.executor, "execute");
    /** Waits until the run jobs taken so far are `count`, and done. */
    const settled = async (count: number) => {
      await vi.waitFor(() => expect(taken).toHaveBeenCalledTimes(count), { timeout: 20_000, interval: 50 });
      await Promise.all(taken.mock.results.map((result) => result.value));
    };
    const { update, key } = await say("/later");
    await handle(update, key);
    await settled(1);
    // The worker died after the enqueue reached Redis, before the entry was marked sent: redelivered, it is made again.
    const db = r.t.platform.database.db;
    await db.updateTable("run_outbox").set({ status: "sending" }).where("delivery_key", "=", key).where("kind", "=", "jobs").execute();
    await handle(update, key);
    await settled(2);
    expect(await r.t.platform.properties.get(bot.id, "bot", "runs")).toBe(1);
    expect(runs).toHaveBeenCalledTimes(2);
    const delivery = { key: `${key}#1/0` };
    expect(taken.mock.calls.map(([, journaled]) => journaled)).toEqual([delivery, delivery]);
    taken.mockRestore();
    runs.mockRestore();
  });
});
