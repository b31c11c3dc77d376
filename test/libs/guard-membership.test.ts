import { describe, expect, it } from "vitest";
import { engines } from "../support/platform.js";
import { useLibraryBots } from "../support/libraries.js";

type LibraryBot = Awaited<ReturnType<ReturnType<typeof useLibraryBots>["libraryBot"]>>;

/** Saves values of a library's admin panel through the API, as the owner does in the dashboard. */
async function savePanel(b: LibraryBot, name: string, values: Record<string, unknown>) {
  const panels = (await b.api("GET", "/active_options")).json() as { id: number; name: string }[];
  const panel = panels.find((p) => p.name === name)!;
  const saved = await b.api("PUT", `/active_options/${panel.id}`, { values });
  expect(saved.statusCode, saved.body).toBe(200);
}

describe.each(engines())("Guard and MembershipChecker on %s", (engine) => {
  const { r, libraryBot } = useLibraryBots(engine);

  it("Guard: the admin folder runs only for the panel's admins; the rest of the bot for everyone", async () => {
    const b = await libraryBot({
        install: ["Guard"],
        commands: [
          { command: "@", bjs_code: "if (!Libs.Guard.verifyAccess()) return;" },
          { command: "/setup", bjs_code: 'Libs.Guard.setup(); Bot.sendMessage("guarded")' },
          { command: "/free", bjs_code: 'Bot.sendMessage("free for all")' },
          { command: "/am-i", bjs_code: "Bot.sendMessage(String(Libs.Guard.isAdmin(user.id)))" },
          { command: "/accessDenied", bjs_code: 'Bot.sendMessage("no entry for " + user.first_name)' },
        ],
      });
    const folder = (await b.api("POST", "/commands_folders", { title: "admins" })).json();
    expect((await b.api("POST", "/commands", { command: "/ban", commands_folder_id: folder.id, bjs_code: 'Bot.sendMessage("banned " + params)' })).statusCode).toBe(200);
    const bob = await b.member({ first_name: "Bob" });

    // No panel yet: nothing is guarded.
    expect(await bob.say("/ban spam")).toEqual(["banned spam"]);
    expect(await b.say("/setup")).toEqual(["guarded"]);
    expect(await b.say("/ban spam")).toEqual(["banned spam"]);
    expect(await b.say("/am-i")).toEqual(["true"]);
    expect(await bob.say("/am-i")).toEqual(["false"]);
    expect(await bob.say("/ban spam")).toEqual(["Access denied"]);
    expect(await bob.say("/free")).toEqual(["free for all"]);

    await savePanel(b, "Guard", { ACCESS_DENIED: "/accessDenied" });
    expect(await bob.say("/ban spam")).toEqual(["no entry for Bob"]);
    const bobId = (await r.t.platform.botUsers.byTelegramId(b.bot.id, bob.user.id))!.id;
    const adaId = (await r.t.platform.botUsers.byTelegramId(b.bot.id, b.user.id))!.id;
    await savePanel(b, "Guard", { ADMINS: `${adaId}, ${bobId}` });
    expect(await bob.say("/ban spam")).toEqual(["banned spam"]);
    // Running setup again keeps what the owner saved.
    expect(await b.say("/setup")).toEqual(["guarded"]);
    expect(await bob.say("/am-i")).toEqual(["true"]);
  });

  it("MembershipChecker: check asks Telegram about each chat and runs the panel's commands; handle checks again after the delay", async () => {
    const b = await libraryBot({
        install: ["MembershipChecker"],
        commands: [
          { command: "@", bjs_code: "Libs.MembershipChecker.handle();" },
          { command: "/setup", bjs_code: 'Libs.MembershipChecker.setup(); Bot.sendMessage("set")' },
          { command: "/check", bjs_code: "Libs.MembershipChecker.check();" },
          { command: "/ping", bjs_code: 'Bot.sendMessage("pong")' },
          {
            command: "/status",
            bjs_code: 'var M = Libs.MembershipChecker; var chats = M.getChats().split(", "); Bot.sendMessage([M.isMember(), M.isMember(chats[0]), "(" + M.getNotJoinedChats() + ")"].join(" "))',
          },
          { command: "/need", bjs_code: 'Bot.sendMessage("please join " + options.chat_id)' },
          { command: "/needAll", bjs_code: 'Bot.sendMessage("still missing " + options.chats)' },
          { command: "/joined", bjs_code: 'Bot.sendMessage("thanks for joining " + options.chat_id)' },
          { command: "/allJoined", bjs_code: 'Bot.sendMessage("welcome aboard")' },
          { command: "/still", bjs_code: 'Bot.sendMessage("still with us")' },
        ],
      });
    const news = await r.emulator.client.createGroup({ title: "News", type: "supergroup", members: [b.bot.telegram], admins: [b.bot.telegram] });
    const talk = await r.emulator.client.createGroup({ title: "Talk", type: "supergroup", members: [b.bot.telegram], admins: [b.bot.telegram] });
    const [A, B] = [String(news.id), String(talk.id)];

    expect(await b.say("/setup")).toEqual(["set"]);
    await savePanel(b, "MembershipChecker", { chats: `${A}, ${B}`, onNeedJoining: "/need", onNeedAllJoining: "/needAll", onJoining: "/joined", onAllJoining: "/allJoined", onStillJoined: "/still" });

    expect(await b.say("/check")).toEqual([`please join ${A}`, `please join ${B}`, `still missing ${A}, ${B}`]);
    expect(await b.say("/status")).toEqual([`false false (${A}, ${B})`]);
    await b.user.join(news);
    expect(await b.say("/check")).toEqual([`thanks for joining ${A}`, `please join ${B}`, `still missing ${B}`]);
    expect(await b.say("/status")).toEqual([`false true (${B})`]);
    await b.user.join(talk);
    expect(await b.say("/check")).toEqual([`thanks for joining ${B}`, "welcome aboard"]);
    expect(await b.say("/check")).toEqual(["still with us"]);
    expect(await b.say("/status")).toEqual(["true true ()"]);

    // handle(): a user never checked is left alone; one checked longer ago than the delay is checked again.
    const carol = await b.member({ first_name: "Carol" });
    expect(await carol.say("/ping")).toEqual(["pong"]);
    expect(await carol.say("/check")).toEqual([`please join ${A}`, `please join ${B}`, `still missing ${A}, ${B}`]);
    expect(await carol.say("/ping")).toEqual(["pong"]);
    await carol.user.join(news);
    await carol.user.join(talk);
    const carolId = (await r.t.platform.botUsers.byTelegramId(b.bot.id, carol.user.id))!.id;
    const state = (await r.t.platform.properties.get(b.bot.id, "user", "lib:MembershipChecker:state", { userId: carolId })) as { checkedAt: number };
    await r.t.platform.properties.set(b.bot.id, "user", "lib:MembershipChecker:state", { ...state, checkedAt: state.checkedAt - 21 * 60_000 }, { userId: carolId, type: "json" });
    expect(await carol.say("/ping")).toEqual([`thanks for joining ${A}`, `thanks for joining ${B}`, "welcome aboard", "pong"]);
    expect(await b.errors()).toEqual([]);
  });
});
