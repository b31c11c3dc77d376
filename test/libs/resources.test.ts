import { describe, expect, it } from "vitest";
import { engines } from "../support/platform.js";
import { useLibraryBots } from "../support/libraries.js";

/**
 * `/age <resource> <seconds>` moves the user's resource's growth start back: time passing, as
 * the stored state sees it (the isolate's clock is the real one).
 */
/**
 * The isolate's clock is the real one: a countdown read a moment later may have lost a second
 * or more on a loaded machine. Answers the number in the one reply, checked to be at most
 * `full` and at most `slack` seconds below it.
 */
async function countdown(replies: Promise<string[]>, prefix: string, full: number, slack = 5): Promise<void> {
  const [reply, ...rest] = await replies;
  expect(rest).toEqual([]);
  const match = new RegExp(`^${prefix} (\\d+)$`).exec(reply ?? "");
  expect(match, `"${reply}" should be "${prefix} <seconds>"`).not.toBeNull();
  expect(Number(match![1])).toBeLessThanOrEqual(full);
  expect(Number(match![1])).toBeGreaterThan(full - slack);
}

const AGE = 'let [name, seconds] = params.split(" "); let p = "ResourcesLib_user" + user.telegramid + "_" + name + "_growth"; let g = Bot.getProp(p); g.started_at -= Number(seconds) * 1000; Bot.setProp(p, g, "json")';

