import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { Executor, type Execution } from "../../src/runtime/sandbox/executor.js";
import { IsolateHost, MAX_READ_CHARS } from "../../src/runtime/sandbox/isolate-host.js";
import { MAX_READ_CHARS_PER_RUN } from "../../src/runtime/sandbox/protocol.js";
import { readOutcome } from "../../src/runtime/sandbox/outcome.js";
import { Body } from "../../src/runtime/sandbox/body.js";
import { coreLibSources } from "../../src/catalog/lib-sources.js";
import type { Action } from "../../src/runtime/actions.js";
import { reachOf } from "../../src/runtime/sandbox/inert-body.js";
import { realmGlobalNames } from "../support/realm-names.js";

const limits = { maxActions: 50, maxActionBytes: 64 * 1024, maxReads: 1000 };
const executor = new Executor({ isolates: 2, memoryMb: 64, warmMb: 8, limits });
afterAll(() => executor.dispose());

/** The text of a sendMessage action. */
const textOf = (action: Action | undefined) => (action?.type === "api" ? (action.params as { text?: string }).text : undefined);

const chat = { id: 7, chatid: 1001, chat_type: "private" };
const user = { id: 3, telegramid: 1001, first_name: "Ada" };

function run(code: string, extra: Partial<Execution> = {}, hooks: { before?: string; after?: string } = {}) {
  const segments = [
    ...(hooks.before !== undefined ? [{ name: "@", code: hooks.before }] : []),
    { name: "/start", code },
    ...(hooks.after !== undefined ? [{ name: "@@", code: hooks.after }] : []),
  ];
  return executor.execute({
    botId: 1,
    ownerId: 1,
    segments,
    globals: { message: "/start", params: "", chat, user },
    reads: async () => JSON.stringify({ found: false }),
    timeoutMs: 1000,
    ...extra,
  });
}

