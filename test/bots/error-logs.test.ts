import { describe, expect, it } from "vitest";
import { ERROR_LOG_KEEP } from "../../src/bots/error-log.js";
import { engines, usePlatform } from "../support/platform.js";
import { createBot, signUpClient } from "../support/bots.js";

describe.each(engines())("error log on %s", (engine) => {
  const t = usePlatform(engine);

  it(`keeps the latest ${ERROR_LOG_KEEP} entries of a bot, whatever other bots log`, async () => {
    const { api } = await signUpClient(t.app);
    const [noisy, quiet] = [await createBot(api), await createBot(api)];
    await t.platform.errorLog.record(quiet.id, { message: "quiet one" });
    for (let i = 1; i <= ERROR_LOG_KEEP + 5; i++) await t.platform.errorLog.record(noisy.id, { message: `failure ${i}` });
    const page = await t.platform.errorLog.list(noisy.id, { limit: 1, offset: ERROR_LOG_KEEP - 1 });
    expect(page.total).toBe(ERROR_LOG_KEEP);
    expect(page.items.map((entry) => entry.message)).toEqual(["failure 6"]);
    expect((await t.platform.errorLog.list(quiet.id, { limit: 10, offset: 0 })).items.map((entry) => entry.message)).toEqual(["quiet one"]);
  });

  it("lists entries newest first, naming the command when there is one, and clears them", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    const base = `/v2/bots/${bot.id}`;
    const command = (await api.post(`${base}/commands`, { command: "/pay" })).json();
    await t.platform.errorLog.record(bot.id, { message: "Webhook failed", stack: null });
    t.clock.advance(1000);
    await t.platform.errorLog.record(bot.id, {
      message: "ReferenceError: x is not defined",
      stack: "ReferenceError: x is not defined\n    at /pay:3:5",
      command_id: command.id,
      command_name: "/pay",
      segment: "cmd",
      line: 3,
      column: 5,
      trigger: "message",
      chat_id: 1,
      user_id: 1,
      group_key: "ReferenceError@/pay:3",
    });
    const response = await api.get(`${base}/error_logs`);
    expect(response.statusCode).toBe(200);
    expect(response.headers["x-total-count"]).toBe("2");
    const [newest, oldest] = response.json();
    expect(Object.keys(newest).sort()).toEqual(["created_at", "id", "scenario", "stack_trace", "title"]);
    expect(newest).toMatchObject({
      title: "ReferenceError: x is not defined",
      stack_trace: "ReferenceError: x is not defined\n    at /pay:3:5",
      created_at: new Date(t.clock.now()).toISOString(),
      scenario: { bot_command: { id: command.id, command: "/pay" } },
    });
    expect(oldest).toMatchObject({ title: "Webhook failed", stack_trace: null, scenario: null });
    expect((await api.get(`${base}/error_logs?per_page=1&page=2`)).json().map((e: { id: number }) => e.id)).toEqual([oldest.id]);

    // An entry outlives its command.
    await api.delete(`${base}/commands/${command.id}`);
    expect((await api.get(`${base}/error_logs`)).json()[0].scenario).toEqual({ bot_command: { id: command.id, command: "/pay" } });

    const cleared = await api.delete(`${base}/error_logs`);
    expect(cleared.statusCode).toBe(200);
    expect(cleared.json()).toEqual({ message: "Error logs cleared" });
    expect((await api.get(`${base}/error_logs`)).json()).toEqual([]);
  });
});
