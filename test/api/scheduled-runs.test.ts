import { describe, expect, it } from "vitest";
import { AUTO_RETRY_JOB_KIND, RUN_JOB_KIND, type RunRequest } from "../../src/runtime/run-request.js";
import { createBot, signUpClient, useEmulator, type ApiClient } from "../support/bots.js";
import { engines, usePlatform } from "../support/platform.js";

const FIELDS = ["attempt", "chat_id", "command", "command_id", "created_at", "id", "label", "options", "run_at", "trigger", "user_id"].sort();

describe.each(engines())("scheduled runs on %s", (engine) => {
  const emulator = useEmulator();
  const t = usePlatform(engine, emulator.env);

  /** Schedules a run of the bot `inS` seconds from now. */
  function schedule(botId: number, inS: number, request: Partial<RunRequest> = {}, label?: string, kind = RUN_JOB_KIND) {
    const payload: RunRequest = { botId, command: { name: "/remind" }, trigger: "scheduled", options: { n: inS }, attempt: 1, ...request };
    return t.platform.jobs.enqueue([{ kind, botId, payload, runAt: t.clock.now() + inS * 1000, label }]);
  }

  async function runsOf(api: ApiClient, botId: number, query = "") {
    const response = await api.get(`/v2/bots/${botId}/scheduled_runs${query}`);
    expect(response.statusCode).toBe(200);
    return response;
  }

  it("lists a bot's pending runs soonest first, by page and by label, and no other kind of job", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    await schedule(bot.id, 60, { chatId: 5, userId: 6 }, "reminder");
    await schedule(bot.id, 30, { command: { id: 12 }, trigger: "auto_retry", options: null, every: 30 }, undefined, AUTO_RETRY_JOB_KIND);
    await schedule(bot.id, 90, {}, "reminder");
    await t.platform.jobs.enqueue([{ kind: "http_request", botId: bot.id, payload: {}, runAt: t.clock.now() }]);

    const response = await runsOf(api, bot.id);
    expect(response.headers["x-total-count"]).toBe("3");
    const runs = response.json();
    expect(Object.keys(runs[0]).sort()).toEqual(FIELDS);
    expect(runs[0]).toMatchObject({ command: null, command_id: 12, trigger: "auto_retry", label: null, options: null, chat_id: null, user_id: null, attempt: 1 });
    expect(runs[1]).toMatchObject({
      command: "/remind",
      command_id: null,
      trigger: "scheduled",
      label: "reminder",
      run_at: new Date(t.clock.now() + 60_000).toISOString(),
      chat_id: 5,
      user_id: 6,
      options: { n: 60 },
      created_at: new Date(t.clock.now()).toISOString(),
    });
    expect((await runsOf(api, bot.id, "?per_page=2&page=2")).json().map((run: { options: { n: number } }) => run.options.n)).toEqual([90]);
    expect((await runsOf(api, bot.id, "?label=reminder")).json().map((run: { options: { n: number } }) => run.options.n)).toEqual([60, 90]);
    expect((await runsOf(api, bot.id, "?label=other")).json()).toEqual([]);
  });

  it("shows which panel a pending on_saving run saves, never the values (they can hold passwords)", async () => {
    const { api } = await signUpClient(t.app);
    const bot = await createBot(api);
    await schedule(bot.id, 0, { command: { name: "/saved" }, trigger: "panel_saved", options: { panel_name: "keys", values: { secret: "hunter2" } } as RunRequest["options"] });
    const [run] = (await runsOf(api, bot.id)).json();
    expect(run).toMatchObject({ command: "/saved", trigger: "panel_saved", options: { panel_name: "keys" } });
    expect(JSON.stringify(run)).not.toContain("hunter2");
  });

  it("shows nobody else's bot, and refuses a bad page or label with a 422", async () => {
    const owner = await signUpClient(t.app);
    const stranger = await signUpClient(t.app);
    const bot = await createBot(owner.api);
    await schedule(bot.id, 60);
    const foreign = await stranger.api.get(`/v2/bots/${bot.id}/scheduled_runs`);
    expect([foreign.statusCode, foreign.json()]).toEqual([404, { error: "Bot not found" }]);
    for (const query of ["?page=0", "?per_page=500", "?label="]) {
      const response = await owner.api.get(`/v2/bots/${bot.id}/scheduled_runs${query}`);
      expect(response.statusCode).toBe(422);
      expect(response.json().errors).toHaveLength(1);
    }
  });

  it("cancels a bot's runs when its owner stops it, not when it moves to a new token", async () => {
    const { api } = await signUpClient(t.app);
    const tg = await emulator.running.client.registerBot();
    const bot = await createBot(api, { token: tg.token });
    expect((await api.post(`/v2/bots/${bot.id}/status`, { status: "start_launch" })).json().status).toBe("works");
    await schedule(bot.id, 60);

    const next = await emulator.running.client.registerBot();
    expect((await api.put(`/v2/bots/${bot.id}`, { token: next.token })).statusCode).toBe(200);
    expect((await runsOf(api, bot.id)).json()).toHaveLength(1);

    expect((await api.post(`/v2/bots/${bot.id}/status`, { status: "start_stopping" })).json().status).toBe("stopped");
    expect((await runsOf(api, bot.id)).json()).toEqual([]);
  });

  it("cancels a bot's runs when it is deleted", async () => {
    const { api } = await signUpClient(t.app);
    const [bot, kept] = [await createBot(api), await createBot(api)];
    await schedule(bot.id, 60);
    await schedule(kept.id, 60);
    expect((await api.delete(`/v2/bots/${bot.id}`)).statusCode).toBe(200);
    expect((await t.platform.jobs.pending(bot.id, { limit: 10, offset: 0 })).total).toBe(0);
    expect((await runsOf(api, kept.id)).json()).toHaveLength(1);
  });
});