describe("the BJS executor", () => {
  it("starts no sandbox process before its first run when told to (an api process renders a web app now and then)", async () => {
    const children = () => readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, "utf8").split(" ").filter(Boolean).length;
    const before = children();
    const lazy = new Executor({ isolates: 1, memoryMb: 64, warmMb: 8, startOnFirstRun: true });
    expect(children()).toBe(before);
    const result = await lazy.execute({ botId: 1, ownerId: 1, segments: [{ name: "/start", code: 'Bot.sendMessage("hi")' }], globals: { message: "/start", params: "", chat, user }, reads: async () => "null", timeoutMs: 1000 });
    expect(result.actions.map(textOf)).toEqual(["hi"]);
    expect(children()).toBe(before + 1);
    lazy.dispose();
  });

  it("turns Bot.sendMessage into a Telegram action for the current chat, Markdown by default", async () => {
    const result = await run('Bot.sendMessage("Hi *" + user.first_name + "*"); Bot.sendMessage("plain", {parse_mode: null})');
    expect(result.error).toBeUndefined();
    expect(result.actions).toEqual([
      { type: "api", method: "sendMessage", params: { chat_id: 1001, text: "Hi *Ada*", parse_mode: "Markdown" } },
      { type: "api", method: "sendMessage", params: { chat_id: 1001, text: "plain" } },
    ]);
  });

  it("sends the methods Telegram renamed under their current names, called by the old ones", async () => {
    const result = await run('Api.kickChatMember({user_id: 5}); Api.call("get_chat_members_count", {}); Api.getChatMembersCount()');
    expect(result.error).toBeUndefined();
    expect(result.actions).toEqual([
      { type: "api", method: "banChatMember", params: { chat_id: 1001, user_id: 5 } },
      { type: "api", method: "getChatMemberCount", params: { chat_id: 1001 } },
      { type: "api", method: "getChatMemberCount", params: { chat_id: 1001 } },
    ]);
  });

  it("shares one scope across @, the command and @@, and lets a top-level return end the body", async () => {
    const result = await run("let n = base + 1; Bot.sendMessage(String(n)); if (n > 1) return; Bot.sendMessage('never')", {}, { before: "let base = 1;", after: "Bot.sendMessage('after')" });
    expect(result.error).toBeUndefined();
    expect(result.actions.map(textOf)).toEqual(["2"]);
  });

  it("reads properties from the host and sees its own pending writes", async () => {
    const asked: string[] = [];
    const result = await run(
      'var a = User.getProp("coins", 5); User.setProp("coins", a + 10, "integer"); Bot.sendMessage(String(User.getProperty("coins")));',
      {
        reads: async (name, args) => {
          asked.push(`${name} ${args}`);
          return JSON.stringify({ found: true, value: 7, type: "integer" });
        },
      },
    );
    expect(result.error).toBeUndefined();
    expect(asked).toEqual(['getProp {"scope":"user","user_id":3,"name":"coins"}']);
    expect(result.actions).toEqual([
      { type: "setProp", scope: "user", user_id: 3, name: "coins", value: 17, value_type: "integer" },
      { type: "api", method: "sendMessage", params: { chat_id: 1001, text: "17", parse_mode: "Markdown" } },
    ]);
  });

  it("answers reads the host prefetched from memory, and asks the host for the others", async () => {
    const asked: string[] = [];
    const prefetched = [
      { scope: "user", name: "coins", found: true, value: 40, type: "integer" },
      { scope: "bot", name: "price", found: false },
    ];
    const result = await run('var key = "level"; Bot.sendMessage([User.getProp("coins"), Bot.getProp("price", 9), User.getProp(key)].join(","))', {
      globals: { message: "/start", params: "", chat, user, prefetched },
      reads: async (name, args) => {
        asked.push(`${name} ${args}`);
        return JSON.stringify({ found: true, value: 3, type: "integer" });
      },
    });
    expect(result.error).toBeUndefined();
    expect(textOf(result.actions[0]!)).toBe("40,9,3");
    expect(asked).toEqual(['getProp {"scope":"user","user_id":3,"name":"level"}']);
  });

  it("runs a body that reads what was not answered ahead once more where the host answers: only that run's work leaves, even when BJS catches the refused read", async () => {
    const asked: string[] = [];
    const code = 'Bot.sendMessage("before"); var seen; try { seen = User.getProp("lvl" + 1); } catch (e) { seen = "caught " + e.message; } Bot.sendMessage("seen " + seen);';
    const reads = async (name: string, args: string) => {
      asked.push(`${name} ${args}`);
      return JSON.stringify({ found: true, value: 3, type: "integer" });
    };
    for (const time of [1, 2]) {
      const result = await run(code, { botId: 76, reads });
      expect(result.error).toBeUndefined();
      expect(result.actions.map(textOf)).toEqual(["before", "seen 3"]);
      expect(asked).toHaveLength(time);
    }
  });

  it("gives a body that catches the refused read and then loops no second time limit", async () => {
    const asked: string[] = [];
    const began = performance.now();
    const result = await run('try { User.getProp("x" + 1); } catch (e) {} for (;;) {}', {
      botId: 77,
      reads: async (name) => {
        asked.push(name);
        return JSON.stringify({ found: false });
      },
    });
    expect(result.error?.message).toMatch(/timed out/);
    // The try on the sandbox process's thread took a slice of the second's time, not a second of its own.
    expect(performance.now() - began).toBeLessThan(1500);
    expect(asked).toEqual(["getProp"]);
  });

  it("gives a body its own time on its first run even when it works long before a read that was not answered ahead, or retries a refused read", async () => {
    const reads = async () => JSON.stringify({ found: true, value: 1, type: "integer" });
    const slow = run('var t = Date.now(); while (Date.now() - t < 300) {} Bot.sendMessage("ok " + User.getProp("a" + 1))', { botId: 78, reads, timeoutMs: 500 });
    expect((await slow).error).toBeUndefined();
    const retrying = await run('var v; for (;;) { try { v = User.getProp("a" + 1); break; } catch (e) {} } Bot.sendMessage("got " + v)', { botId: 79, reads, timeoutMs: 500 });
    expect(retrying.error).toBeUndefined();
    expect(retrying.actions.map(textOf)).toEqual(["got 1"]);
  });

  it("keeps a body's time when other bots' bodies made the sandbox process forget it", async () => {
    const host = new IsolateHost({ memoryMb: 64, warmMb: 8, maxScripts: 10, limits });
    try {
      const reads = async () => JSON.stringify({ found: true, value: 1, type: "integer" });
      const say = (botId: number, code: string, timeoutMs: number) => host.run(botId, { code, libs: [], handler: null }, { chat, user }, reads, timeoutMs);
      // Its work takes over half its time: had a try on the process's thread run it whole, the
      // run would time out. The rest is room for a busy machine's late timers.
      const slow = 'var t = Date.now(); while (Date.now() - t < 600) {} Bot.sendMessage("ok " + User.getProp("a" + 1))';
      await say(1, slow, 3000);
      // Another owner's bot runs a dozen bodies that read.
      for (let i = 0; i < 12; i++) await say(2, `User.getProp("b" + 1); Bot.sendMessage("${i}")`, 1000);
      const outcome = await say(1, slow, 1000);
      expect(outcome.stop).toBeUndefined();
      expect(JSON.parse(outcome.output!).actions).toHaveLength(1);
    } finally {
      host.dispose();
    }
  });

  it("makes the isolate afresh when a run turns off one of V8's protectors, and runs that bot apart from then on", async () => {
    const host = new IsolateHost({ memoryMb: 64, warmMb: 8, maxScripts: 10, limits });
    try {
      const say = async (botId: number, code: string) => textOf(JSON.parse((await host.run(botId, { code, libs: [], handler: null }, { chat, user }, async () => "null", 1000)).output!).actions[0]);
      // Ordinary code, prototypes patched and put back included, turns none off.
      const ordinary = [
        "Array.prototype.shuffle = function () { return this }; String.prototype.format = function () { return this }",
        "class Stack extends Array {} ; var s = new Stack(); s.push(1); [...s].concat([1]).slice(0)",
        "var m = new Map([[1, 2]]); for (var e of m) {} var p = (async function () {})(); [...'abc'].join()",
      ];
      for (const code of ordinary) expect(await say(1, `${code}; Bot.sendMessage('fine')`)).toBe("fine");
      const renewals = host.renewals;
      const attacks = [
        "Array.prototype[0] = 1; delete Array.prototype[0]",
        "[].constructor = Object",
        "var next = Object.getPrototypeOf([][Symbol.iterator]()).next; Object.getPrototypeOf([][Symbol.iterator]()).next = next",
        "var o = {}; o[Symbol.isConcatSpreadable] = false",
        "class Base { constructor(target) { return target } } class Field extends Base { [Symbol.iterator] = null } new Field([])",
        "Object.getPrototypeOf(''[Symbol.iterator]()).next = Object.getPrototypeOf(''[Symbol.iterator]()).next",
      ];
      for (const [i, attack] of attacks.entries()) {
        expect(await say(2, "Bot.sendMessage('warm')")).toBe("warm");
        const attacker = 10 + i;
        expect(await say(attacker, `${attack}; Bot.sendMessage('done')`)).toBe("done");
        // Every realm of the isolate would have run slowly: they were dropped with it.
        expect(host.renewals).toBe(renewals + i + 1);
        expect(host.has(2)).toBe(false);
        // The attacker's next runs go on apart: the fresh isolate and its realms are left alone.
        expect(await say(2, "Bot.sendMessage('warm')")).toBe("warm");
        expect(await say(attacker, `${attack}; Bot.sendMessage('again')`)).toBe("again");
        expect(host.renewals).toBe(renewals + i + 1);
        expect(host.has(2)).toBe(true);
      }
    } finally {
      host.dispose();
    }
  });

  it("keeps a body on the sandbox process's thread after one try that outran the slice, and moves that bot's off after two in a row", async () => {
    const host = new IsolateHost({ memoryMb: 64, warmMb: 8, maxScripts: 10, limits });
    try {
      const say = (code: string, botId = 1, params = "") => host.run(botId, { code, libs: [], handler: null }, { chat, user, params }, async () => "null", 1000);
      const textOfOutcome = async (code: string, botId?: number, params?: string) => JSON.parse((await say(code, botId, params)).output!).actions.map(textOf);
      // Slow on its first try only (a member of a member function outlives the try): as a
      // collection of the whole heap would make it. The slow bodies take ten slices: on a busy
      // machine, the isolate's timer can fire tens of milliseconds late.
      const once = 'Math.max.tries = (Math.max.tries || 0) + 1; if (Math.max.tries === 1) { var t = Date.now(); while (Date.now() - t < 100) {} } Bot.sendMessage("try " + Math.max.tries)';
      expect(await textOfOutcome(once)).toEqual(["try 2"]);
      expect(await textOfOutcome(once)).toEqual(["try 3"]);
      expect(host.offThreadRuns).toBe(0);
      // Slow on every try: after two, it goes off the thread, within its own time.
      const always = 'var t = Date.now(); while (Date.now() - t < 100) {} Bot.sendMessage("slow")';
      expect(await textOfOutcome(always)).toEqual(["slow"]);
      expect(host.offThreadRuns).toBe(1);
      expect(await textOfOutcome(always)).toEqual(["slow"]);
      expect(host.offThreadRuns).toBe(2);
      // The same text, slow with one bot's data only: the other bot's runs stay on the thread.
      const byData = 'if (params === "slow") { var t = Date.now(); while (Date.now() - t < 100) {} } Bot.sendMessage(params || "fast")';
      expect(await textOfOutcome(byData, 2, "slow")).toEqual(["slow"]);
      expect(host.offThreadRuns).toBe(3);
      expect(await textOfOutcome(byData, 3)).toEqual(["fast"]);
      expect(await textOfOutcome(byData, 3)).toEqual(["fast"]);
      expect(host.offThreadRuns).toBe(3);
    } finally {
      host.dispose();
    }
  });

  it("reports an error's segment and its line inside that segment, keeping actions queued before it", async () => {
    const result = await run("Bot.sendMessage('before');\nlet x = 1;\nnotDefined.call();", {}, { before: "// hook\nvar y = 2;" });
    expect(result.actions).toHaveLength(1);
    expect(result.error).toMatchObject({ name: "ReferenceError", message: "notDefined is not defined", segment: "/start", line: 3 });
    expect(result.error!.stack).toContain("/start:3:");
  });

  it("reports a syntax error with its segment and line", async () => {
    const result = await run("var ok = 1;\nvar = broken;", {}, { after: "" });
    expect(result.error).toMatchObject({ name: "SyntaxError", segment: "/start", line: 2 });
  });

  it("compiles a lazy library only when BJS first reaches it, and still sends it to a run that loads it first", async () => {
    const broken = { name: "Late", code: "publish({ n: 1 }); }{", lazy: true };
    expect((await run('Bot.sendMessage("untouched")', { botId: 74, libs: [broken] })).error).toBeUndefined();
    expect((await run("Libs.Late.n", { botId: 74, libs: [broken] })).error?.message).toMatch(/^Library Late does not compile/);
    const fine = { name: "Fine", code: "publish({ n: 2 });", lazy: true };
    expect((await run('Bot.sendMessage("lazy")', { botId: 75, libs: [fine] })).error).toBeUndefined();
    const eager = await run("Bot.sendMessage(String(Libs.Fine.n))", { botId: 75, libs: [{ ...fine, lazy: false }] });
    expect(eager.actions.map(textOf)).toEqual(["2"]);
  });

  it("keeps a bot's lists of libraries in its realm, and follows them as they change", async () => {
    const lazy = { name: "A", code: "publish({ v: 'a1' });", lazy: true };
    const eager = { name: "B", code: "publish({ v: 'b' }); on('/b', function () { Bot.sendMessage('from b') });" };
    const probe = 'Bot.sendMessage(["A" in Libs ? Libs.A.v : "none", Libs.B.v].join())';
    const texts = async (libs: { name: string; code: string; lazy?: boolean }[]) => (await run(probe, { botId: 76, libs })).actions.map(textOf);
    expect(await texts([lazy, eager])).toEqual(["a1,b"]);
    expect(await texts([lazy, eager])).toEqual(["a1,b"]);
    expect(await texts([eager])).toEqual(["none,b"]);
    expect(await texts([lazy, eager])).toEqual(["a1,b"]);
    // A new version of a library is another list.
    expect(await texts([{ ...lazy, code: "publish({ v: 'a2' });" }, eager])).toEqual(["a2,b"]);
    const handled = await executor.execute({ botId: 76, ownerId: 1, segments: [], libs: [lazy, eager], handler: "/b", globals: { chat, user }, reads: async () => "null", timeoutMs: 1000 });
    expect(handled.actions.map(textOf)).toEqual(["from b"]);
  });

  it("reports a thrown string and a thrown object", async () => {
    expect((await run("throw 'plain words'")).error?.message).toBe("plain words");
    expect((await run("throw {code: 42}")).error?.message).toBe('{"code":42}');
  });
});

