import { describe, expect, it } from "vitest";
import { answerParams, fillPlaceholders } from "../../src/runtime/answer.js";
import { keyboardRows } from "../../src/runtime/keyboard-layout.js";

describe("Answers", () => {
  it("lays out a keyboard: commas between buttons, a literal or real newline between rows", () => {
    expect(keyboardRows("Help, About\\nContact")).toEqual([[{ text: "Help" }, { text: "About" }], [{ text: "Contact" }]]);
    expect(keyboardRows(" 💰 Balance ,\n\n Settings ")).toEqual([[{ text: "💰 Balance" }], [{ text: "Settings" }]]);
    expect(keyboardRows([["A", "B"], "C"])).toEqual([[{ text: "A" }, { text: "B" }], [{ text: "C" }]]);
  });

  it("fills placeholders from the user's property, then the bot's, else nothing", async () => {
    const user: Record<string, unknown> = { name: "Ada", coins: 0 };
    const bot: Record<string, unknown> = { name: "ignored", currency: "USD", config: { a: 1 } };
    const asked: string[] = [];
    const text = await fillPlaceholders("Hi <name>, you have <coins> <currency> <config><missing>. <name>!", async (n) => {
      asked.push(n);
      return n in user ? user[n] : bot[n];
    });
    expect(text).toBe('Hi Ada, you have 0 USD {"a":1}. Ada!');
    expect(asked).toEqual(["name", "coins", "currency", "config", "missing"]);
  });

  it("sends the Answer as Markdown with its keyboard", () => {
    expect(answerParams(5, "Menu", "A, B")).toEqual({
      chat_id: 5,
      text: "Menu",
      parse_mode: "Markdown",
      reply_markup: { keyboard: [[{ text: "A" }, { text: "B" }]], resize_keyboard: true },
    });
    expect(answerParams(5, "Plain", null)).toEqual({ chat_id: 5, text: "Plain", parse_mode: "Markdown" });
  });
});
