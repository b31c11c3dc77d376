import { describe, expect, it } from "vitest";
import { engines } from "../../support/platform.js";
import { useRuntime, type CommandSpec } from "../../support/runtime.js";

/**
 * A small shop-and-referral bot written the way Bots.Business bots are: folders, aliases for
 * keyboard labels, @ and @@ hooks sharing scope, a reply keyboard, inline buttons with params,
 * user and bot properties, a Wait-for-answer dialog, a group-restricted admin command, `!`.
 */
const folders = { main: "Main menu", shop: "Shop", admin: "Admin" };
const commands: (CommandSpec & { folder?: keyof typeof folders })[] = [
  { command: "@", bjs_code: "var balance = User.getProp('balance', 0);\nfunction money(n) { return n + ' coins'; }" },
  { command: "@@", bjs_code: "if (completed_commands_count === 0) User.setProp('last_seen', new Date(), 'datetime');" },
  {
    command: "/start", folder: "main", answer: "Welcome to *Corner Shop*!", keyboard_body: "🛒 Shop, 💰 Balance\n👥 Invite, ⚙️ Settings",
    bjs_code: "if (user.just_created) { User.setProp('balance', 10); if (params) { Bot.setProp({name: 'referrer_of_' + user.id, value: params}); Bot.runCommand('/credit_referrer ' + params); } }",
  },
  { command: "/credit_referrer", bjs_code: "var ref = Bot.getProp({name: 'balance', user_telegramid: Number(params)}, 0);\nBot.setProp({name: 'balance', value: ref + 5, user_telegramid: Number(params), type: 'integer'});\nBot.sendMessageToChatWithId(Number(params), 'Your friend joined: +5 coins', {parse_mode: null});" },
  { command: "/balance", folder: "main", aliases: "💰 balance, balance, wallet", bjs_code: "Bot.sendMessage('Balance: ' + money(balance))" },
  { command: "/shop", folder: "shop", aliases: "🛒 shop, shop", bjs_code: "Bot.sendInlineKeyboard([[{title: '🍎 Apple (3)', command: '/buy apple 3'}, {title: '🍞 Bread (5)', command: '/buy bread 5'}], [{title: '💎 Diamond (100)', command: '/buy diamond 100'}]], 'What would you like?')" },
  {
    command: "/buy", folder: "shop",
    bjs_code: "var parts = params.split(' ');\nvar item = parts[0], price = Number(parts[1]);\nif (balance < price) { Api.answerCallbackQuery({callback_query_id: request.id, text: 'Not enough coins', show_alert: true}); return; }\nUser.setProp('balance', balance - price);\nvar bag = User.getProp('bag', {}); bag[item] = (bag[item] || 0) + 1; User.setProp('bag', bag);\nBot.editInlineKeyboard([[{title: 'Bought ' + item + ' ✔', command: '/bag'}]]);\nBot.sendMessage('You bought ' + item + '. Left: ' + money(balance - price));",
  },
  { command: "/bag", folder: "shop", aliases: "bag", bjs_code: "var bag = User.getProp('bag', {});\nvar lines = Object.keys(bag).sort().map(function (k) { return k + ' x' + bag[k]; });\nBot.sendMessage(lines.length ? 'Your bag: ' + lines.join(', ') : 'Your bag is empty', {parse_mode: null});" },
  { command: "/invite", folder: "main", aliases: "👥 invite, invite", bjs_code: "Bot.sendMessage('Share: https://t.me/' + bot.name + '?start=' + user.telegramid, {parse_mode: null})" },
  { command: "/settings", folder: "main", aliases: "⚙️ settings, settings", answer: "Settings", keyboard_body: "📝 Name, 🌐 Language\n⬅️ Back" },
  { command: "/name", folder: "main", aliases: "📝 name", answer: "What should I call you?", need_reply: true, bjs_code: "if (message.length > 20) { Bot.sendMessage('Too long, try again'); Bot.runCommand('/name'); return; }\nUser.setProp('nick', message);\nBot.sendMessage('Nice to meet you, ' + message + '!', {parse_mode: null});" },
  { command: "/language", folder: "main", aliases: "🌐 language", bjs_code: "Bot.sendInlineKeyboard([{title: 'English', command: '/lang en'}, {title: 'Deutsch', command: '/lang de'}], 'Choose a language')" },
  { command: "/lang", folder: "main", bjs_code: "User.setProp('lang', params);\nBot.editMessage(params === 'de' ? 'Sprache: Deutsch' : 'Language: English', request.message.message_id);" },
  { command: "/back", folder: "main", aliases: "⬅️ back", bjs_code: "Bot.runCommand('/menu')" },
  { command: "/menu", folder: "main", aliases: "menu", answer: "Main menu, <nick>", keyboard_body: "🛒 Shop, 💰 Balance\n👥 Invite, ⚙️ Settings" },
  { command: "/promote", folder: "admin", bjs_code: "if (params !== Bot.getProp('admin_code')) { Bot.sendMessage('Wrong code'); return; }\nUser.addToGroup('admin');\nBot.sendMessage('You are an admin now');" },
  { command: "/stats", folder: "admin", group: "admin", bjs_code: "Bot.sendMessage('Sales so far: ' + Bot.getProp('sales', 0));" },
  { command: "/sale", folder: "admin", group: "admin", bjs_code: "Bot.setProp('sales', Bot.getProp('sales', 0) + Number(params));\nBot.runCommand('/stats');" },
  { command: "/crash", bjs_code: "var order = null;\nBot.sendMessage(order.id);" },
  { command: "!", answer: "Sorry, something went wrong. Try /menu." },
  { command: "*", bjs_code: "if (request && request.location) { Bot.sendMessage('Nice place!'); return; }\nBot.sendMessage('I did not get that. Try /menu');" },
];

