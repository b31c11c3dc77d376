import { describe, expect, it } from "vitest";
import { engines } from "../support/platform.js";
import { useLibraryBots } from "../support/libraries.js";

describe.each(engines())("ReferralLib and TopBoardLib on %s", (engine) => {
  const { libraryBot } = useLibraryBots(engine);

  it("ReferralLib: links, tracking once per user, own link, counts, lists, the inviter, the top list", async () => {
    const b = await libraryBot({
      install: ["ReferralLib"],
      commands: [
        {
          command: "/start",
          bjs_code: `Libs.ReferralLib.track({
            onAttracted: (by) => Bot.sendMessage("invited by " + by.first_name),
            onTouchOwnLink: () => Bot.sendMessage("own link"),
            onAlreadyAttracted: () => Bot.sendMessage("already here"),
          });
          Bot.sendMessage("welcome", {parse_mode: null})`,
        },
        { command: "/link", bjs_code: 'Bot.sendMessage(RefLib.getLink(bot.name), {parse_mode: null})' },
        { command: "/refs", bjs_code: 'Bot.sendMessage(RefLib.getRefCount() + ": " + RefLib.getRefList().get().map((u) => u.first_name).join(","), {parse_mode: null})' },
        {
          command: "/reflist",
          bjs_code:
            'let l = RefLib.getRefList(); Bot.sendMessage(l.exist ? [l instanceof List, l.count, l.total_pages, l.getUsers().map((u) => u.first_name).join("+"), l.haveUser({id: l.get()[1].id}).first_name].join(" ") : "none " + l.count + " " + (l instanceof List))',
        },
        { command: "/by", bjs_code: 'let by = Libs.ReferralLib.getAttractedBy(); Bot.sendMessage(by ? "by " + by.first_name : "nobody")' },
        { command: "/top", bjs_code: 'Bot.sendMessage(RefLib.getTopList().get().map((e) => e.user.first_name + "=" + e.value).join(" "))' },
        { command: "/clear", bjs_code: 'RefLib.clearRef(); let by = RefLib.getAttractedBy(); Bot.sendMessage(by ? "still " + by.first_name : "nobody")' },
        {
          command: "/legacy",
          bjs_code:
            'let cu = Libs.ReferralLib.currentUser; Bot.sendMessage([cu.refList.get().length, Libs.ReferralLib.topList.get().length, cu.getRefCount(), cu.getRefLink(bot.name) === RefLib.getLink(bot.name), cu.attractedByUser() === null, typeof cu.track].join(" "))',
        },
      ],
    });
    expect(await b.say("/start")).toEqual(["welcome"]);
    const [link] = await b.say("/link");
    const payload = link!.split("?start=")[1]!;
    expect(link).toBe(`https://t.me/${b.bot.telegram.username}?start=${payload}`);
    expect(payload).toMatch(/^user\d+$/);
    expect(await b.say(`/start ${payload}`)).toEqual(["own link", "welcome"]);
    const bob = await b.member({ first_name: "Bob" });
    expect(await bob.say(`/start ${payload}`)).toEqual(["invited by Ada", "welcome"]);
    expect(await bob.say(`/start ${payload}`)).toEqual(["already here", "welcome"]);
    expect(await bob.say("/by")).toEqual(["by Ada"]);
    const cid = await b.member({ first_name: "Cid" });
    expect(await cid.say(`/start ${payload}`)).toEqual(["invited by Ada", "welcome"]);
    // A user who started without a link is an old user: a link later credits no one.
    const dan = await b.member({ first_name: "Dan" });
    await dan.say("/start");
    expect(await dan.say(`/start ${payload}`)).toEqual(["already here", "welcome"]);
    expect(await b.say("/refs")).toEqual(["2: Bob,Cid"]);
    // getRefList is the List of the users one invited (spec/bjs.md §6.2), its get() their records.
    expect(await b.say("/reflist")).toEqual(["true 2 1 Bob+Cid Cid"]);
    expect(await dan.say("/reflist")).toEqual(["none 0 true"]);
    expect(await b.say("/by")).toEqual(["nobody"]);
    expect(await b.say("/top")).toEqual(["Ada=2"]);
    expect(await b.say("/legacy")).toEqual(["2 1 2 true true function"]);
    // clearRef forgets the inviter: the next start through a link counts again.
    expect(await bob.say("/clear")).toEqual(["nobody"]);
    expect(await bob.say(`/start ${payload}`)).toEqual(["invited by Ada", "welcome"]);
    // Counted again, but a List holds each user once.
    expect(await b.say("/refs")).toEqual(["3: Bob,Cid"]);
    expect(await b.errors()).toEqual([]);
  });

  it("ReferralLib: credits through onAtractedByUser, the name older templates use", async () => {
    const b = await libraryBot({
      install: ["ReferralLib", "ResourcesLib"],
      commands: [
        {
          command: "/start",
          bjs_code: `Libs.ReferralLib.currentUser.track({
            onAtractedByUser: function (refUser) { Libs.ResourcesLib.anotherUserRes("balance", refUser.telegramid).add(5); Bot.sendMessage("credited " + refUser.first_name) },
          });`,
        },
        { command: "/link", bjs_code: "Bot.sendMessage(RefLib.getLink(bot.name), {parse_mode: null})" },
        { command: "/balance", bjs_code: 'Bot.sendMessage("balance " + Libs.ResourcesLib.userRes("balance").value())' },
      ],
    });
    await b.say("/start");
    const payload = (await b.say("/link"))[0]!.split("?start=")[1]!;
    const bob = await b.member({ first_name: "Bob" });
    expect(await bob.say(`/start ${payload}`)).toEqual(["credited Ada"]);
    expect(await b.say("/balance")).toEqual(["balance 5"]);
    expect(await b.errors()).toEqual([]);
  });

  it("TopBoardLib: scores add up per board, the board is sorted and capped, fields merge, reset keeps scores", async () => {
    const b = await libraryBot({
      commands: [
        { command: "/score", bjs_code: 'TopBoardLib.addScore({value: Number(params), maxCount: 2, fields: {level: 3}}); TopBoardLib.addScore({value: 1, boardName: "weekly"})' },
        { command: "/board", bjs_code: 'Bot.sendMessage(TopBoardLib.getBoard(params || undefined).map((e) => e.first_name + "=" + e.value + (e.level ? "/L" + e.level : "")).join(" ") || "empty")' },
        { command: "/reset", bjs_code: 'TopBoardLib.resetBoard(); Bot.sendMessage(TopBoardLib.getUserPropName() + "=" + User.getProp(TopBoardLib.getUserPropName()), {parse_mode: null})' },
      ],
    });
    await b.say("/score 5");
    const bob = await b.member({ first_name: "Bob" });
    await bob.say("/score 7");
    const cid = await b.member({ first_name: "Cid" });
    await cid.say("/score 1");
    expect(await b.say("/board")).toEqual(["Bob=7/L3 Ada=5/L3"]);
    await cid.say("/score 10");
    expect(await b.say("/board")).toEqual(["Cid=11/L3 Bob=7/L3"]);
    expect(await b.say("/board weekly")).toEqual(["Cid=2 Ada=1 Bob=1"]);
    expect(await b.say("/reset")).toEqual(["TopBoardLib_score_default=5"]);
    expect(await b.say("/board")).toEqual(["empty"]);
  });
});
