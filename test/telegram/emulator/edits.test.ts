import { describe, expect, it } from "vitest";
import { scene, telegramError } from "./harness.js";

const NOT_MODIFIED =
  "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

describe("editing and deleting", () => {
  it("edits text, keeping the keyboard only when given again, and refuses a no-op edit", async () => {
    const { api, alice, chat } = await scene();
    const keyboard = { inline_keyboard: [[{ text: "Go", callback_data: "go" }]] };
    const sent = (await api("sendMessage", { chat_id: alice.id, text: "v1", reply_markup: keyboard })).body.result;
    const target = { chat_id: alice.id, message_id: sent.message_id };
    const edited = await api("editMessageText", { ...target, text: "v2", reply_markup: keyboard });
    expect(edited.body.result).toMatchObject({ text: "v2", reply_markup: keyboard, edit_date: expect.any(Number) });
    expect(await api("editMessageText", { ...target, text: "v2", reply_markup: keyboard })).toEqual(telegramError(400, NOT_MODIFIED));
    const bare = await api("editMessageText", { ...target, text: "v2" });
    expect(bare.body.result.reply_markup).toBeUndefined();
    expect((await chat.history())[0]).toMatchObject({ message_id: sent.message_id, text: "v2" });
  });

  it("edits captions and reply markup", async () => {
    const { api, alice } = await scene();
    const photo = (await api("sendPhoto", { chat_id: alice.id, photo: "https://x/p.jpg", caption: "old" })).body.result;
    const target = { chat_id: alice.id, message_id: photo.message_id };
    expect((await api("editMessageCaption", { ...target, caption: "new" })).body.result.caption).toBe("new");
    const markup = { inline_keyboard: [[{ text: "Like", callback_data: "like" }]] };
    expect((await api("editMessageReplyMarkup", { ...target, reply_markup: markup })).body.result.reply_markup).toEqual(markup);
    expect(await api("editMessageReplyMarkup", { ...target, reply_markup: markup })).toEqual(telegramError(400, NOT_MODIFIED));
    expect(await api("editMessageText", { ...target, text: "t" })).toEqual(
      telegramError(400, "Bad Request: there is no text in the message to edit"),
    );
  });

  it("refuses to edit a missing message or someone else's", async () => {
    const { api, alice, chat } = await scene();
    expect(await api("editMessageText", { chat_id: alice.id, message_id: 77, text: "x" })).toEqual(
      telegramError(400, "Bad Request: message to edit not found"),
    );
    const text = (await api("sendMessage", { chat_id: alice.id, text: "plain" })).body.result;
    expect(await api("editMessageCaption", { chat_id: alice.id, message_id: text.message_id, caption: "c" })).toEqual(
      telegramError(400, "Bad Request: there is no caption in the message to edit"),
    );
    const hers = await alice.sendText(chat, "mine");
    expect(await api("editMessageText", { chat_id: alice.id, message_id: hers.message_id, text: "x" })).toEqual(
      telegramError(400, "Bad Request: message can't be edited"),
    );
  });

  it("deletes messages once", async () => {
    const { api, alice, chat } = await scene();
    const sent = (await api("sendMessage", { chat_id: alice.id, text: "bye" })).body.result;
    expect((await api("deleteMessage", { chat_id: alice.id, message_id: sent.message_id })).body).toEqual({ ok: true, result: true });
    expect(await chat.history()).toEqual([]);
    expect(await api("deleteMessage", { chat_id: alice.id, message_id: sent.message_id })).toEqual(
      telegramError(400, "Bad Request: message to delete not found"),
    );
  });
});
