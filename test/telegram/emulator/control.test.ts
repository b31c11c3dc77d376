import { describe, expect, it } from "vitest";
import { EmulatorClient, directTransport } from "../../../src/telegram/emulator/index.js";
import { scene, telegramError } from "./harness.js";

describe("the control API: users acting", () => {
  it("sends /start with a deep-link payload as a command message", async () => {
    const { api, alice, chat } = await scene();
    const sent = await alice.start(chat, "ref42");
    expect(sent).toMatchObject({ text: "/start ref42", entities: [{ type: "bot_command", offset: 0, length: 6 }], from: { id: alice.id } });
    const [update] = (await api("getUpdates")).body.result;
    expect(update.message).toEqual(sent);
  });

  it("presses only buttons of the reply keyboard the bot shows", async () => {
    const { api, alice, chat } = await scene();
    await expect(alice.pressKeyboardButton(chat, "Menu")).rejects.toThrow("the bot shows no reply keyboard");
    const keyboard = { keyboard: [["Menu", { text: "Share phone", request_contact: true }]], one_time_keyboard: false };
    await api("sendMessage", { chat_id: alice.id, text: "choose", reply_markup: keyboard });
    expect(await chat.replyKeyboard()).toEqual(keyboard);
    expect((await alice.pressKeyboardButton(chat, "Menu")).text).toBe("Menu");
    expect((await alice.pressKeyboardButton(chat, "Share phone")).contact).toMatchObject({ user_id: alice.id, first_name: "Alice" });
    await expect(alice.pressKeyboardButton(chat, "Nope")).rejects.toThrow("no button 'Nope' in the reply keyboard ('Menu', 'Share phone')");
    await api("sendMessage", { chat_id: alice.id, text: "bye", reply_markup: { remove_keyboard: true } });
    expect(await chat.replyKeyboard()).toBeNull();
  });

  it("presses an inline button: a callback query the bot answers once", async () => {
    const { api, alice, emulator } = await scene();
    const markup = { inline_keyboard: [[{ text: "Buy", callback_data: "buy:1" }, { text: "Site", url: "https://x.y" }]] };
    const message = (await api("sendMessage", { chat_id: alice.id, text: "shop", reply_markup: markup })).body.result;
    await expect(alice.pressButton(message, "sell")).rejects.toThrow("has no callback button");
    const query = await alice.pressButton(message, { text: "Buy" });
    expect(query).toMatchObject({ from: { id: alice.id }, data: "buy:1", message: { message_id: message.message_id } });
    const [update] = (await api("getUpdates")).body.result;
    expect(update.callback_query).toEqual(query);
    const answered = emulator.client.answerTo(query);
    expect((await api("answerCallbackQuery", { callback_query_id: query.id, text: "Done", show_alert: true })).body.result).toBe(true);
    expect(await answered).toEqual({ text: "Done", show_alert: true });
    expect(await api("answerCallbackQuery", { callback_query_id: query.id })).toEqual(
      telegramError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid"),
    );
  });

  it("sends an inline query the bot answers with results", async () => {
    const { api, alice, bot, emulator } = await scene();
    const query = await alice.inlineQuery(bot, "pizza");
    expect((await api("getUpdates")).body.result[0].inline_query).toEqual(query);
    const results = [{ type: "article", id: "1", title: "Pizza", input_message_content: { message_text: "🍕" } }];
    expect(await api("answerInlineQuery", { inline_query_id: query.id, results: [...results, ...results] })).toEqual(
      telegramError(400, "Bad Request: RESULT_ID_DUPLICATE"),
    );
    expect((await api("answerInlineQuery", { inline_query_id: query.id, results, cache_time: 0 })).body.result).toBe(true);
    expect(await emulator.client.answerTo(query)).toEqual({ results, cache_time: 0 });
  });

  it("sends photos, contacts and locations the bot can read", async () => {
    const { api, alice, chat, emulator, bot } = await scene();
    const photo = await alice.sendPhoto(chat, { caption: "me", data: Buffer.from("png!") });
    const contact = await alice.sendContact(chat, { phone_number: "+4412", first_name: "Al" });
    const location = await alice.sendLocation(chat, 51.5, -0.12);
    const file = (await api("getFile", { file_id: photo.photo!.at(-1)!.file_id })).body.result;
    expect(await (await fetch(`${emulator.url}/file/bot${bot.token}/${file.file_path}`)).text()).toBe("png!");
    expect(contact.contact).toEqual({ phone_number: "+4412", first_name: "Al" });
    expect(location.location).toEqual({ latitude: 51.5, longitude: -0.12 });
    expect((await api("getUpdates")).body.result.map((u: any) => u.message.message_id)).toEqual([1, 2, 3]);
  });

  it("joins groups: bots see new_chat_members; a bot added gets my_chat_member", async () => {
    const { api, alice, bot, emulator } = await scene();
    const group = await emulator.client.createGroup({ title: "Club", members: [alice] });
    await group.add(bot, { by: alice });
    const carol = await emulator.client.createUser({ first_name: "Carol" });
    await carol.join(group);
    const [added, addedMessage, joined] = (await api("getUpdates")).body.result;
    expect(added.my_chat_member).toMatchObject({
      chat: { id: group.id },
      from: { id: alice.id },
      old_chat_member: { status: "left" },
      new_chat_member: { status: "member", user: { id: bot.id } },
    });
    expect(addedMessage.message).toMatchObject({ from: { id: alice.id }, new_chat_members: [{ id: bot.id }] });
    expect(joined.message).toMatchObject({ from: { id: carol.id }, new_chat_members: [{ id: carol.id }] });
    expect((await api("getChatMemberCount", { chat_id: group.id })).body.result).toBe(3);
  });

  it("tells the bot when a user blocks and unblocks it", async () => {
    const { api, alice, bot } = await scene();
    await alice.block(bot);
    await alice.unblock(bot);
    const statuses = (await api("getUpdates")).body.result.map((u: any) => [u.my_chat_member.old_chat_member.status, u.my_chat_member.new_chat_member.status]);
    expect(statuses).toEqual([["member", "kicked"], ["kicked", "member"]]);
  });

  it("times out waiting for a reply that never comes, naming what it got", async () => {
    const { chat } = await scene();
    await expect(chat.waitForReply({ timeoutMs: 50 })).rejects.toThrow(`timed out waiting for 1 bot message(s) in chat ${chat.id}; got 0`);
  });

  it("waits for several bot messages, each only once", async () => {
    const { api, alice, chat } = await scene();
    await api("sendMessage", { chat_id: alice.id, text: "1" });
    const later = chat.waitForBotMessages({ count: 2 });
    await api("sendMessage", { chat_id: alice.id, text: "2" });
    expect((await later).map((m) => m.text)).toEqual(["1", "2"]);
    await api("sendMessage", { chat_id: alice.id, text: "3" });
    expect((await chat.waitForReply()).text).toBe("3");
  });

  it("works in-process too, through the direct transport", async () => {
    const { emulator } = await scene();
    const direct = new EmulatorClient(directTransport(emulator.control));
    const bot = await direct.registerBot({ username: "direct_bot" });
    const user = await direct.createUser({ first_name: "Dee" });
    const chat = await user.privateChat(bot);
    await user.sendText(chat, "hi");
    expect((await chat.history()).map((m) => m.text)).toEqual(["hi"]);
    await expect(direct.call("openPrivateChat", { user_id: 1, bot_id: bot.id })).rejects.toThrow("no user 1");
  });
});

