import { describe, expect, it } from "vitest";
import { libraries } from "../../src/catalog/libraries.js";
import { CORE_LIBS } from "../../src/catalog/lib-sources.js";
import { useLibraryBots } from "../support/libraries.js";

/**
 * The judge's measure (issue 12) from the spec's side: every global and core library entry
 * point spec/bjs.md names (§2, §6.2, §10, appendix A), used as a real exported bot would use
 * it, in a bot with NO library installed. None may fail for a missing name ("not defined",
 * "not a function", "not available", "not installed"); other failures (a bad argument, a
 * missing panel) are the entry point working.
 */
const MISSING = /not defined|not a function|not available|not installed/;

/** Each probe: a name for the report and a BJS statement. Grouped so that each group is one command. */
const probes: Record<string, [string, string][]> = {
  globals: [
    ...["message", "params", "options", "command", "user", "chat", "bot", "request", "tgUpdate", "content", "http_status", "http_headers", "cookies", "admins", "owner", "iteration_quota", "payment_plan", "completed_commands_count", "BB_API_URL", "statistics", "data", "Libs"].map(
      (name): [string, string] => [name, `void ${name}`],
    ),
    ["inspect", "inspect({ a: 1 })"],
    ["data.message", "void data.message; void data.user; void data.chat; void data.content"],
    ["GoogleAnalytics", 'GoogleAnalytics.track("x"); GoogleAnalytics.trackEvent("x")'],
    ["Segment", 'Segment.trackEvent("x"); Segment.track("x"); Segment.identify("x")'],
  ],
  bot: [
    ["Bot.sendMessage", 'Bot.sendMessage("s"); Bot.sendMessage({ text: "o" }); Bot.sendMessage("p", { parse_mode: null, is_reply: true, disable_web_page_preview: true }); Bot.sendMessage("r", { on_result: "/noop", result_to_bot_property: "sent" })'],
    ["Bot.inspect", "Bot.inspect({ a: 1 })"],
    ["Bot.sendMessageToChat", 'Bot.sendMessageToChat("Some title", "hi")'],
    ["Bot.sendMessageToChatWithId", 'Bot.sendMessageToChatWithId(chat.chatid, "hi")'],
    ["Bot.editMessage", 'Bot.editMessage("e", 1)'],
    ["Bot.editMessageInChat", 'Bot.editMessageInChat(chat.chatid, "e", 1)'],
    ["Bot.sendKeyboard", 'Bot.sendKeyboard("A,B\\nC", "k"); Bot.sendKeyboard("A,B")'],
    ["Bot.sendInlineKeyboard", 'Bot.sendInlineKeyboard([[{ title: "a", command: "/a" }], { title: "u", url: "https://example.com" }], "i")'],
    ["Bot.sendInlineKeyboardToChatWithId", 'Bot.sendInlineKeyboardToChatWithId(chat.chatid, [{ title: "a", command: "/a" }], "i")'],
    ["Bot.editInlineKeyboard", 'Bot.editInlineKeyboard([{ title: "a", command: "/a" }], 1, chat.chatid)'],
    ["Bot.sendMessageToAll*", 'Bot.sendMessageToAllChats("x"); Bot.sendMessageToAllPrivateChats("x"); Bot.sendMessageToAllGroupChats("x"); Bot.sendMessageToAllSuperGroupChats("x")'],
    ["Bot.runCommand", 'Bot.runCommand("/noop x", { a: 1 })'],
    ["Bot.run", 'Bot.run({ command: "/noop", options: { a: 1 } }); Bot.run({ command: "/noop", run_after: 60, label: "l" + user.id }); Bot.run({ command: "/noop", user_telegramid: user.telegramid, ignoreMissingCommand: true })'],
    ["other_bot_id", 'Bot.getProp({ name: "p", other_bot_id: bot.id }); Bot.setProp({ name: "p", value: 2, type: "integer", other_bot_id: bot.id })'],
    ["Bot.clearRunAfter", 'Bot.clearRunAfter({ label: "l" + user.id })'],
    ["Bot.runAll", 'Bot.runAll({ command: "/noop", for_chats: "private-chats", on_create: "/noop" })'],
    ["Bot props", 'Bot.setProp("p", 1, "integer"); Bot.getProp("p"); Bot.setProperty("q", "x", "string"); Bot.getProperty("q", 0); Bot.deleteProp("q"); Bot.setProp({ name: "o", value: { a: 1 }, type: "json" }); Bot.getProp({ name: "o", user_id: user.id })'],
    ["Bot.setCache", 'Bot.setCache(1); Bot.clearCache("/noop")'],
    ["Bot.blockChat", "Bot.blockChat(999999); Bot.unblockChat(999999)"],
    ["Bot.importCSV", "Bot.importCSV()"],
    ["Bot.importGit", 'Bot.importGit({ branch: "main", success: "/noop" }); Bot.exportGit({ branch: "main", success: "/noop" })'],
    ["Bot.runAll via RunAllTask", "var t = new RunAllTask({ id: 1 }); void t.status; void t.progress"],
  ],
  user: [
    ["User props", 'User.setProp("p", 1, "integer"); User.getProp("p"); User.setProperty("q", "x", "string"); User.getProperty("q"); User.deleteProp("q"); User.setProp({ name: "o", value: 2, type: "integer" })'],
    ["User groups", 'User.addToGroup("vip"); User.getGroup(); User.removeGroup()'],
    ["User.setCache", 'User.setCache(1); User.clearCache("/noop")'],
    ["User.sendMessage", 'User.sendMessage("u")'],
    ["Api", 'Api.sendMessage({ text: "a", on_result: "/noop", bb_options: { x: 1 } }); Api.call("sendMessage", { text: "c", result_to_user_property: "sent" }); Api.answerCallbackQuery({ callback_query_id: "1" }); Api.kickChatMember({ user_id: 1 }); Api.getChatMembersCount({}); Api.call("get_chat_members_count", {}); Api.getChatMember({ chat_id: chat.chatid, user_id: user.telegramid, on_result: "/noop", on_error: "/noop" })'],
    ["HTTP", 'var u = "http://127.0.0.1:9/x"; HTTP.get({ url: u, success: "/noop", error: "/noop" }); HTTP.post({ url: u, body: { a: 1 }, success: "/noop" }); HTTP.put({ url: u }); HTTP.delete({ url: u }); HTTP.options({ url: u }); HTTP.patch({ url: u }); HTTP.trace({ url: u })'],
    ["WebApp", 'WebApp.getUrl({ command: "/page", options: { a: 1 } }); WebApp.render({ content: { a: 1 } })'],
    ["AdminPanel", 'AdminPanel.setPanel({ panel_name: "p", data: { title: "P", fields: [{ name: "f", title: "F", type: "integer", value: 1 }] }, force: true }); AdminPanel.getPanel("p"); AdminPanel.getPanelField({ panel_name: "p", field_name: "f" }); AdminPanel.getFieldValue({ panel_name: "p", field_name: "f" }); AdminPanel.getPanelValues("p"); AdminPanel.setFieldValue({ panel_name: "p", field_name: "f", value: 2 })'],
    ["BBAdmin", 'BBAdmin.attractUser({ email: "a@example.com" }); BBAdmin.installBot({ bot_id: bot.id, email: "a@example.com", bot_properties: { x: 1 } }); BBAdmin.cloneBot({ bot_id: bot.id, email: "a@example.com" })'],
    ...["tgSignIn", "addChildAccount", "unlinkAllChildAccounts", "getParentAccount", "getParentAccountDetails", "addExtraPointsToIterationQuota", "installPaidStoreBot", "resetPassword", "getAccountBalance"].map((name): [string, string] => [`BBAdmin.${name}`, `BBAdmin.${name}({ success: "/noop" })`]),
  ],
  lists: [
    [
      "List",
      'var l = new List({ name: "probe" }); void l.exist; void l.id; void l.name; l.create(); Bot.setProp({ name: "lp", value: 1, type: "integer", list: l }); User.setProp({ name: "lu", value: 1, type: "integer", list: "probe" }); void l.page; void l.per_page; void l.total_pages; void l.count; l.get(); l.getUsers(); l.search("x"); l.isRecountNeeded(); l.recount({ onComplete: "/noop" }); l.addUser(user); l.haveUser({ id: user.id }); l.getUser({ id: user.id }); l.rejectUser({ id: user.id }); l.rejectAllUsers(); l.rejectProperty("lp"); l.removeProperty("lp"); l.rejectAll(); l.removeAll(); l.remove(); new List({ name: "mine", user_id: user.id }).get(); new List({ name: "mine2", user: user }).exist',
    ],
  ],
  libs: [
    ["core names", "void ResLib; void RefLib; void CommonLib; void TopBoardLib; void CurrencyQuote; void CryptoJS; void SmartBot; void SmartAmountDialog; void SmartTasker"],
    ["Libs core names", "void Libs.ResourcesLib; void Libs.ReferralLib; void Libs.CommonLib; void Libs.commonLib; void Libs.TopBoardLib; void Libs.CryptoJS; void Libs.SmartBot; void Libs.SmartAmountDialog; void Libs.SmartTasker"],
    [
      "ResLib",
      'var r = ResLib.userRes("coins"); r.value(); r.baseValue(); r.set(10); r.add(1); r.have(1); r.remove(1); r.removeAnyway(1); var c = ResLib.chatRes("c"); r.transferTo(c, 1); r.takeFromAnother(c, 1); r.transferToAnyway(c, 1); r.takeFromAnotherAnyway(c, 1); r.exchangeTo(c, { remove_amount: 1, add_amount: 2 }); ResLib.anotherUserRes("coins", user.telegramid).value(); ResLib.anotherChatRes("c", chat.chatid).value(); r.growth.add({ value: 1, interval: 60 }); r.growth.addPercent({ percent: 1, interval: 60 }); r.growth.addCompoundInterest({ percent: 1, interval: 60 }); r.growth.info(); r.growth.title(); r.growth.isEnabled(); r.growth.stop(); r.growth.resume(); r.growth.progress(); r.growth.willCompletedAfter(); r.resetGrowth()',
    ],
    [
      "RefLib",
      'RefLib.getLink("probe_bot"); RefLib.track({ onAttracted: function () {}, onTouchOwnLink: function () {}, onAlreadyAttracted: function () {} }); RefLib.getAttractedBy(); RefLib.getRefCount(); RefLib.getRefList().get(); RefLib.getTopList().get(); RefLib.currentUser.getRefLink("probe_bot"); RefLib.currentUser.refList.get(); RefLib.currentUser.attractedByUser(); RefLib.clearRef()',
    ],
    ["RefLib.clearRefList", "RefLib.clearRefList()"],
    ["TopBoardLib", 'TopBoardLib.addScore({ value: 1 }); TopBoardLib.getBoard(); TopBoardLib.getUserPropName("default"); TopBoardLib.resetBoard("default")'],
    ["CommonLib", "CommonLib.getNameFor(user); CommonLib.getLinkFor(user); Libs.commonLib.getNameFor(user)"],
    ["CurrencyQuote", 'void CurrencyQuote.fiat.EUR; void CurrencyQuote.crypto.BTC; void CurrencyQuote.crypto.details.BTC; CurrencyQuote.convert({ amount: 1, from: "USD", to: "EUR" }); CurrencyQuote.fiat.getCachingTime(); CurrencyQuote.crypto.getCachingTime()'],
    ["CryptoJS", 'CryptoJS.HmacSHA256("m", "k").toString(CryptoJS.enc.Hex); CryptoJS.MD5("m").toString(); CryptoJS.AES.decrypt(CryptoJS.AES.encrypt("m", "k").toString(), "k").toString(CryptoJS.enc.Utf8)'],
    [
      "SmartBot",
      'var sb = new SmartBot({ params: params }); sb.setupLng("en", { commands: {}, types: {}, titles: {} }); sb.isAlias("x"); sb.setUserLang("en"); sb.getUserLang(); var d = new SmartAmountDialog({ min: 1, max: 10 }); d.accept("5"); void d.amount; var t = new SmartTasker({ name: "t", tasks: [], balance: ResLib.userRes("coins") }); t.getTasksForWork()',
    ],
  ],
};