describe.each(engines())("a realistic bot holds a whole conversation on %s", (engine) => {
  const r = useRuntime(engine);

  it("serves two users through menus, a shop, referrals, a dialog, admin commands and errors", async () => {
    const bot = await r.bot([]);
    const api = (method: string, path: string, payload?: object) =>
      r.t.app.inject({ method: method as "POST", url: `/v2/bots/${bot.id}${path}${path.includes("?") ? "&" : "?"}api_key=${bot.apiKey}`, payload });
    const folderIds: Record<string, number> = {};
    for (const [key, title] of Object.entries(folders)) folderIds[key] = (await api("POST", "/commands_folders", { title })).json().id;
    for (const { folder, ...command } of commands) {
      const response = await api("POST", "/commands", { ...command, commands_folder_id: folder ? folderIds[folder] : null });
      expect(response.statusCode, command.command).toBe(200);
    }
    expect((await api("GET", "/commands")).headers["x-total-count"]).toBe(String(commands.length));
    await r.t.platform.properties.set(bot.id, "bot", "admin_code", "s3cret");

    const ann = await r.emulator.client.createUser({ first_name: "Ann" });
    const ben = await r.emulator.client.createUser({ first_name: "Ben" });
    const annChat = await ann.privateChat(bot.telegram);
    const benChat = await ben.privateChat(bot.telegram);
    const texts = async (chat: typeof annChat, count: number) => (await chat.waitForBotMessages({ count, timeoutMs: 3000 })).map((m) => m.text);
    const say = async (who: typeof ann, chat: typeof annChat, text: string, count = 1) => {
      await who.sendText(chat, text);
      await bot.deliver();
      return texts(chat, count);
    };
    const press = async (who: typeof ann, chat: typeof annChat, label: string, count = 1) => {
      await who.pressKeyboardButton(chat, label);
      await bot.deliver();
      return texts(chat, count);
    };

    // Ann starts; her keyboard appears.
    await ann.start(annChat);
    await bot.deliver();
    expect(await texts(annChat, 1)).toEqual(["Welcome to Corner Shop!"]);
    expect((await annChat.replyKeyboard())!.keyboard.map((row) => row.map((b) => (typeof b === "string" ? b : b.text)))).toEqual([["🛒 Shop", "💰 Balance"], ["👥 Invite", "⚙️ Settings"]]);
    expect(await press(ann, annChat, "💰 Balance")).toEqual(["Balance: 10 coins"]);

    // Ann invites Ben; Ben arrives through the deep link and Ann is credited.
    const [invite] = await press(ann, annChat, "👥 Invite");
    const start = new URL(invite!.slice("Share: ".length)).searchParams.get("start")!;
    expect(Number(start)).toBe(ann.id);
    await ben.start(benChat, start);
    await bot.deliver();
    expect(await texts(benChat, 1)).toEqual(["Welcome to Corner Shop!"]);
    expect(await texts(annChat, 1)).toEqual(["Your friend joined: +5 coins"]);
    expect(await say(ann, annChat, "wallet")).toEqual(["Balance: 15 coins"]);

    // Ann shops with inline buttons: the pressed keyboard is edited, the balance falls.
    await ann.pressKeyboardButton(annChat, "🛒 Shop");
    await bot.deliver();
    const [shop] = await annChat.waitForBotMessages({ count: 1 });
    const diamond = await ann.pressButton(shop!, { text: "💎 Diamond (100)" });
    await bot.deliver();
    expect(await r.emulator.client.answerTo(diamond)).toEqual({ text: "Not enough coins", show_alert: true });
    await ann.pressButton(shop!, { text: "🍞 Bread (5)" });
    await bot.deliver();
    expect(await texts(annChat, 1)).toEqual(["You bought bread. Left: 10 coins"]);
    const editedShop = (await annChat.history()).find((m) => m.message_id === shop!.message_id)!;
    expect(editedShop.reply_markup!.inline_keyboard).toEqual([[{ text: "Bought bread ✔", callback_data: "/bag" }]]);
    await ann.pressButton(editedShop, { text: "Bought bread ✔" });
    await bot.deliver();
    expect(await texts(annChat, 1)).toEqual(["Your bag: bread x1"]);

    // Settings: a Wait-for-answer dialog that re-asks, then a language chosen by an inline button.
    expect(await press(ann, annChat, "⚙️ Settings")).toEqual(["Settings"]);
    expect(await press(ann, annChat, "📝 Name")).toEqual(["What should I call you?"]);
    expect(await say(ann, annChat, "Annabelle the Magnificent Queen", 2)).toEqual(["Too long, try again", "What should I call you?"]);
    expect(await say(ann, annChat, "Annie")).toEqual(["Nice to meet you, Annie!"]);
    const [languages] = await (async () => {
      await ann.pressKeyboardButton(annChat, "🌐 Language");
      await bot.deliver();
      return annChat.waitForBotMessages({ count: 1 });
    })();
    await ann.pressButton(languages!, { text: "Deutsch" });
    await bot.deliver();
    expect((await annChat.history()).find((m) => m.message_id === languages!.message_id)!.text).toBe("Sprache: Deutsch");
    expect(await press(ann, annChat, "⬅️ Back")).toEqual(["Main menu, Annie"]);

    // Admin commands are hidden until Ann joins the admin group.
    expect(await say(ann, annChat, "/stats")).toEqual(["I did not get that. Try /menu"]);
    expect(await say(ann, annChat, "/promote wrong")).toEqual(["Wrong code"]);
    expect(await say(ann, annChat, "/promote s3cret")).toEqual(["You are an admin now"]);
    expect(await say(ann, annChat, "/sale 42")).toEqual(["Sales so far: 42"]);
    expect(await say(ben, benChat, "/sale 1")).toEqual(["I did not get that. Try /menu"]);

    // Errors answer with !, a location goes to *, and Ben's data stayed his own.
    expect(await say(ben, benChat, "/crash")).toEqual(["Sorry, something went wrong. Try /menu."]);
    await ben.sendLocation(benChat, 52.5, 13.4);
    await bot.deliver();
    expect(await texts(benChat, 1)).toEqual(["Nice place!"]);
    expect(await say(ben, benChat, "bag")).toEqual(["Your bag is empty"]);
    expect(await say(ben, benChat, "💰 balance")).toEqual(["Balance: 10 coins"]);

    // What the API shows afterwards: users' properties, the error, both chats.
    const errors = (await api("GET", "/error_logs")).json();
    expect(errors.map((e: { title: string }) => e.title)).toEqual(["Cannot read properties of null (reading 'id')"]);
    expect((await api("GET", "/chats")).json()).toHaveLength(2);
    const lastSeen = (await api("GET", "/properties?name=last_seen")).json();
    expect(lastSeen.map((p: { value_type: string }) => p.value_type)).toEqual(["datetime", "datetime"]);
  });
});
