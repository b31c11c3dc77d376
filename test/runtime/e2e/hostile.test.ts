import { describe, expect, it, vi } from "vitest";
import { TELEGRAM_METHODS } from "../../../src/runtime/bjs/telegram-methods.js";
import { LIST_MEMBER_BYTES, listBytes, propertyBytes } from "../../../src/bots/storage-quota.js";
import { DEFAULT_ERROR_REPLY } from "../../../src/runtime/command-runner.js";
import { engines } from "../../support/platform.js";
import { useRuntime, type CommandSpec } from "../../support/runtime.js";

/**
 * A hostile bot owner's BJS, end to end: each case attacks one class of the sandbox's
 * boundary (see issue "The sandbox holds") and checks that only its own execution pays.
 */
/** The titles of a bot's error log, newest first (200 at most). */
async function errorTitles(r: ReturnType<typeof useRuntime>, bot: { id: number; apiKey: string }): Promise<string[]> {
  return ((await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/error_logs?api_key=${bot.apiKey}&per_page=200` })).json() as { title: string }[]).map((e) => e.title);
}

/** A new user, Mallory, in a private chat with `bot`: `tell` sends texts and answers the texts of the bot's next `count` replies. */
async function mallory(r: ReturnType<typeof useRuntime>, bot: Awaited<ReturnType<ReturnType<typeof useRuntime>["bot"]>>) {
  const user = await r.emulator.client.createUser({ first_name: "Mallory" });
  const chat = await user.privateChat(bot.telegram);
  return async (texts: string[], count: number) => {
    for (const text of texts) await user.sendText(chat, text);
    await bot.deliver();
    return (await chat.waitForBotMessages({ count, timeoutMs: 10_000 })).map((m) => m.text);
  };
}

/** What `/fill a` and `/fill b` (100 values of 10 KB each) count against an update's 2 MB. */
const twoFills = ["a", "b"].flatMap((run) => Array.from({ length: 100 }, (_, i) => propertyBytes(`${run}-${i}`, JSON.stringify("x".repeat(10_000))))).reduce((sum, bytes) => sum + bytes, 0);

describe.each(engines())("hostile BJS, end to end on %s", (engine) => {
  // Generous: a thousand host reads on a loaded machine must not meet the time limit first.
  const r = useRuntime(engine, { FREE_PLAN_COMMAND_TIMEOUT_S: "20" });

  async function setup(commands: CommandSpec[]) {
    const bot = await r.bot(commands);
    const user = await r.emulator.client.createUser({ first_name: "Mallory" });
    const chat = await user.privateChat(bot.telegram);
    const say = async (text: string, count = 1) => {
      await user.sendText(chat, text);
      await bot.deliver();
      return count === 0 ? [] : (await chat.waitForBotMessages({ count, timeoutMs: 5000 })).map((m) => m.text);
    };
    const errors = async () =>
      (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/error_logs?api_key=${bot.apiKey}` })).json() as { title: string; stack_trace: string | null }[];
    return { bot, user, chat, say, errors };
  }

  /** The names of every Bot API method the emulator was called with so far. */
  const calledMethods = async () => Object.keys((await r.emulator.client.counters()).calls);

  describe("the host trusts nothing that comes out of an isolate", () => {
    it("refuses a Telegram method outside the allowlist even when BJS patches the check", async () => {
      const { say, errors } = await setup([
        { command: "/out", bjs_code: "Array.prototype.includes = function () { return true }; String.prototype.includes = Array.prototype.includes; Api.call('logOut'); Api.call('../../x')" },
        { command: "/ok", answer: "still fine" },
      ]);
      expect(await say("/out")).toEqual([DEFAULT_ERROR_REPLY]);
      expect(await say("/ok")).toEqual(["still fine"]);
      const platformOwn = ["getUpdates", "setWebhook", "deleteWebhook"];
      expect((await calledMethods()).filter((method) => ![...TELEGRAM_METHODS, ...platformOwn].includes(method))).toEqual([]);
      expect((await errors()).map((e) => e.title)).toEqual([expect.stringMatching(/^The execution's action 1 was refused/)]);
    });

    it("sends what was measured: a toJSON that grows after the size check changes nothing", async () => {
      const { say } = await setup([
        {
          command: "/grow",
          bjs_code: "var calls = 0; var text = { toJSON: function () { calls++; return calls > 1 ? 'x'.repeat(4000) + 'LATE' : 'measured' } }; Api.sendMessage({ text: text })",
        },
      ]);
      expect(await say("/grow")).toEqual(["measured"]);
    });

    it("bounds what a property may be, on the host", async () => {
      const { say, errors } = await setup([
        { command: "/name", bjs_code: "User.setProp('n'.repeat(300), 1)" },
        { command: "/reads", bjs_code: "for (var i = 0; i < 1500; i++) User.getProp('p' + i)" },
      ]);
      await say("/name", 1);
      await say("/reads", 1);
      const titles = (await errors()).map((e) => e.title);
      expect(titles).toContain("Too many reads in one execution (the limit is 1000)");
      expect(titles).toContainEqual(expect.stringMatching(/^The execution's action 1 was refused: .* at name$/));
    });
  });

  describe("text the engines cannot store alike (a NUL character, a lone surrogate) costs only its own execution", () => {
    // Once, each of these failed the database write, so the update ended with nothing in the
    // error log; on PostgreSQL a read's failure aborted the run's transaction too.
    it.each([
      ["in an action", "Bot.sendMessage('before'); Bot.setProperty('a\\u0000b', 1)", /^The execution's action 2 was refused: name must not contain NUL characters$/],
      ["in a thrown error", "throw new Error('bad\\u0000words')", /^bad\uFFFDwords$/],
      ["in a read", "try { Bot.getProperty('a\\u0000b') } catch (e) { Bot.sendMessage(e.message); throw e }", /^A read must not contain NUL characters$/],
      ["as a lone surrogate in an action", "Bot.sendMessage('before'); Bot.setProperty('a\\ud800b', 1)", /^The execution's action 2 was refused: name must be valid Unicode text \(it holds a lone surrogate\)$/],
      ["as a lone surrogate in a thrown error", "throw new Error('bad\\udc00words')", /^bad\uFFFDwords$/],
    ])("%s", async (_where, code, title) => {
      const { say, errors } = await setup([
        { command: "/nul", bjs_code: code },
        { command: "/ok", answer: "still fine" },
      ]);
      const replies = await say("/nul", code.includes("before") || code.includes("catch") ? 2 : 1);
      expect(replies.at(-1)).toBe(DEFAULT_ERROR_REPLY);
      expect(await say("/ok")).toEqual(["still fine"]);
      expect((await errors()).map((e) => e.title)).toEqual([expect.stringMatching(title)]);
    });
  });

  describe("errors of any size or shape are harmless", () => {
    it("never runs an error's getters, and shows only BJS frames", async () => {
      const { say, errors } = await setup([
        {
          command: "/getter",
          bjs_code: "var e = new Error('plain');\nObject.defineProperty(e, 'message', { get: function () { Bot.sendMessage('from a getter'); return 'x' } });\nthrow e;",
        },
        { command: "/inner", bjs_code: "function helper() {\n  Bot.sendInlineKeyboard('not buttons', 'x');\n}\nhelper();" },
        { command: "/formatter", bjs_code: "Error.prepareStackTrace = function () { return 'mine' };\nthrow new Error('still ours');" },
      ]);
      await say("/getter", 1);
      await say("/inner", 1);
      await say("/formatter", 1);
      const entries = await errors();
      expect(entries.map((e) => e.title)).toEqual(["still ours", "Inline keyboard buttons must be an array", ""]);
      for (const entry of entries) {
        const frames = (entry.stack_trace ?? "").split("\n").slice(1);
        for (const frame of frames) expect(frame).toMatch(/^ {4}at (\S+ \()?\/\w+:\d+:\d+\)?$/);
        expect(entry.stack_trace).not.toMatch(/work|node_modules|\.ts|isolated-vm|installBjsSurface|fail/);
      }
      expect(entries[1]!.stack_trace).toContain("at helper (/inner:2:");
    });
  });

  describe("nothing runs after the body", () => {
    it("refuses what an async function does after the body ended, and restores what it changed", async () => {
      const late = await setup([
        { command: "/late", bjs_code: "(async function () { await null; Bot.sendMessage('late'); })();\n(async function () { await null; await null; Array.prototype.leak = 1; })();\nBot.sendMessage('on time');" },
        { command: "/probe", bjs_code: "Bot.sendMessage(typeof [].leak)" },
      ]);
      const { say, errors } = late;
      expect(await say("/late", 2)).toEqual(["on time", DEFAULT_ERROR_REPLY]);
      expect(await say("/probe")).toEqual(["undefined"]);
      expect((await errors()).map((e) => e.title)).toEqual(["An async function failed after the body ended: The command has ended: BJS cannot act or read after its body (an async function or a late callback tried)"]);
    });

    it("keeps the platform's hooks out of reach, and a body cannot close itself early", async () => {
      const { say, errors } = await setup([
        { command: "/hooks", bjs_code: "Bot.sendMessage([typeof __bjs_define, typeof __bjs_control, typeof __host, typeof __config].join(','))" },
        { command: "/escape", bjs_code: "}); Bot.sendMessage('escaped'); (function () {" },
      ]);
      expect(await say("/hooks")).toEqual(["undefined,undefined,undefined,undefined"]);
      await say("/escape", 1);
      expect((await errors()).map((e) => e.title)).toEqual([expect.stringMatching(/Unexpected token|Single function/)]);
    });
  });

  describe("effects apply at most once", () => {
    it.runIf(engine === "postgres")("rolls back a run whose actions could not all be applied, and tries the update again (its messages waited for the commit)", async () => {
      const { bot, user, chat, errors } = await setup([{ command: "/once", bjs_code: "Bot.sendMessage('one'); Bot.setProp('k', 1); Bot.sendMessage('two')" }]);
      const properties = r.t.platform.properties;
      const set = properties.set;
      properties.set = async () => {
        throw new Error("the disk is full");
      };
      await user.sendText(chat, "/once");
      try {
        await expect(bot.deliver()).rejects.toThrow("the update ended");
      } finally {
        properties.set = set;
      }
      expect((await chat.history()).filter((m) => m.from?.is_bot)).toEqual([]);
      expect(await errors()).toEqual([]);
      expect(await bot.deliver()).toBe(1);
      expect((await chat.waitForBotMessages({ count: 2 })).map((m) => m.text)).toEqual(["one", "two"]);
    });

    it.runIf(engine === "sqlite")("logs a failure while applying, ends the update, and never runs the BJS or sends again", async () => {
      const { bot, say, errors } = await setup([{ command: "/once", bjs_code: "Bot.sendMessage('sent once'); Bot.setProp('k', 1); Bot.sendMessage('never')" }]);
      const properties = r.t.platform.properties;
      const set = properties.set;
      properties.set = async () => {
        throw new Error("the disk is full");
      };
      try {
        expect(await say("/once")).toEqual(["sent once"]);
      } finally {
        properties.set = set;
      }
      expect(await bot.deliver()).toBe(0);
      expect((await errors()).map((e) => e.title)).toEqual(["The platform could not apply all of this command's actions; the update ended there and was not run again"]);
    });
  });
});

describe.each(engines())("billing cannot be fanned out, on %s", (engine) => {
  const r = useRuntime(engine, { FREE_PLAN_ITERATIONS: "60" });

  it("stops a chain that fans out sub-commands at the owner's quota", async () => {
    const bot = await r.bot([{ command: "/fan", bjs_code: "for (var i = 0; i < 40; i++) Bot.runCommand('/fan')" }]);
    const user = await r.emulator.client.createUser({ first_name: "Mallory" });
    const chat = await user.privateChat(bot.telegram);
    await user.sendText(chat, "/fan");
    await bot.deliver();
    await r.processing.budget.flush();
    const usage = (await r.t.app.inject({ method: "GET", url: `/v2/user/iterations?api_key=${bot.apiKey}` })).json();
    expect(usage.used).toBe(60);
    const errors = (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/error_logs?api_key=${bot.apiKey}&per_page=5` })).json();
    expect(errors[0].title).toMatch(/^Iteration quota used up/);
  });
});

describe.each(engines())("a bot cannot fill the disk with properties, on %s", (engine) => {
  const r = useRuntime(engine, { BOT_STORAGE_MB: "1", FREE_PLAN_COMMAND_TIMEOUT_S: "20" });

  it("refuses its writes once its properties take their quota, logs why, and goes on answering", async () => {
    // 150 values of 10 KB a run: 1.5 MB, within what one run may write.
    const bot = await r.bot([
      { command: "/fill", bjs_code: "for (var i = 0; i < 150; i++) Bot.setProperty(params + i, 'x'.repeat(10000), 'text'); Bot.sendMessage('filled ' + params)" },
      { command: "/count", bjs_code: "Bot.setProperty('count', 1, 'integer'); Bot.sendMessage('counted')" },
    ]);
    const tell = await mallory(r, bot);
    expect(await tell(["/fill a", "/fill b"], 2)).toEqual(["filled a", "filled b"]);

    // PostgreSQL counts a run's writes at its commit, so the first run may pass the quota by what it writes; the second stores nothing.
    const properties = r.t.platform.properties;
    expect(await properties.get(bot.id, "bot", "b0")).toBeUndefined();
    expect(await properties.get(bot.id, "bot", "b149")).toBeUndefined();
    expect(await r.t.platform.storage.used(bot.id)).toBeLessThanOrEqual(150 * (4 + 10_002 + 64));
    const titles = await errorTitles(r, bot);
    expect(titles).toContainEqual(expect.stringMatching(/^Property b0 not saved: the bot's properties and lists take 1 MB, their quota is 1 MB/));

    // New properties stay refused; the bot still answers.
    expect(await tell(["/count"], 1)).toEqual(["counted"]);
    expect(await properties.get(bot.id, "bot", "count")).toBeUndefined();

    // The changes PostgreSQL notes (a row per statement) are folded into the bot's total as checks find them many.
    const { db } = r.t.platform.database;
    const changes = () => db.selectFrom("bot_storage_changes").select("bytes").where("bot_id", "=", bot.id).execute();
    await vi.waitFor(async () => expect((await changes()).length).toBeLessThanOrEqual(50));
    const total = await db.selectFrom("bot_storage").select("bytes").where("bot_id", "=", bot.id).executeTakeFirstOrThrow();
    expect(Number(total.bytes) + (await changes()).reduce((sum, change) => sum + Number(change.bytes), 0)).toBe(await r.t.platform.storage.used(bot.id));
    expect(Number(total.bytes)).toBeGreaterThan(1024 * 1024);
  });
});

describe.each(engines())("what one update may store, on %s", (engine) => {
  const r = useRuntime(engine, { FREE_PLAN_COMMAND_TIMEOUT_S: "20" });

  it("stores 2 MB of properties at most, however many sub-commands write, and 10 KB of options per run stored for later", async () => {
    const bot = await r.bot([
      // Three sub-commands of 1 MB each: on PostgreSQL none of it counts against the quota before the update commits.
      // Then a message whose answer (over 3,000 bytes) is to be kept as a property: past what the budget has left.
      { command: "/root", bjs_code: "for (var i = 0; i < 3; i++) Bot.runCommand('/fill s' + i); Api.sendMessage({ text: 'z'.repeat(3000), result_to_bot_property: 'sent' }); Bot.sendMessage('done')" },
      { command: "/fill", bjs_code: "for (var i = 0; i < 100; i++) Bot.setProperty(params + '-' + i, 'x'.repeat(10000), 'text')" },
      { command: "/later", bjs_code: "Bot.run({ command: '/fill', run_after: 3600, options: { pad: 'y'.repeat(Number(params)) } }); Bot.sendMessage('scheduled')" },
    ]);
    // Options past the cap throw where Bot.run is called, as other bad arguments do.
    expect(await (await mallory(r, bot))(["/root", "/later 10000", "/later 10300"], 4)).toEqual(["z".repeat(3000), "done", "scheduled", DEFAULT_ERROR_REPLY]);

    const stored = await r.t.platform.properties.list(bot.id, { scope: "bot" }, { limit: 1, offset: 0 });
    // Each counts its name, its JSON and 64, until the next would pass 2 MB.
    const names = [0, 1, 2].flatMap((run) => Array.from({ length: 100 }, (_, i) => `s${run}-${i}`));
    let fitting = 0;
    for (let bytes = 0; bytes + propertyBytes(names[fitting]!, JSON.stringify("x".repeat(10_000))) <= 2 * 1024 * 1024; fitting++) bytes += propertyBytes(names[fitting]!, JSON.stringify("x".repeat(10_000)));
    expect(stored.total).toBe(fitting);
    const titles = await errorTitles(r, bot);
    expect(titles).toContain(`Property ${names[fitting]} not saved: one update may store ${2 * 1024 * 1024} bytes of properties and lists at most`);
    // Telegram's answers kept as properties count too: 2,412 bytes were left.
    expect(titles).toContain(`Property sent not saved: one update may store ${2 * 1024 * 1024} bytes of properties and lists at most`);
    expect(await r.t.platform.properties.get(bot.id, "bot", "sent")).toBeUndefined();
    expect(titles).toContain("Bot.run: options may be 10240 bytes of JSON at most, not 10310: keep larger data in a property and pass its name");
    // The run whose options fit is stored; the other is not.
    const runs = (await r.t.app.inject({ method: "GET", url: `/v2/bots/${bot.id}/scheduled_runs?api_key=${bot.apiKey}` })).json() as unknown[];
    expect(runs).toHaveLength(1);
  });

  it("counts the lists and list members an update creates in the same 2 MB", async () => {
    // 200 values of 10 KB leave about 80 KB: room for some of the 500 lists of 253-byte names, not all, and then for no member.
    const bot = await r.bot([
      {
        command: "/root",
        bjs_code: "var m = new List({ name: 'm' }); m.create(); Bot.runCommand('/fill a'); Bot.runCommand('/fill b'); Bot.runCommand('/lists'); m.addUser(user); Bot.sendMessage('done')",
      },
      { command: "/fill", bjs_code: "for (var i = 0; i < 100; i++) Bot.setProperty(params + '-' + i, 'x'.repeat(10000), 'text')" },
      { command: "/lists", bjs_code: "for (var i = 0; i < 500; i++) new List({ name: (i + '-').padEnd(253, 'l') }).create()" },
    ]);
    expect(await (await mallory(r, bot))(["/root"], 1)).toEqual(["done"]);

    const left = 2 * 1024 * 1024 - listBytes("m") - twoFills;
    const fitting = Math.floor(left / listBytes("l".repeat(253)));
    expect(left - fitting * listBytes("l".repeat(253))).toBeLessThan(LIST_MEMBER_BYTES);
    const { db } = r.t.platform.database;
    expect(await db.selectFrom("bot_lists").select("name").where("bot_id", "=", bot.id).execute()).toHaveLength(1 + fitting);
    expect(await db.selectFrom("bot_list_users").select("id").where("bot_id", "=", bot.id).execute()).toHaveLength(0);
    const titles = await errorTitles(r, bot);
    expect(titles).toContain(`List ${`${fitting}-`.padEnd(253, "l")} not saved: one update may store ${2 * 1024 * 1024} bytes of properties and lists at most`);
  });

  it("charges nothing for a member already on a list, and saves no property into a list it could not create", async () => {
    // After the two fills and the pad, 150 bytes are left: room for the property 'late' (71), not for its list (317).
    // Pad properties p0…p9 (a value may be 10 KB) take all but those 150 bytes.
    const padBytes = 2 * 1024 * 1024 - listBytes("m") - LIST_MEMBER_BYTES - twoFills - 150;
    const pads = Array.from({ length: 10 }, (_, i) => Math.floor(padBytes / 10) + (i === 0 ? padBytes % 10 : 0) - propertyBytes(`p${i}`, '""'));
    const lateList = "late".padEnd(253, "z");
    expect(propertyBytes("late", '"y"')).toBeLessThan(150);
    expect(listBytes(lateList)).toBeGreaterThan(150);
    const bot = await r.bot([
      {
        command: "/root",
        bjs_code: `var m = new List({ name: 'm' }); m.create(); m.addUser(user); Bot.runCommand('/fill a'); Bot.runCommand('/fill b'); Bot.runCommand('/pad ${JSON.stringify(pads)}'); Bot.runCommand('/readd'); Bot.runCommand('/late'); Bot.sendMessage('done')`,
      },
      { command: "/fill", bjs_code: "for (var i = 0; i < 100; i++) Bot.setProperty(params + '-' + i, 'x'.repeat(10000), 'text')" },
      { command: "/pad", bjs_code: "JSON.parse(params).forEach(function (size, i) { Bot.setProperty('p' + i, 'x'.repeat(size), 'text') })" },
      { command: "/readd", bjs_code: "var m = new List({ name: 'm' }); for (var i = 0; i < 400; i++) m.addUser(user)" },
      { command: "/late", bjs_code: `Bot.setProp({ name: 'late', value: 'y', list: '${lateList}' })` },
    ]);
    expect(await (await mallory(r, bot))(["/root"], 1)).toEqual(["done"]);

    const { db } = r.t.platform.database;
    expect(await db.selectFrom("properties").select("name").where("bot_id", "=", bot.id).where("name", "in", ["p9", "late"]).execute()).toEqual([{ name: "p9" }]);
    expect((await db.selectFrom("bot_lists").select("name").where("bot_id", "=", bot.id).execute()).map((l) => l.name)).toEqual(["m"]);
    expect(await db.selectFrom("bot_list_users").select("id").where("bot_id", "=", bot.id).execute()).toHaveLength(1);
    const titles = await errorTitles(r, bot);
    expect(titles).toEqual([`List ${lateList} not saved: one update may store ${2 * 1024 * 1024} bytes of properties and lists at most`]);
  });
});

