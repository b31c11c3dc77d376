import { describe, expect, it } from "vitest";
import { engines } from "../support/platform.js";
import { useLibraryBots } from "../support/libraries.js";

const LANGUAGES = `
var smartBot = new SmartBot();
smartBot.setupLng("en", {
  commands: {
    "/start": { text: "Hi {name}! You have {coins} #/types/coin", keyboard: "Shop, #/titles/lang" },
    "/shop": { text: "Pick one", inline_buttons: [[{ text: "Buy for {price}", command: "/buy" }, { text: "Site", url: "https://example.com" }]] },
    "/buy": { alert: "Bought!", text: "Thanks, {name}", edit: true },
    "/help": { text: "#/titles/help", aliases: ["help me", "?"], run: "/after" },
  },
  types: { coin: "💰" },
  titles: { lang: "Language", help: "Ask anything" },
});
smartBot.setupLng("de", { commands: { "/start": { text: "Hallo {name}!" } }, types: {}, titles: { help: "Frag nur" } });
smartBot.add({ name: user.first_name, coins: 3 }).set("price", "5 #/types/coin");
`;

describe.each(engines())("SmartBot, SmartAmountDialog and SmartTasker on %s", (engine) => {
  const { r, libraryBot } = useLibraryBots(engine);

  it("SmartBot: templates per language with placeholders, references, keyboards, inline buttons, aliases, alerts, edits and run", async () => {
    const b = await libraryBot({
      commands: [
        { command: "@@", bjs_code: `${LANGUAGES}\nif (command.name !== "/after" && command.name !== "/lang" && command.name !== "/ask") smartBot.handle();` },
        { command: "/start", bjs_code: "// answered from the template" },
        { command: "/shop", bjs_code: "//" },
        { command: "/buy", bjs_code: "//" },
        { command: "*", bjs_code: "//" },
        { command: "/after", bjs_code: 'Bot.sendMessage("after help")' },
        { command: "/lang", bjs_code: `${LANGUAGES}\nsmartBot.setUserLang(params); Bot.sendMessage(smartBot.getUserLang() + " " + smartBot.isAlias("HELP ME") + " " + smartBot.isAlias("?", "/start"))` },
        { command: "/ask", bjs_code: `${LANGUAGES}\nsmartBot.run("/help", {})` },
      ],
    });
    expect(await b.say("/start")).toEqual(["Hi Ada! You have 3 💰"]);
    expect(await b.chat.replyKeyboard()).toMatchObject({ keyboard: [[{ text: "Shop" }, { text: "Language" }]] });

    expect(await b.say("/shop")).toEqual(["Pick one"]);
    const [shop] = (await b.chat.history()).filter((m) => m.text === "Pick one");
    expect((shop as { reply_markup?: unknown }).reply_markup).toEqual({ inline_keyboard: [[{ text: "Buy for 5 💰", callback_data: "/buy" }, { text: "Site", url: "https://example.com" }]] });
    const query = await b.user.pressButton(shop!, "/buy");
    await b.bot.deliver();
    expect((await b.chat.history()).find((m) => m.message_id === shop!.message_id)?.text).toBe("Thanks, Ada");
    expect(await r.emulator.client.answerTo(query)).toMatchObject({ text: "Bought!", show_alert: true });

    expect(await b.say("help me")).toEqual(["Ask anything", "after help"]);
    expect(await b.say("/lang de")).toEqual(["de /help false"]);
    expect(await b.say("/start")).toEqual(["Hallo Ada!"]);
    // A template the language lacks comes from the default one, its references from the user's.
    expect(await b.say("/ask")).toEqual(["Frag nur", "after help"]);
    expect(await b.errors()).toEqual([]);
  });

  it("SmartAmountDialog: numbers, whole numbers, zero, bounds and the current balance, with custom error texts", async () => {
    const b = await libraryBot({
      commands: [
        {
          command: "/amount",
          bjs_code: `var d = new SmartAmountDialog({ min: 2, max: 50, curValue: 30, onlyInteger: true, dialogErrors: { moreMax: "At most {max}, please" } });
            var ok = d.accept(params); Bot.sendMessage(ok === true ? "ok " + d.amount : String(ok) + " / " + d.errMsg, {parse_mode: null})`,
        },
        { command: "/smart", bjs_code: 'var s = new SmartBot(); var d = new SmartAmountDialog({ skipZero: true, smartBot: s }); Bot.sendMessage([d.accept("0"), d.amount, d.accept("x"), s.fill("{error}")].join(" "))' },
      ],
    });
    expect(await b.say("/amount 12")).toEqual(["ok 12"]);
    expect(await b.say("/amount 2,5")).toEqual(["Please send a whole number / Please send a whole number"]);
    expect(await b.say("/amount abc")).toEqual(["Please send a number / Please send a number"]);
    expect(await b.say("/amount 1")).toEqual(["The minimum is 2 / The minimum is 2"]);
    expect(await b.say("/amount 60")).toEqual(["At most 50, please / At most 50, please"]);
    expect(await b.say("/amount 40")).toEqual(["You have only 30 / You have only 30"]);
    expect(await b.say("/amount 0")).toEqual(["The amount must not be 0 / The amount must not be 0"]);
    expect(await b.say("/smart")).toEqual(["true 0 false Please send a number"]);
  });

  it("SmartTasker: tasks one at a time, answers checked, rewards paid, skips, progress per user", async () => {
    const tasker = `var tasker = new SmartTasker({ name: "earn", balance: ResLib.userRes("coins"), tasks: [
        { id: "q1", title: "Sum", question: "{title}: 2+2? (+{reward})", answer: "4", reward: 5 },
        { id: "q2", title: "Join", question: "Join @news (+{reward})", reward: 2 },
        { id: "q3", title: "Color", question: "Sky color?", answer: "Blue", reward: 1 } ] });`;
    const b = await libraryBot({
      commands: [
        { command: "/task", bjs_code: `${tasker} var q = tasker.prepareTaskQuestion(); Bot.sendMessage(q === null ? "no more tasks" : q)` },
        { command: "/answer", bjs_code: `${tasker} Bot.sendMessage(tasker.acceptAnswer(params) ? "right, balance " + ResLib.userRes("coins").value() : "wrong")` },
        { command: "/skip", bjs_code: `${tasker} tasker.skipTask(); Bot.sendMessage("left " + tasker.getTasksForWork().length)` },
        { command: "/reset", bjs_code: `${tasker} tasker.clearUserProgress(); Bot.sendMessage("left " + tasker.getTasksForWork().length)` },
      ],
    });
    expect(await b.say("/task")).toEqual(["Sum: 2+2? (+5)"]);
    expect(await b.say("/answer 5")).toEqual(["wrong"]);
    expect(await b.say("/task")).toEqual(["Sum: 2+2? (+5)"]);
    expect(await b.say("/answer 4")).toEqual(["right, balance 5"]);
    expect(await b.say("/task")).toEqual(["Join @news (+2)"]);
    expect(await b.say("/answer done")).toEqual(["right, balance 7"]);
    expect(await b.say("/task")).toEqual(["Sky color?"]);
    expect(await b.say("/skip")).toEqual(["left 0"]);
    expect(await b.say("/task")).toEqual(["no more tasks"]);
    const bob = await b.member({ first_name: "Bob" });
    expect(await bob.say("/task")).toEqual(["Sum: 2+2? (+5)"]);
    expect(await b.say("/reset")).toEqual(["left 3"]);
    expect(await b.say("/answer blue ")).toEqual(["wrong"]);
  });
});