describe("the control API: faults, latency, counters", () => {
  it("fails the next calls of a method with 500 or 429, then recovers", async () => {
    const { api, alice, emulator } = await scene();
    await emulator.client.injectFault({ method: "sendMessage", kind: 500, count: 2 });
    await emulator.client.injectFault({ method: "getMe", kind: 429, retryAfter: 7 });
    const send = () => api("sendMessage", { chat_id: alice.id, text: "x" });
    expect(await send()).toEqual(telegramError(500, "Internal Server Error"));
    expect((await send()).status).toBe(500);
    expect((await send()).status).toBe(200);
    expect((await api("getMe")).body).toEqual({ ok: false, error_code: 429, description: "Too Many Requests: retry after 7", parameters: { retry_after: 7 } });
    expect(await emulator.client.counters()).toMatchObject({ calls: { sendMessage: 3, getMe: 1 }, tooManyRequests: 1 });
  });

  it("hangs a call until the client gives up", async () => {
    const { emulator, bot } = await scene();
    await emulator.client.injectFault({ method: "getMe", kind: "hang" });
    const call = fetch(`${emulator.apiRoot}/bot${bot.token}/getMe`, { signal: AbortSignal.timeout(200) });
    await expect(call).rejects.toThrow();
    expect((await fetch(`${emulator.apiRoot}/bot${bot.token}/getMe`)).status).toBe(200);
  });

  it("adds latency to a method", async () => {
    const { api, emulator } = await scene();
    await emulator.client.setLatency({ method: "getMe", ms: 150 });
    const started = performance.now();
    await api("getMe");
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    await emulator.client.setLatency({ method: "getMe", ms: 0 });
    const again = performance.now();
    await api("getMe");
    expect(performance.now() - again).toBeLessThan(100);
  });

  it("resets to an empty Telegram", async () => {
    const { api, emulator } = await scene();
    await api("getMe");
    await emulator.client.reset();
    expect(await emulator.client.counters()).toEqual({ calls: {}, tooManyRequests: 0, webhookDeliveries: 0, webhookFailures: 0 });
    expect((await api("getMe")).status).toBe(401);
  });

  it("refuses unknown control methods and bad input with readable errors", async () => {
    const { emulator } = await scene();
    expect((await fetch(`${emulator.url}/control/explode`, { method: "POST" })).status).toBe(404);
    await expect(emulator.client.registerBot({ token: "not-a-token" })).rejects.toThrow("'not-a-token' is not a bot token");
    await expect(emulator.client.call("injectFault", { method: "getMe", kind: 418 as never })).rejects.toThrow("kind must be");
  });
});
