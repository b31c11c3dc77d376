import { describe, expect, it } from "vitest";
import { FakeClock } from "../../support/fake-clock.js";
import { scene, telegramError } from "./harness.js";

describe("sendMessage", () => {
  it("stores the message from the bot with increasing ids and dates in seconds", async () => {
    const clock = new FakeClock();
    const { api, alice, chat, bot } = await scene({ clock });
    const first = (await api("sendMessage", { chat_id: alice.id, text: "one" })).body.result;
    const second = (await api("sendMessage", { chat_id: alice.id, text: "two" })).body.result;
    expect(first).toMatchObject({
      message_id: 1,
      from: { id: bot.id, is_bot: true, first_name: "Test Bot", username: "test_bot" },
      chat: { id: alice.id, type: "private", first_name: "Alice", username: "alice" },
      date: clock.now() / 1000,
      text: "one",
    });
    expect(second.message_id).toBe(2);
    expect((await chat.history()).map((m) => m.text)).toEqual(["one", "two"]);
  });

  it("answers Telegram's errors for a missing chat, empty or long text", async () => {
    const { api, alice } = await scene();
    expect(await api("sendMessage", { chat_id: 42, text: "hi" })).toEqual(telegramError(400, "Bad Request: chat not found"));
    expect(await api("sendMessage", { chat_id: alice.id, text: "" })).toEqual(telegramError(400, "Bad Request: message text is empty"));
    expect(await api("sendMessage", { chat_id: alice.id })).toEqual(telegramError(400, "Bad Request: message text is empty"));
    expect(await api("sendMessage", { text: "hi" })).toEqual(telegramError(400, "Bad Request: chat_id is empty"));
    expect(await api("sendMessage", { chat_id: alice.id, text: "x".repeat(4097) })).toEqual(
      telegramError(400, "Bad Request: message is too long"),
    );
    expect((await api("sendMessage", { chat_id: alice.id, text: "x".repeat(4096) })).status).toBe(200);
  });

  it("answers 403 when the user blocked the bot, and sends again after an unblock", async () => {
    const { api, alice, bot } = await scene();
    await alice.block(bot);
    expect(await api("sendMessage", { chat_id: alice.id, text: "hi" })).toEqual(
      telegramError(403, "Forbidden: bot was blocked by the user"),
    );
    await alice.unblock(bot);
    expect((await api("sendMessage", { chat_id: alice.id, text: "hi" })).status).toBe(200);
  });

  it("answers 403 for a user who never started the bot", async () => {
    const { api, emulator } = await scene();
    const bob = await emulator.client.createUser({ first_name: "Bob" });
    expect(await api("sendMessage", { chat_id: bob.id, text: "hi" })).toEqual(
      telegramError(403, "Forbidden: bot can't initiate conversation with a user"),
    );
  });

  it("parses Markdown into entities and fails on unbalanced markup like Telegram", async () => {
    const { api, alice } = await scene();
    const ok = await api("sendMessage", { chat_id: alice.id, text: "*bold* and _it_ [site](http://x.y)", parse_mode: "Markdown" });
    expect(ok.body.result.text).toBe("bold and it site");
    expect(ok.body.result.entities).toEqual([
      { type: "bold", offset: 0, length: 4 },
      { type: "italic", offset: 9, length: 2 },
      { type: "text_link", offset: 12, length: 4, url: "http://x.y" },
    ]);
    expect(await api("sendMessage", { chat_id: alice.id, text: "price_list is *here", parse_mode: "Markdown" })).toEqual(
      telegramError(400, "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 5"),
    );
    expect(await api("sendMessage", { chat_id: alice.id, text: "a.b", parse_mode: "MarkdownV2" })).toEqual(
      telegramError(400, "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'"),
    );
    expect(await api("sendMessage", { chat_id: alice.id, text: "<b>x", parse_mode: "HTML" })).toEqual(
      telegramError(400, `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`),
    );
  });

  it("validates keyboards: callback_data over 64 bytes is BUTTON_DATA_INVALID", async () => {
    const { api, alice } = await scene();
    const markup = (data: string) => ({ inline_keyboard: [[{ text: "B", callback_data: data }]] });
    expect(await api("sendMessage", { chat_id: alice.id, text: "k", reply_markup: markup("x".repeat(65)) })).toEqual(
      telegramError(400, "Bad Request: BUTTON_DATA_INVALID"),
    );
    expect(await api("sendMessage", { chat_id: alice.id, text: "k", reply_markup: "{not json" })).toEqual(
      telegramError(400, "Bad Request: can't parse reply keyboard markup JSON object"),
    );
    const sent = await api("sendMessage", { chat_id: alice.id, text: "k", reply_markup: markup("x".repeat(64)) });
    expect(sent.body.result.reply_markup).toEqual(markup("x".repeat(64)));
  });

  it("replies to a message, and refuses a missing one unless allowed", async () => {
    const { api, alice, chat } = await scene();
    const question = await alice.sendText(chat, "question?");
    const reply = await api("sendMessage", { chat_id: alice.id, text: "answer", reply_parameters: { message_id: question.message_id } });
    expect(reply.body.result.reply_to_message).toMatchObject({ message_id: question.message_id, text: "question?" });
    expect(await api("sendMessage", { chat_id: alice.id, text: "x", reply_to_message_id: 999 })).toEqual(
      telegramError(400, "Bad Request: message to be replied not found"),
    );
    const allowed = await api("sendMessage", {
      chat_id: alice.id,
      text: "x",
      reply_parameters: { message_id: 999, allow_sending_without_reply: true },
    });
    expect(allowed.status).toBe(200);
  });
});

