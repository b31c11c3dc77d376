import { describe, expect, it, vi } from "vitest";
import { engines } from "../../support/platform.js";
import { useRedisJobsRuntime, type CommandSpec } from "../../support/runtime.js";

/**
 * Runs that do not come from an update, on the Redis job queue over PostgreSQL (the
 * scale-out setup): `Bot.run` with `run_after`, `Bot.clearRunAfter`, auto retry and a
 * broadcast. BullMQ's delays are real time (the fake clock only sets due times), so the
 * runs are 1-2 s away and the tests wait for their outcome with a deadline, not a sleep.
 */
describe.skipIf(!engines().includes("postgres"))("runs on the Redis job queue over PostgreSQL", () => {
  const r = useRedisJobsRuntime();

  /** Waits until `check` passes, for at most 20 s (the runs here are due within 2 s; the first run also warms an isolate on a busy machine). */
  const eventually = (check: () => Promise<void>) => vi.waitFor(check, { timeout: 20_000, interval: 50 });

  async function setup(commands: (chatId: number) => CommandSpec[]) {
    const bot = await r.bot([]);
    const user = await r.emulator.client.createUser({ first_name: "Ada" });
    const chat = await user.privateChat(bot.telegram);
    const api = (method: "GET" | "POST", path: string, payload?: object) => r.t.app.inject({ method, url: `/v2/bots/${bot.id}${path}?api_key=${bot.apiKey}`, payload });
    for (const command of commands(chat.id)) expect((await api("POST", "/commands", command)).statusCode).toBe(200);
    const send = async (text: string) => {
      await user.sendText(chat, text);
      await bot.deliver();
    };
    const texts = async () => (await chat.history()).filter((m) => m.from?.is_bot).map((m) => m.text);
    const scheduled = async () => (await api("GET", "/scheduled_runs")).json() as { label: string | null }[];
    return { bot, user, chat, api, send, texts, scheduled };
  }

  it("runs Bot.run with run_after once, later, with its options, user and chat", async () => {
    const { send, texts, scheduled } = await setup(() => [
      { command: "/remind", bjs_code: "Bot.run({command: '/ring', run_after: 1, label: 'ring', options: {note: 'tea'}})" },
      { command: "/ring", bjs_code: "Bot.sendMessage('ring: ' + options.note + ', ' + user.first_name)" },
    ]);
    await send("/remind");
    expect(await scheduled()).toMatchObject([{ label: "ring" }]);
    // Listed, yet not in the database's jobs table: it waits in Redis (the platform wraps the Redis queue, so no instanceof).
    expect(await r.t.platform.database.db.selectFrom("jobs").select("id").execute()).toEqual([]);
    await eventually(async () => expect(await texts()).toEqual(["ring: tea, Ada"]));
    await eventually(async () => expect(await scheduled()).toEqual([]));
  });

  it("clears a scheduled run by label, and the others still run", async () => {
    const { send, texts, scheduled } = await setup(() => [
      { command: "/plan", bjs_code: "Bot.run({command: '/a', run_after: 1, label: 'a'}); Bot.run({command: '/b', run_after: 2, label: 'b'})" },
      { command: "/dropA", bjs_code: "Bot.clearRunAfter({label: 'a'})" },
      { command: "/a", answer: "a ran" },
      { command: "/b", answer: "b ran" },
    ]);
    await send("/plan");
    await send("/dropA");
    expect((await scheduled()).map((run) => run.label)).toEqual(["b"]);
    // b is due a second after a would have been: once b ran, a would have too.
    await eventually(async () => expect(await texts()).toEqual(["b ran"]));
  });

  it("runs an auto-retry command every auto_retry_time seconds while the bot works", async () => {
    const { api, texts } = await setup((chatId) => [{ command: "/tick", bjs_code: `Bot.sendMessage({chat_id: ${chatId}, text: 'tick'})`, auto_retry_time: 1 } as CommandSpec]);
    expect((await api("POST", "/status", { status: "start_launch" })).json().status).toBe("works");
    await eventually(async () => expect((await texts()).length).toBeGreaterThanOrEqual(2));
    expect(new Set(await texts())).toEqual(new Set(["tick"]));
    // One auto-retry job waits at a time (its dedupe key); a run schedules the next as it starts, so a look may fall between the two.
    await eventually(async () => expect((await api("GET", "/scheduled_runs")).json()).toHaveLength(1));
    expect((await api("POST", "/status", { status: "start_stopping" })).statusCode).toBe(200);
  });

  it("sends a broadcast to every private chat once", async () => {
    const { bot, api } = await setup(() => []);
    const chats = [];
    for (let i = 0; i < 3; i++) {
      const user = await r.emulator.client.createUser({ first_name: `User${i}` });
      const chat = await user.privateChat(bot.telegram);
      await user.start(chat);
      chats.push(chat);
    }
    await bot.deliver();
    expect((await api("POST", "/broadcasts", { text: "news", for_chats: "private-chats" })).statusCode).toBe(200);
    await eventually(async () => expect((await api("GET", "/broadcasts")).json()[0]).toMatchObject({ status: "finished", processed: 3, delivered: 3 }));
    const received = await Promise.all(chats.map(async (chat) => (await chat.history()).filter((m) => m.from?.is_bot).map((m) => m.text)));
    expect(received).toEqual([["news"], ["news"], ["news"]]);
  });
});