describe.each(engines())("ResourcesLib and CooldownLib on %s", (engine) => {
  const { libraryBot } = useLibraryBots(engine);

  it("ResourcesLib: add, set, have, remove, removeAnyway, transfer, exchange, per user and chat", async () => {
    const b = await libraryBot({
      commands: [
        { command: "/add", bjs_code: 'let c = Libs.ResourcesLib.userRes("coins"); c.add(Number(params)); Bot.sendMessage("coins " + c.value())' },
        { command: "/buy", bjs_code: 'let c = ResLib.userRes("coins"); if (!c.have(5)) return Bot.sendMessage("need 5"); c.remove(5); ResLib.chatRes("gems").add(1); Bot.sendMessage("left " + c.value() + " gems " + ResLib.chatRes("gems").value())' },
        { command: "/over", bjs_code: 'ResLib.userRes("coins").remove(1000)' },
        { command: "/debt", bjs_code: 'let c = ResLib.userRes("coins"); c.removeAnyway(100); Bot.sendMessage("debt " + c.value() + " base " + c.baseValue() + " have0 " + c.have(0) + " name " + c.name)' },
        {
          command: "/anyway",
          bjs_code: 'let a = ResLib.userRes("debt"); let c = ResLib.anotherChatRes("pot", "global"); a.transferToAnyway(c, 3); ResLib.userRes("loan").takeFromAnotherAnyway(ResLib.userRes("bank"), 2); c.add(2); Bot.sendMessage([a.value(), ResLib.anotherChatRes("pot", "global").value() - 2, ResLib.userRes("bank").value(), "global", c.value()].join(" "))',
        },
        { command: "/give", bjs_code: 'let bank = ResLib.anotherUserRes("coins", 1); ResLib.userRes("coins").set(10); ResLib.userRes("coins").transferTo(bank, 4); ResLib.userRes("coins").exchangeTo(ResLib.userRes("gold"), {remove_amount: 6, add_amount: 2}); ResLib.userRes("coins").takeFromAnother(bank, 1); Bot.sendMessage([ResLib.userRes("coins").value(), bank.value(), ResLib.userRes("gold").value()].join(" "))' },
      ],
    });
    expect(await b.say("/add 3")).toEqual(["coins 3"]);
    expect(await b.say("/buy")).toEqual(["need 5"]);
    expect(await b.say("/add 4.5")).toEqual(["coins 7.5"]);
    expect(await b.say("/buy")).toEqual(["left 2.5 gems 1"]);
    await b.say("/over");
    expect((await b.errors())[0]).toMatchObject({ message: "ResourcesLib: not enough coins to remove 1000", segment: "lib:ResourcesLib" });
    expect(await b.say("/debt")).toEqual(["debt -97.5 base -97.5 have0 false name coins"]);
    expect(await b.say("/give")).toEqual(["1 3 2"]);
    // Another user has their own coins; the resource is a bot property named as the store names it.
    expect(await b.say("/anyway")).toEqual(["-3 3 -2 global 5"]);
    const other = await b.member({ first_name: "Bob" });
    expect(await other.say("/add 1")).toEqual(["coins 1"]);
    const props = ((await b.api("GET", "/properties")).json() as { name: string }[]).map((p) => p.name);
    expect(props).toContain(`ResourcesLib_user${b.user.id}_coins`);
    expect(props).toContain(`ResourcesLib_chat${b.chat.id}_gems`);
  });

  it("ResourcesLib growth: simple with max, percent, compound, stop/resume, progress, reset", async () => {
    const b = await libraryBot({
      commands: [
        { command: "/start", bjs_code: 'let e = ResLib.userRes("energy"); e.set(10); e.growth.add({value: 5, interval: 60, max: 30}); let d = ResLib.userRes("deposit"); d.set(100); d.growth.addPercent({percent: 10, interval: 3600}); let c = ResLib.userRes("comp"); c.set(100); c.growth.addCompoundInterest({percent: 10, interval: 3600}); Bot.sendMessage(e.growth.title() + "|" + e.growth.isEnabled() + "|" + e.growth.willCompletedAfter())' },
        { command: "/age", bjs_code: AGE },
        { command: "/show", bjs_code: 'Bot.sendMessage((params ? [params] : ["energy", "deposit", "comp"]).map((n) => Math.round(ResLib.userRes(n).value() * 100) / 100).join(" "))' },
        { command: "/steps", bjs_code: 'let e = ResLib.userRes("energy").growth; let i = e.info(); Bot.sendMessage([Math.round(e.progress()), e.willCompletedAfter(), i.type, i.interval, i.max].join(" "))' },
        { command: "/limited", bjs_code: 'let l = ResLib.userRes("limited"); l.set(0); l.growth.add({value: 1, interval: 10, max_iterations_count: 3}); Bot.sendMessage(String(l.growth.willCompletedAfterAll()))' },
        { command: "/stop", bjs_code: 'let e = ResLib.userRes("energy"); e.growth.stop(); Bot.sendMessage(e.growth.isEnabled() + " " + e.value())' },
        { command: "/resume", bjs_code: 'ResLib.userRes("energy").growth.resume()' },
        { command: "/reset", bjs_code: 'let e = ResLib.userRes("energy"); e.resetGrowth(); Bot.sendMessage(e.value() + " " + e.growth.isEnabled())' },
      ],
    });
    expect(await b.say("/start")).toEqual(["add 5 every 60 secs|true|60"]);
    expect(await b.say("/show")).toEqual(["10 100 100"]);
    await b.say("/age energy 150");
    await b.say("/age deposit 7200");
    await b.say("/age comp 7200");
    // 2 steps of 5; 2 × 10 % of 100; 100 × 1.1².
    expect(await b.say("/show")).toEqual(["20 120 121"]);
    // 150 s (and the moments the commands took) into steps of 60: half of the third step done, 30 s to go.
    const [progress, next, ...info] = (await b.say("/steps"))[0]!.split(" ");
    expect(Number(progress)).toBeGreaterThanOrEqual(50);
    expect(Number(progress)).toBeLessThan(60);
    expect(Number(next)).toBeLessThanOrEqual(30);
    expect(Number(next)).toBeGreaterThan(24);
    expect(info).toEqual(["simple", "60", "30"]);
    expect(await b.say("/limited")).toEqual(["30"]);
    await b.say("/age limited 25");
    expect(await b.say("/show limited")).toEqual(["2"]);
    await b.say("/age limited 100");
    expect(await b.say("/show limited")).toEqual(["3"]);
    await b.say("/age energy 6000");
    expect(await b.say("/show")).toEqual(["30 120 121"]);
    expect(await b.say("/stop")).toEqual(["false 30"]);
    await b.say("/age energy 600");
    expect((await b.say("/show"))[0]).toMatch(/^30 /);
    await b.say("/resume");
    expect(await b.say("/reset")).toEqual(["30 false"]);
  });

  it("CooldownLib: starts, waits with the seconds left, ends, and restarts on a truthy onEnding", async () => {
    const watch = (scope: string) =>
      `Libs.CooldownLib.${scope}.watch({name: "bonus", time: 60, onStarting: () => Bot.sendMessage("started"), onWaiting: (s) => Bot.sendMessage("wait " + Math.ceil(s)), onEnding: () => { Bot.sendMessage("ended"); return params === "again"; }})`;
    const b = await libraryBot({
      install: ["CooldownLib"],
      commands: [
        { command: "/bonus", bjs_code: watch("user") },
        { command: "/chatbonus", bjs_code: watch("chat") },
        { command: "/global", bjs_code: watch("user").replace("CooldownLib.user.watch", "CooldownLib.watch") },
        { command: "/chatleft", bjs_code: 'Bot.sendMessage("chat " + Math.ceil(Libs.CooldownLib.chat.getCooldown("bonus").value()))' },
        { command: "/age", bjs_code: AGE },
        { command: "/left", bjs_code: 'Bot.sendMessage("left " + Math.ceil(Libs.CooldownLib.user.getCooldown("bonus").value()))' },
      ],
    });
    expect(await b.say("/bonus")).toEqual(["started"]);
    await countdown(b.say("/bonus"), "wait", 60);
    await b.say("/age CooldownLib_bonus 45");
    await countdown(b.say("/bonus"), "wait", 15);
    await countdown(b.say("/left"), "left", 15);
    await b.say("/age CooldownLib_bonus 20");
    expect(await b.say("/bonus")).toEqual(["ended"]);
    expect(await b.say("/bonus again")).toEqual(["ended"]);
    await countdown(b.say("/bonus"), "wait", 60);
    // The chat's cooldown is its own; the bot-wide one is shared by every user.
    expect(await b.say("/chatbonus")).toEqual(["started"]);
    await countdown(b.say("/chatleft"), "chat", 60);
    expect(await b.say("/global")).toEqual(["started"]);
    const bob = await b.member({ first_name: "Bob" });
    await countdown(bob.say("/global"), "wait", 60);
    expect(await bob.say("/bonus")).toEqual(["started"]);
  });
});