describe("other sends", () => {
  it("forwards and copies messages, and fails on missing ones", async () => {
    const { api, alice, chat } = await scene();
    const original = await alice.sendText(chat, "look");
    const forwarded = await api("forwardMessage", { chat_id: alice.id, from_chat_id: alice.id, message_id: original.message_id });
    expect(forwarded.body.result).toMatchObject({ text: "look", forward_origin: { type: "user", sender_user: { id: alice.id } } });
    const copied = await api("copyMessage", { chat_id: alice.id, from_chat_id: alice.id, message_id: original.message_id });
    expect(copied.body.result).toEqual({ message_id: forwarded.body.result.message_id + 1 });
    expect((await chat.history()).at(-1)).toMatchObject({ text: "look", message_id: copied.body.result.message_id });
    expect(await api("forwardMessage", { chat_id: alice.id, from_chat_id: alice.id, message_id: 99 })).toEqual(
      telegramError(400, "Bad Request: message to forward not found"),
    );
    expect(await api("copyMessage", { chat_id: alice.id, from_chat_id: alice.id, message_id: 99 })).toEqual(
      telegramError(400, "Bad Request: message to copy not found"),
    );
  });

  it("sends locations, contacts, polls and dice", async () => {
    const { api, alice } = await scene();
    expect((await api("sendLocation", { chat_id: alice.id, latitude: 48.85, longitude: 2.35 })).body.result.location).toEqual({
      latitude: 48.85,
      longitude: 2.35,
    });
    expect(await api("sendLocation", { chat_id: alice.id, latitude: 91, longitude: 0 })).toEqual(
      telegramError(400, "Bad Request: wrong latitude specified"),
    );
    const contact = await api("sendContact", { chat_id: alice.id, phone_number: "+100", first_name: "Zoe" });
    expect(contact.body.result.contact).toEqual({ phone_number: "+100", first_name: "Zoe" });
    const poll = await api("sendPoll", { chat_id: alice.id, question: "Tea?", options: ["yes", { text: "no" }] });
    expect(poll.body.result.poll).toMatchObject({ question: "Tea?", options: [{ text: "yes" }, { text: "no" }], type: "regular" });
    expect(await api("sendPoll", { chat_id: alice.id, question: "Tea?", options: ["yes"] })).toEqual(
      telegramError(400, "Bad Request: poll must have at least 2 option"),
    );
    expect(await api("sendContact", { chat_id: alice.id, first_name: "Zoe" })).toEqual(
      telegramError(400, "Bad Request: phone number is empty"),
    );
    expect(await api("sendDice", { chat_id: alice.id, emoji: "🐱" })).toEqual(telegramError(400, "Bad Request: DICE_EMOTICON_INVALID"));
    const dice = (await api("sendDice", { chat_id: alice.id, emoji: "🏀" })).body.result.dice;
    expect(dice.emoji).toBe("🏀");
    expect(dice.value).toBeGreaterThanOrEqual(1);
    expect(dice.value).toBeLessThanOrEqual(5);
  });

  it("accepts known chat actions only", async () => {
    const { api, alice } = await scene();
    expect((await api("sendChatAction", { chat_id: alice.id, action: "typing" })).body).toEqual({ ok: true, result: true });
    expect(await api("sendChatAction", { chat_id: alice.id, action: "dancing" })).toEqual(
      telegramError(400, "Bad Request: wrong parameter action in request"),
    );
  });
});