const probeCode = (list: [string, string][]) =>
  [
    "var missing = [];",
    `function probe(name, fn) { try { fn(); } catch (e) { var m = String((e && e.message) || e); if (${MISSING}.test(m)) missing.push(name + ": " + m); } }`,
    ...list.map(([name, code]) => `probe(${JSON.stringify(name)}, function () { ${code}; });`),
    'Bot.sendMessage("missing: " + (missing.length ? missing.join(" | ") : "none"), { parse_mode: null });',
  ].join("\n");

// Names, not storage, are under test: one engine is enough.
describe.each(["sqlite"] as const)("the spec's names in a bot with no library installed, on %s", (engine) => {
  const { libraryBot } = useLibraryBots(engine);

  it("none fails for a missing name, in BJS or when the platform runs what BJS asked", async () => {
    const b = await libraryBot({
      commands: [
        ...Object.entries(probes).map(([group, list]) => ({ command: `/probe_${group}`, bjs_code: probeCode(list) })),
        { command: "/noop", bjs_code: "" },
        { command: "/page", bjs_code: 'WebApp.render({ content: { ok: true } })' },
      ],
    });
    for (const group of Object.keys(probes)) {
      const replies = await b.say(`/probe_${group}`);
      expect(replies.find((text) => text.startsWith("missing: ")), group).toBe("missing: none");
    }
    const logged = (await b.errors()).filter((entry) => MISSING.test(entry.message));
    expect(logged).toEqual([]);
  });

  it("an installable library not installed is undefined, and the error using it says which library to install", async () => {
    const installable = libraries.map((lib) => lib.name).filter((name) => !(name in CORE_LIBS));
    const b = await libraryBot({ commands: [{ command: "/lib", bjs_code: "if (Libs[params] === undefined && !(params in Libs)) Libs[params].run()" }] });
    for (const name of installable) await b.say(`/lib ${name}`);
    expect((await b.errors()).map((entry) => entry.message).sort()).toEqual(
      installable.map((name) => `Cannot read properties of undefined (reading 'run') (Libs.${name} is undefined: the library ${name} is not installed in this bot, install it first)`).sort(),
    );
    // A name no library has says so; an error of another kind is left as it is.
    const other = await libraryBot({ commands: [{ command: "/other", bjs_code: 'if (!Libs.Nope) throw new Error("mine")' }, { command: "/nope", bjs_code: "Libs.Nope.x()" }] });
    await other.say("/other");
    await other.say("/nope");
    expect((await other.errors()).map((entry) => entry.message).sort()).toEqual([
      "Cannot read properties of undefined (reading 'x') (Libs.Nope is undefined: this bot has no library named Nope (install it from the store, or add libs/Nope.js to the bot's repository))",
      "mine",
    ]);
  });
});