describe("hostile BJS", () => {
  it("stops an endless loop at the timeout while other bots keep running", async () => {
    const loop = run("while (true) {}", { botId: 66, timeoutMs: 1500 });
    const others = [];
    for (let i = 0; i < 20; i++) others.push(await run(`Bot.sendMessage("alive ${i}")`, { botId: 100 + i }));
    expect(others.every((r) => r.error === undefined && r.actions.length === 1)).toBe(true);
    const result = await loop;
    expect(result.error).toMatchObject({ timedOut: true, message: "Command timed out: BJS ran longer than 1.5 s" });
    expect((await run('Bot.sendMessage("after")', { botId: 66 })).actions).toHaveLength(1);
  });

  it("contains a memory bomb, then serves the next execution from a new isolate", async () => {
    const result = await run("var a = []; while (true) a.push(new Array(100000).fill('x'));", { botId: 67, timeoutMs: 10_000 });
    expect(result.error).toMatchObject({ outOfMemory: true });
    const next = await run('Bot.sendMessage("fine")', { botId: 67 });
    expect(next.error).toBeUndefined();
    expect(next.actions).toHaveLength(1);
  });

  it("runs again alone a run refused an ArrayBuffer while another bot's realm held the isolate's memory", async () => {
    // 64 MB of heap: buffers of 40 and 60 MB do not fit together (the young generation adds about 24).
    const small = new Executor({ isolates: 1, memoryMb: 64, warmMb: 8, limits });
    const once = (botId: number, ownerId: number, code: string) => small.execute({ botId, ownerId, segments: [{ name: "/start", code }], globals: { chat, user }, reads: async () => "null", timeoutMs: 2000 });
    try {
      // A buffer on a member of a member function outlives its run (the guard does not walk them).
      const parked = await once(1, 1, "Math.min.hold = new Uint8Array(40 * 1024 * 1024); Math.min.hold[5] = 9; Bot.sendMessage('parked')");
      expect(parked.actions.map(textOf)).toEqual(["parked"]);
      const other = await once(2, 2, "var mine = new Uint8Array(60 * 1024 * 1024); mine[1] = 1; Bot.sendMessage('allocated')");
      expect(other.error).toBeUndefined();
      expect(other.actions.map(textOf)).toEqual(["allocated"]);
      // The fresh isolate holds nothing of the first bot's realm; the process lived on.
      expect((await once(1, 1, "Bot.sendMessage(typeof Math.min.hold)")).actions.map(textOf)).toEqual(["undefined"]);
      expect(small.restarts).toBe(0);
      // Alone, a buffer past the memory is the bot's own error.
      const alone = await once(2, 2, "new Uint8Array(120 * 1024 * 1024)");
      expect(alone.error).toMatchObject({ name: "RangeError", message: "Array buffer allocation failed" });
    } finally {
      small.dispose();
    }
  });

  it("contains deep recursion as an ordinary error", async () => {
    const result = await run("function f(n) { return f(n + 1) + 1 } f(0)");
    expect(result.error).toMatchObject({ name: "RangeError", message: "Maximum call stack size exceeded" });
  });

  it.each([
    ['this.constructor.constructor("return process")()', /Function constructor is not available/],
    ['(function(){}).constructor("return this")()', /Function constructor is not available/],
    ['(async function(){}).constructor("return 1")', /Function constructor is not available/],
    ['Function("return 1")()', /Function constructor is not available/],
    ["new Proxy({}, {})", /Proxy is not available/],
    ["WebAssembly.Module", /WebAssembly is not defined/],
    ["process.exit(1)", /process is not defined/],
    ["require('fs')", /require is not defined/],
    ["setTimeout(function(){}, 1)", /setTimeout is not defined/],
    ["Promise.resolve(1)", /Promise is not defined/],
  ])("refuses the escape %s", async (code, message) => {
    const result = await run(code);
    expect(result.error?.message).toMatch(message);
  });

  it("contains an async microtask loop within its limits, and the next run is unharmed", async () => {
    const result = await run("async function f(){ await null; return f(); } f(); Bot.sendMessage('queued')", { timeoutMs: 500 });
    // Each turn leaves a pending promise behind: the loop meets the time limit or, when the
    // isolate's heap is already full of other realms, the memory limit first. Either stops it.
    expect(result.error?.timedOut || result.error?.outOfMemory).toBe(true);
    const next = await run("Bot.sendMessage('fine')");
    expect(next.actions.map(textOf)).toEqual(["fine"]);
  });

  it("caps the number of actions and the size of the output", async () => {
    const many = await run("for (var i = 0; i < 1000; i++) Bot.sendMessage('x' + i)");
    expect(many.error?.message).toBe("Too many actions in one execution (the limit is 50)");
    expect(many.actions).toHaveLength(50);
    const huge = await run("Bot.sendMessage('y'.repeat(100000))");
    expect(huge.error?.message).toBe("The execution's output is too large (the limit is 65536 bytes)");
    expect(huge.actions).toHaveLength(0);
  });

  it("keeps a huge read inside the sandbox process: the platform never receives it, and BJS can catch the refusal", async () => {
    // Each such read crossed the IPC channel whole, which the platform's event loop paid for.
    const sizes: number[] = [];
    const result = await run("try { Bot.getProperty('x'.repeat(1000000)) } catch (e) { Bot.sendMessage(e.message) } Bot.getProperty('small')", {
      reads: async (_name, args) => {
        sizes.push(args.length);
        return JSON.stringify({ found: false });
      },
    });
    expect(result.error).toBeUndefined();
    expect(result.actions.map(textOf)).toEqual([`A read may carry at most ${MAX_READ_CHARS} characters`]);
    expect(sizes).toEqual([expect.any(Number)]);
    expect(sizes[0]).toBeLessThan(100);
  });

  it("keeps what one execution's reads carry in all within a bound, so reads at the cap cannot add up to seconds of the platform's thread", async () => {
    let carried = 0;
    const code = "var name = 'x'.repeat(60000), made = 0; try { for (;;) { Bot.getProperty(name); made++ } } catch (e) { Bot.sendMessage(made + ' ' + e.message) }";
    const result = await run(code, {
      reads: async (name, args) => {
        carried += name.length + args.length;
        return JSON.stringify({ found: false });
      },
    });
    expect(result.error).toBeUndefined();
    // Seventeen reads of 60,000 characters fit; the eighteenth is refused in the sandbox process.
    expect(result.actions.map(textOf)).toEqual([`17 An execution's reads may carry at most ${MAX_READ_CHARS_PER_RUN} characters in all`]);
    expect(carried).toBeLessThanOrEqual(MAX_READ_CHARS_PER_RUN);
  });

  it("counts what the platform answers against the same bound, and refuses the answer that passes it before it crosses to the sandbox", async () => {
    let answered = 0;
    const big = JSON.stringify({ found: true, value: "y".repeat(100_000), type: "string" });
    const code = "var made = 0; try { for (;;) { Bot.getProperty('p' + made); made++ } } catch (e) { Bot.sendMessage(made + ' ' + e.message) }";
    const result = await run(code, {
      reads: async () => {
        answered++;
        return big;
      },
    });
    expect(result.error).toBeUndefined();
    // Ten answers of 100,000 characters fit; the eleventh is made, but refused on the platform's side.
    expect(result.actions.map(textOf)).toEqual([`10 An execution's reads may carry at most ${MAX_READ_CHARS_PER_RUN} characters in all`]);
    expect(answered).toBe(11);
  });

  it("keeps an output past the cap inside the sandbox process, even when BJS broke the surface's own count", async () => {
    const host = new IsolateHost({ memoryMb: 128, warmMb: 8, maxScripts: 10, limits });
    try {
      // A library fools the surface's handler cap (a Map's size) and registers names far past it.
      const flood = { name: "Flood", code: "Object.defineProperty(Map.prototype, 'size', {get: function () { return 0 }, configurable: true}); var pad = 'h'.repeat(250); for (var i = 0; i < 4000; i++) on(pad + i, function () {})" };
      const outcome = await host.run(1, { code: "Bot.sendMessage('x')", libs: [flood], handler: null }, { chat, user }, async () => "null", 5000);
      expect(outcome).toMatchObject({ output: null, oversized: true });
      expect(readOutcome(outcome, new Body([{ name: "/start", code: "" }]), limits, 5000).error?.message).toBe(
        "The execution's output is too large (the limit is 65536 bytes)",
      );
      const next = await host.run(1, { code: "Bot.sendMessage('fine')", libs: [], handler: null }, { chat, user }, async () => "null", 1000);
      expect(JSON.parse(next.output!).actions).toHaveLength(1);
    } finally {
      host.dispose();
    }
  });

  it("copies each run's globals into its bot's own realm: what BJS does to their prototypes reaches no other bot", async () => {
    const host = new IsolateHost({ memoryMb: 64, warmMb: 8, maxScripts: 10, limits });
    try {
      const say = async (botId: number, code: string) => JSON.parse((await host.run(botId, { code, libs: [], handler: null }, { chat, user }, async () => "null", 1000)).output!).actions[0].params.text;
      expect(await say(1, "Object.getPrototypeOf(user).leak = 'from bot 1'; Bot.sendMessage(String(Object.getPrototypeOf(chat) === Object.prototype))")).toBe("true");
      expect(await say(2, "Bot.sendMessage(String(user.leak) + ' ' + String(({}).leak))")).toBe("undefined undefined");
    } finally {
      host.dispose();
    }
  });

  it("measures the output with its own JSON, whatever the body puts in JSON.stringify", async () => {
    const result = await run("var real = JSON.stringify; JSON.stringify = function (v) { return v && v.type ? '1' : real(v) }; for (var i = 0; i < 40; i++) Bot.sendMessage('z'.repeat(60000))");
    expect(result.error?.message).toBe("The execution's output is too large (the limit is 65536 bytes)");
    expect(result.actions).toHaveLength(1);
  });

  it("leaks no state from one execution to the next: implicit globals, patched prototypes, replaced functions", async () => {
    const dirty = await run(
      "leaked = 41; Array.prototype.evil = 1; Object.prototype.polluted = true; JSON.parse = function(){ return 'hacked' }; Bot.sendMessage = function(){}; String.prototype.trim = null;" +
        "class Returning { constructor(target) { return target } } class Renaming extends Returning { name = 'renamed' } new Renaming(Array); delete Map.name;",
    );
    expect(dirty.error).toBeUndefined();
    const clean = await run(
      "Bot.sendMessage([typeof leaked, typeof [].evil, typeof ({}).polluted, JSON.parse('1'), typeof ' a '.trim, Array.name, Map.name].join(','))",
    );
    expect(clean.error).toBeUndefined();
    expect(textOf(clean.actions[0]!)).toBe("undefined,undefined,undefined,1,function,Array,Map");
  });

  it("lets BJS assign the run's globals for itself: the surface still acts on the run's own chat, and the next run starts from its own values", async () => {
    const assigned = await run("chat = { chatid: 999 }; params = 'changed'; user = null; Bot.sendMessage(params + ' ' + chat.chatid)", { botId: 74 });
    expect(assigned.error).toBeUndefined();
    expect(assigned.actions[0]).toMatchObject({ type: "api", params: { text: "changed 999", chat_id: 1001 } });
    const next = await run("Bot.sendMessage([JSON.stringify(params), chat.chatid, user.first_name, typeof options].join(' '))", { botId: 74 });
    expect(textOf(next.actions[0])).toBe('"" 1001 Ada object');
  });

  it("builds the legacy data of the run's values as given, once, and from nothing BJS replaced meanwhile", async () => {
    const body = [
      "message = 'reassigned';",
      "Map.prototype.get = function () { throw new Error('the surface called a replaced Map method') };",
      "Object.defineProperty(Object.prototype, 'cookies', { get: function () { throw new Error('the surface read through a prototype') }, configurable: true });",
      "Bot.sendMessage([data.message, data.user.first_name, data.chat.chatid, data.cookies, data.content, data === data, message].join(' '))",
    ].join("\n");
    const result = await run(body, { botId: 75 });
    expect(result.error).toBeUndefined();
    expect(textOf(result.actions[0])).toBe("/start Ada 1001   true reassigned");
    const next = await run("Bot.sendMessage(String(data.message === message) + ' ' + typeof data.cookies)", { botId: 75 });
    expect(textOf(next.actions[0])).toBe("true object");
  });

  it("lets no method BJS replaced keep the surface's own lists: a later run may call no more Telegram methods, nor find more libraries", async () => {
    const grab = [
      "var held = [], includes = Array.prototype.includes, keys = Object.keys;",
      "Array.prototype.includes = function () { held.push(this); return true };",
      "Object.keys = function (o) { held.push(o); return [] };",
      "Api.call('send_message', { text: 'x' }); Object.getOwnPropertyNames(Libs);",
      "Array.prototype.includes = includes; Object.keys = keys;",
      "for (var i = 0; i < held.length; i++) { try { if (Array.isArray(held[i])) held[i].push('evilMethod'); else held[i].Evil = 'CommonLib' } catch (e) {} }",
      "Bot.sendMessage(String(held.length))",
    ].join("\n");
    const grabbed = await run(grab, { botId: 91 });
    expect(grabbed.error).toBeUndefined();
    // The replaced methods ran, and were handed the surface's lists.
    expect(Number(textOf(grabbed.actions.at(-1)))).toBeGreaterThan(1);
    const next = await run("Bot.sendMessage(String(Object.keys(Libs).indexOf('Evil'))); Api.call('evilMethod', {})", { botId: 91 });
    expect(textOf(next.actions[0])).toBe("-1");
    expect(next.error?.message).toMatch(/not an allowed Telegram method/);
  });

  it.each([
    ["a non-enumerable property", "Object.defineProperty(Array.prototype, 'hidden', {value: 1, configurable: true})", "typeof [].hidden", "undefined"],
    ["properties defined at once", "Object.defineProperties(Math, {secret: {value: 2, configurable: true}})", "typeof Math.secret", "undefined"],
    ["a property defined through Reflect", "Reflect.defineProperty(String.prototype, 'shout', {value: function () { return 1 }, configurable: true})", "typeof ''.shout", "undefined"],
    ["a captured stack", "Error.captureStackTrace(Number.prototype)", "typeof Number.prototype.stack", "undefined"],
    ["a new accessor", "Object.prototype.__defineGetter__('sneaky', function () { return 3 })", "typeof ({}).sneaky", "undefined"],
    ["a symbol-keyed property", "Object.prototype[Symbol.iterator] = function* () { yield 1 }", "typeof ({})[Symbol.iterator]", "undefined"],
    ["a deleted method", "delete Array.prototype.map; delete JSON.stringify", "typeof [].map + typeof JSON.stringify", "functionfunction"],
    ["a replaced prototype", "Object.setPrototypeOf(Date.prototype, Array.prototype)", "typeof new Date().push", "undefined"],
    ["a name put on the global object's prototype", "Object.getPrototypeOf(globalThis).leak = 42", "typeof leak", "undefined"],
    ["a property of a namespace's prototype", "Object.getPrototypeOf(console).extra = 1", "typeof console.extra", "undefined"],
    ["a changed attribute", "Object.defineProperty(Array.prototype, 'map', {enumerable: true})", "Object.keys(Array.prototype).length", "0"],
    ["a deleted accessor assigned back as a value", "delete RegExp.prototype.flags; RegExp.prototype.flags = 'gi'", "typeof Object.getOwnPropertyDescriptor(RegExp.prototype, 'flags').get", "function"],
    ["a symbol-keyed accessor assigned back as a value", "delete Array[Symbol.species]; Array[Symbol.species] = Object", "typeof Object.getOwnPropertyDescriptor(Array, Symbol.species).get", "function"],
    ["a deleted accessor of the global object", "delete globalThis.message; message = 'mine'", "message", "/start"],
    ["a run global pinned as a value", "Object.defineProperty(globalThis, 'message', {value: 'stuck', writable: false, configurable: false})", "message", "/start"],
    ["a hook on the array iterator, which the platform itself runs", "Object.getPrototypeOf([][Symbol.iterator]()).next = function () { return { done: true } }", "[...[1, 2]].length", "2"],
    ["a property of the iterator prototype", "Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())).mark = 1", "typeof [][Symbol.iterator]().mark", "undefined"],
    ["a property of the generator functions' prototype", "Object.getPrototypeOf(function* () {}).prototype.mark = 1", "typeof (function* () {})().mark", "undefined"],
    ["a property of the async functions' prototype", "Object.getPrototypeOf(async function () {}).mark = 1", "typeof (async function () {}).mark", "undefined"],
    ["a replaced promise method", "Object.getPrototypeOf((async function () {})()).then = null", "typeof (async function () {})().then", "function"],
    ["a name added to the array's unscopables", "Array.prototype[Symbol.unscopables].push = true", "Array.prototype[Symbol.unscopables].push", "undefined"],
    ["a property of the string and map iterators", "Object.getPrototypeOf(''[Symbol.iterator]()).mark = Object.getPrototypeOf(new Map().entries()).mark = 1", "typeof ''[Symbol.iterator]().mark + typeof new Map().keys().mark", "undefinedundefined"],
    [
      "a define made through a stolen original",
      "var stolen; Function.prototype.apply = function () { stolen = this }; Object.defineProperty(Array.prototype, 'kept', {value: 1, configurable: true}); inspect(typeof stolen)",
      "typeof [].kept",
      "undefined",
    ],
  ])("undoes %s before the next execution", async (_what, change, probe, expected) => {
    const dirty = await run(change, { botId: 73 });
    expect(dirty.error).toBeUndefined();
    const clean = await run(`Bot.sendMessage(String(${probe}))`, { botId: 73 });
    expect(clean.error).toBeUndefined();
    expect(textOf(clean.actions[0]!)).toBe(expected);
  });

  it("keeps nothing a body puts on itself: each execution of the same body starts from the same function", async () => {
    const counted = "var body = arguments.callee; body.runs = (body.runs || 0) + 1; body.prototype.runs = body.runs; Bot.sendMessage(String(body.runs))";
    for (let i = 0; i < 2; i++) expect(textOf((await run(counted, { botId: 75 })).actions[0]!)).toBe("undefined");
  });

  it("runs no BJS while it restores: a getter reached through a deleted property's prototype chain is never called", async () => {
    // Deleting a property makes a plain read of it go up the prototype chain, where BJS put a
    // getter (no watched function needed): the guard must not read it, or BJS would run after
    // its body, hold the restore forever, or change what the guard had already checked.
    for (const [holder, deleted] of [
      ["Object.getPrototypeOf(globalThis)", "delete globalThis.Array"],
      ["Object.getPrototypeOf(console)", "delete console.log; console.zzz = 1"],
    ]) {
      const armed = await run(
        `var holder = ${holder}, name = ${JSON.stringify(deleted.includes("Array") ? "Array" : "log")}, original = ${deleted.includes("Array") ? "Array" : "console.log"};
         var getter = { get [name]() { Math.ran = 1; for (;;) {} } };
         Object.setPrototypeOf(getter, Object.getPrototypeOf(holder)); Object.setPrototypeOf(holder, getter);
         ${deleted}; Bot.sendMessage("armed")`,
        { botId: 74, timeoutMs: 500 },
      );
      expect(armed.error).toBeUndefined();
      expect(armed.actions.map(textOf)).toEqual(["armed"]);
      const next = await run("Bot.sendMessage([typeof Math.ran, typeof Array, typeof console.log, typeof console.zzz].join())", { botId: 74 });
      expect(next.actions.map(textOf)).toEqual(["undefined,function,function,undefined"]);
    }
  });

  it("keeps the output of an execution that changed the built-ins more than is worth undoing, and runs the next one in a fresh realm", async () => {
    // A hundred times the new properties the guard undoes one by one (realm-guard.ts). A member
    // of a member function, which the guard does not watch, outlives a run only in a kept realm.
    const roomy = new Executor({ isolates: 1, memoryMb: 128, warmMb: 8, limits });
    const once = (code: string) => roomy.execute({ botId: 1, ownerId: 1, segments: [{ name: "/start", code }], globals: { chat, user }, reads: async () => "null", timeoutMs: 15_000 });
    try {
      for (const where of ["Math", "this"]) {
        const result = await once(`Bot.sendMessage('kept'); Math.max.mark = 1; for (var i = 0; i < 100000; i++) ${where}['p' + i] = i;`);
        expect(result.error).toBeUndefined();
        expect(result.actions.map(textOf)).toEqual(["kept"]);
        const next = await once(`Bot.sendMessage(typeof ${where}.p1 + typeof ${where}.p99999 + typeof Math.max.mark)`);
        expect(next.actions.map(textOf)).toEqual(["undefinedundefinedundefined"]);
        expect(roomy.restarts).toBe(0);
      }
    } finally {
      roomy.dispose();
    }
  });

  it("throws away a realm whose intrinsics were frozen, so the next execution is unaffected", async () => {
    await run("Object.freeze(Array.prototype); Object.defineProperty(Object.prototype, 'stuck', {value: 1})", { botId: 70 });
    const next = await run("Array.prototype.mine = 1; Bot.sendMessage(String([].mine) + typeof ({}).stuck)", { botId: 70 });
    expect(next.error).toBeUndefined();
    expect(textOf(next.actions[0]!)).toBe("1undefined");
  });

  it("runs a bot again in a fresh isolate when the memory limit the other realms filled is met", async () => {
    const small = new Executor({ isolates: 1, memoryMb: 16, warmMb: 64, limits });
    try {
      for (let botId = 1; botId <= 80; botId++) {
        const result = await small.execute({ botId, ownerId: 1, segments: [{ name: "/start", code: "Bot.sendMessage('hi ' + " + botId + ")" }], globals: { chat, user }, reads: async () => "null", timeoutMs: 1000 });
        expect(result.error).toBeUndefined();
        expect(textOf(result.actions[0]!)).toBe(`hi ${botId}`);
      }
    } finally {
      small.dispose();
    }
  });

  it("frees the realms it drops: many bots taking turns through the warm realms never fill the isolate, and it says which it dropped", async () => {
    const host = new IsolateHost({ memoryMb: 32, warmMb: 8, maxScripts: 10, limits });
    try {
      // The platform's copy of the warm set, kept from the changes alone (as sandbox.ts keeps it).
      const warm = new Set<number>();
      for (let botId = 1; botId <= 150; botId++) {
        const outcome = await host.run(botId, { code: new Body([{ name: "/start", code: "Bot.sendMessage('hi')" }]).code, libs: coreLibSources(), handler: null }, { chat, user }, async () => "null", 1000);
        expect(JSON.parse(outcome.output!).error).toBeNull();
        const changes = host.takeChanges(botId);
        if (changes.renewed) warm.clear();
        for (const dropped of changes.dropped) warm.delete(dropped);
        if (changes.warm) warm.add(botId);
      }
      expect(host.renewals).toBe(0);
      const really = Array.from({ length: 150 }, (_, i) => i + 1).filter((botId) => host.has(botId));
      expect(really.length).toBeLessThan(150);
      expect([...warm].sort((a, b) => a - b)).toEqual(really);
    } finally {
      host.dispose();
    }
  });

  it("keeps Libs and the core library globals as they are: BJS can neither change nor freeze them, nor carry a change over", async () => {
    const libs = coreLibSources();
    const changed = await run(
      'try { Object.preventExtensions(Libs) } catch (e) { Bot.sendMessage("refused") } Libs.X = 1; delete Libs.CommonLib; Libs.CommonLib.getNameFor = null; Object.defineProperty(globalThis, "ResLib", {value: 5}); Bot.sendMessage(("X" in Libs) + " " + ResLib)',
      { botId: 73, libs },
    );
    expect(changed.actions.map(textOf)).toEqual(["refused", "false 5"]);
    const next = await run('Bot.sendMessage(typeof ResLib.userRes + " " + typeof Libs.CommonLib.getNameFor + " " + Object.isExtensible(Libs) + " " + ("X" in Libs))', { botId: 73, libs });
    expect(next.actions.map(textOf)).toEqual(["function function true false"]);
  });

  it("lets no fn.caller reach a platform function: not from the body, a callback, a library or its handler", async () => {
    // Once, `arguments.callee.caller` was the realm's `exec`: calling it again compiled any code under any body key.
    const shown = "function shown(f) { return f === null ? 'null' : typeof f }";
    const probe = { name: "Probe", code: `${shown} publish({ loader: shown(arguments.callee.caller) }); on("/probe", function () { Bot.sendMessage("handler " + shown(arguments.callee.caller)) })` };
    const body = await run(`${shown} function up() { return arguments.callee.caller } Bot.sendMessage([shown(arguments.callee.caller), shown([0].map(up)[0]), Libs.Probe.loader].join(" "))`, { botId: 77, libs: [probe] });
    expect(body.error).toBeUndefined();
    expect(body.actions.map(textOf)).toEqual(["null null null"]);
    const handler = await run("", { botId: 77, libs: [probe], handler: "/probe" });
    expect(handler.actions.map(textOf)).toEqual(["handler null"]);
  });

  it("skips comparing the built-ins only after inert bodies, which leave them as a fresh realm has them", async () => {
    // The global object's and every guarded object's own keys, extensibility and values (a function by its name), hashed.
    const probe = `var objects = [globalThis, Object.getPrototypeOf(globalThis), Object.getPrototypeOf([][Symbol.iterator]()), Object.getPrototypeOf(""[Symbol.iterator]())];
      var names = Object.getOwnPropertyNames(globalThis).sort();
      for (var i = 0; i < names.length; i++) {
        var d = Object.getOwnPropertyDescriptor(globalThis, names[i]);
        if (!d || !("value" in d) || d.value === null || (typeof d.value !== "object" && typeof d.value !== "function")) continue;
        objects.push(d.value, Object.getPrototypeOf(d.value));
        if (typeof d.value === "function" && d.value.prototype) objects.push(d.value.prototype);
      }
      var text = "";
      for (var j = 0; j < objects.length; j++) {
        var keys = Reflect.ownKeys(objects[j]);
        text += "|" + keys.length + Object.isExtensible(objects[j]);
        for (var k = 0; k < keys.length; k++) {
          var p = Object.getOwnPropertyDescriptor(objects[j], keys[k]);
          text += String(keys[k]) + "=" + ("value" in p ? (typeof p.value === "function" ? p.value.name : typeof p.value === "object" ? typeof p.value : String(p.value)) : "get") + ",";
        }
      }
      var hash = 0;
      for (var c = 0; c < text.length; c++) hash = (hash * 31 + text.charCodeAt(c)) | 0;
      Bot.sendMessage(hash + " " + text.length, { parse_mode: null })`;
    const fingerprint = async (botId: number) => textOf((await run(probe, { botId })).actions[0]);
    const busy = [
      'var a = [3, 1, 2]; a.push(4); a.sort(); a.reverse(); a.fill(0, 1); a.splice(0, 1); [].push.call(a, 5); [].push.apply(a, [6]); a.copyWithin(0, 1); Bot.sendMessage(a.join(","))',
      'var s = " Hi ".trim().toLowerCase().split("").concat(["x"]).join("-"); "abc".replace(/b/g, "B"); "abc".search(/c/); "a,b".split(/,/); /x/g.exec("xx"); "aXbX".match(/X/g); Bot.sendMessage(s)',
      'var o = { toString: [].join, valueOf: [].concat, length: 1, 0: "z" }; var t = "" + String(o) + o; JSON.stringify({ a: [1, { b: 2 }], o: o }, [].push, 2); JSON.parse("[1, {\\"a\\": 2}]", [].push)',
      "var d = new Date(0); d.setFullYear(2020); Date.now(); Date.parse('2020-01-01'); Math.max.apply(null, [1, 2]); Math.max.call(user, 1); [].sort.call(user); [].fill.call(chat, 1, 0, 2)",
      'for (var k in user) k.length; for (var v of [1, 2]) v; var copy = { ...user, extra: [..."ab"], __proto__: { x: 1 } }; try { null.x } catch (err) { err.message + err.stack } leaked = 1',
      "var f = [].push.bind(user); f(1); var g = Bot.sendMessage; ''.concat.call(message, params); user.hasOwnProperty('id'); [].reverse.call(user)",
    ];
    const fresh = await fingerprint(95);
    // Each in a realm of its own: after the probe (not inert) a realm's every run is compared.
    for (const [i, body] of busy.entries()) {
      expect(reachOf(body, realmGlobalNames()), body).not.toBe("anything");
      const ran = await run(body, { botId: 200 + i });
      expect(ran.error, body).toBeUndefined();
      expect(await fingerprint(200 + i), body).toBe(fresh);
    }
    // A body that changes a built-in is not inert, and its run is still put back.
    await run("Array.prototype.evil = 1; Math.max = Math.min", { botId: 96 });
    expect(await fingerprint(96)).toBe(fresh);
    // What such a run leaves on a member function, which no guard watches, an inert body may
    // reach: from then on the realm's every run is compared.
    await run("Math.max.assign = Object.assign; Math.max.target = Array.prototype", { botId: 97 });
    const reaching = "Math.max.assign(Math.max.target, { evil: 1 })";
    expect(reachOf(reaching, realmGlobalNames())).toBe("nothing");
    await run(reaching, { botId: 97 });
    expect(await fingerprint(97)).toBe(fresh);
  });

  it("keeps bots apart: one bot's globals are not visible to another", async () => {
    await run("secretOfBotA = 'hunter2'", { botId: 71 });
    const other = await run("Bot.sendMessage(typeof secretOfBotA)", { botId: 72 });
    expect(textOf(other.actions[0]!)).toBe("undefined");
  });

  it("leaves the next bot in the isolate nothing of another owner's run: no microtask still queued, no last RegExp match", async () => {
    // V8 keeps one microtask queue per isolate; bots 79 and 81 share a home sandbox.
    const looping = await run("/secret(\\w+)/.exec('secretHUNTER2'); (async function () { while (true) await 0 })()", { botId: 79, ownerId: 5, timeoutMs: 500 });
    expect(looping.error?.timedOut).toBe(true);
    const next = await run("Bot.sendMessage('[' + RegExp.$1 + ']')", { botId: 81, ownerId: 6, timeoutMs: 500 });
    expect(next.error).toBeUndefined();
    expect(next.actions.map(textOf)).toEqual(["[]"]);
  });

  it("copies every realm from one prepared snapshot, yet shares nothing between bots", async () => {
    // A member of a member function is where the realm guard does not look (it only leaks into the same bot's next run).
    await run("Math.max.leak = 'from bot 73'", { botId: 73 });
    const same = await run("Bot.sendMessage(String(Math.max.leak))", { botId: 73 });
    const other = await run("Bot.sendMessage(String(Math.max.leak))", { botId: 74 });
    expect([textOf(same.actions[0]), textOf(other.actions[0])]).toEqual(["from bot 73", "undefined"]);
    // What V8 adds to each context copied from a snapshot is taken away again, and each copy draws its own random numbers.
    const fresh = (botId: number) => run("Bot.sendMessage([typeof WebAssembly, typeof SharedArrayBuffer, typeof Atomics, Math.random()].join())", { botId });
    const [a, b] = [textOf((await fresh(75)).actions[0])!, textOf((await fresh(76)).actions[0])!];
    expect(a.split(",").slice(0, 3)).toEqual(["undefined", "undefined", "undefined"]);
    expect(a.split(",")[3]).not.toBe(b.split(",")[3]);
  });
});
