import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmbeddedJobQueue } from "../../src/jobs/embedded-queue.js";
import { engines } from "../support/platform.js";
import { useLibraryBots } from "../support/libraries.js";

/** A custom library as a Git import brings it (`libs/Greeter.js`), using every library helper. */
const GREETER = `
let greeted = 0;
function hello(who) {
  greeted++;
  setUserProperty("last", who);
  return "hello " + who + " #" + greeted;
}
function last() { return getUserProperty("last", "nobody") + "/" + getBotProperty("calls", 0); }
function count() { setBotProperty("calls", getBotProperty("calls", 0) + 1, "integer"); }
function fail() { null.boom; }
publish({ hello: hello, last: last, count: count, fail: fail });
on("Greeter_later", function () { Bot.sendMessage("later " + params + " " + options.n); });
on("*", function () { Bot.sendMessage("the library heard: " + message); });
on("@", function () { if (message === "/traced") Bot.sendMessage("before @"); });
`;

describe.each(engines())("library mechanics through the runtime on %s", (engine) => {
  const { r, libraryBot } = useLibraryBots(engine);
  beforeAll(() => r.t.platform.jobs.start());
  afterAll(() => r.t.platform.jobs.stop());

  it("publish, private properties, on with params and options, @ and * handlers", async () => {
    const b = await libraryBot({
      commands: [
        { command: "@", bjs_code: "var atRan = true;" },
        { command: "/hi", bjs_code: 'Bot.sendMessage(Libs.Greeter.hello(params) + " " + Libs.Greeter.hello("again")); Libs.Greeter.count();' },
        { command: "/last", bjs_code: 'Bot.sendMessage(Libs.Greeter.last() + " " + inspect(User.getProp("last") === undefined))' },
        { command: "/later", bjs_code: 'Bot.runCommand("Greeter_later soon", {n: 7})' },
        { command: "/traced", bjs_code: 'Bot.sendMessage("body " + atRan)' },
      ],
      files: { Greeter: GREETER },
    });
    // Each execution evaluates the library afresh: its top-level state starts over.
    expect(await b.say("/hi Ada")).toEqual(["hello Ada #1 hello again #2"]);
    expect(await b.say("/hi Bob")).toEqual(["hello Bob #1 hello again #2"]);
    // The library's properties are its own: the command's User.getProp("last") does not see them.
    expect(await b.say("/last")).toEqual(["again/2 true"]);
    expect(await b.say("/later")).toEqual(["later soon 7"]);
    expect(await b.say("/traced")).toEqual(["before @", "body true"]);
    // No command and no `*` command: the library's `*` takes the text.
    expect(await b.say("what?")).toEqual(["the library heard: what?"]);
    const props = (await b.api("GET", "/properties")).json() as { name: string }[];
    expect(props.map((p) => p.name).sort()).toEqual(["lib:Greeter:calls", "lib:Greeter:last"]);
    expect(await b.errors()).toEqual([]);
  });

  it("a library's errors are logged with its lib:<Name> segment and its own line", async () => {
    const b = await libraryBot({ commands: [{ command: "/fail", bjs_code: "\nLibs.Greeter.fail()" }], files: { Greeter: GREETER } });
    await b.say("/fail");
    const [entry] = await b.errors();
    expect(entry).toMatchObject({ segment: "lib:Greeter", line: 10, command_name: "/fail" });
    expect(entry!.message).toContain("Cannot read properties of null");
  });

  it("a library that fails to load breaks only what uses it", async () => {
    const b = await libraryBot({
      commands: [
        { command: "/plain", bjs_code: 'Bot.sendMessage("still fine")' },
        { command: "/use", bjs_code: "Libs.Broken.x()" },
      ],
      files: { Broken: 'publish({ x: function () {} });\nthrow new Error("cannot start");' },
    });
    expect(await b.say("/plain")).toEqual(["still fine"]);
    await b.say("/use");
    expect((await b.errors())[0]).toMatchObject({ message: "cannot start", segment: "lib:Broken", line: 2 });
  });

  it("Libs has only the installed libraries; install and uninstall take effect on the next update", async () => {
    const b = await libraryBot({
      commands: [
        { command: "/lang", bjs_code: 'if (!Libs.Random) Bot.sendMessage("no Random"); Libs.Random.randomInt(1, 2); Bot.sendMessage("random ok")' },
        { command: "/names", bjs_code: 'Bot.sendMessage(Object.keys(Libs).sort().join(","))' },
      ],
    });
    // A library not installed is undefined, as in Bots.Business; the error using it says what to install.
    expect((await b.say("/lang"))[0]).toBe("no Random");
    expect((await b.errors())[0]!.message).toBe("Cannot read properties of undefined (reading 'randomInt') (Libs.Random is undefined: the library Random is not installed in this bot, install it first)");
    expect((await b.api("POST", "/libs", { lib_id: "Random" })).statusCode).toBe(200);
    expect(await b.say("/lang")).toEqual(["random ok"]);
    expect((await b.say("/names"))[0]).toContain("Random");
    expect((await b.api("DELETE", "/libs/Random")).statusCode).toBe(200);
    expect((await b.say("/names"))[0]).not.toContain("Random");
  });

  it("core libraries need no install, under their global and Libs names", async () => {
    const b = await libraryBot({
      commands: [
        {
          command: "/core",
          bjs_code: 'Bot.sendMessage([CommonLib === Libs.CommonLib, Libs.commonLib === Libs.CommonLib, ResLib === Libs.ResourcesLib, RefLib === Libs.ReferralLib, TopBoardLib === Libs.TopBoardLib, CommonLib.getNameFor(user)].join(" "), {parse_mode: null})',
        },
      ],
    });
    expect(await b.say("/core")).toEqual(["true true true true true Ada"]);
  });

  it("a scheduled run and the first update of a bot reach library handlers, their names learnt by a load-only run", async () => {
    const b = await libraryBot({
      commands: [{ command: "/plan", bjs_code: 'Bot.run({command: "Greeter_later tomorrow", run_after: 60, options: {n: 3}})' }],
      files: { Greeter: GREETER },
    });
    // No command matches and the bot has run nothing yet: the library's `*` takes the text.
    expect(await b.say("hello?")).toEqual(["the library heard: hello?"]);
    expect(await b.say("/plan")).toEqual([]);
    // A new version of the bot's code (an install) forgets the names learnt so far.
    expect((await b.api("POST", "/libs", { lib_id: "Random" })).statusCode).toBe(200);
    await r.t.clock.advanceAsync(61_000);
    await (r.t.platform.jobs as EmbeddedJobQueue).idle();
    expect(await b.fresh().then((messages) => messages.map((m) => m.text))).toEqual(["later tomorrow 3"]);
    expect(await b.errors()).toEqual([]);
  });
});
