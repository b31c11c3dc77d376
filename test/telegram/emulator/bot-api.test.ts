import { describe, expect, it } from "vitest";
import { scene, telegramError } from "./harness.js";

describe("the Bot API endpoint", () => {
  it("answers getMe with the registered bot", async () => {
    const { api, bot } = await scene();
    const answer = await api("getMe");
    expect(answer.status).toBe(200);
    expect(answer.body.ok).toBe(true);
    expect(answer.body.result).toMatchObject({ id: bot.id, is_bot: true, username: "test_bot", first_name: "Test Bot" });
    expect(bot.token).toMatch(/^\d+:[\w-]{35}$/);
  });

  it("answers 401 Unauthorized for an unknown token", async () => {
    const { emulator } = await scene();
    const response = await fetch(`${emulator.apiRoot}/bot123:nope/getMe`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });
  });

  it("answers 404 Not Found for an unknown method or path", async () => {
    const { api, emulator } = await scene();
    expect(await api("sendTelepathy")).toEqual(telegramError(404, "Not Found"));
    const response = await fetch(`${emulator.url}/nowhere`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ ok: false, error_code: 404, description: "Not Found" });
  });

  it("treats method names case-insensitively, as Telegram does", async () => {
    const { api } = await scene();
    expect((await api("GETME")).body.ok).toBe(true);
  });

  it("reads parameters from the query string, a form body and a multipart body", async () => {
    const { emulator, bot, alice } = await scene();
    const base = `${emulator.apiRoot}/bot${bot.token}/sendMessage`;
    const viaQuery = await fetch(`${base}?chat_id=${alice.id}&text=${encodeURIComponent("by query")}`);
    expect((await viaQuery.json()).result.text).toBe("by query");
    const viaForm = await fetch(base, { method: "POST", body: new URLSearchParams({ chat_id: String(alice.id), text: "by form" }) });
    expect((await viaForm.json()).result.text).toBe("by form");
    const form = new FormData();
    form.set("chat_id", String(alice.id));
    form.set("text", "by multipart");
    form.set("reply_markup", JSON.stringify({ inline_keyboard: [[{ text: "A", callback_data: "a" }]] }));
    const viaMultipart = await (await fetch(base, { method: "POST", body: form })).json();
    expect(viaMultipart.result.text).toBe("by multipart");
    expect(viaMultipart.result.reply_markup.inline_keyboard[0][0].callback_data).toBe("a");
  });

  it("answers 400 for a body that is not JSON", async () => {
    const { emulator, bot } = await scene();
    const response = await fetch(`${emulator.apiRoot}/bot${bot.token}/getMe`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{oops",
    });
    expect(response.status).toBe(400);
    expect((await response.json()).description).toMatch(/^Bad Request: /);
  });
});
