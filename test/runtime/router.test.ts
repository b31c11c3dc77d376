import type { Update } from "@grammyjs/types";
import { describe, expect, it } from "vitest";
import { CommandBook, type RoutableCommand } from "../../src/runtime/command-book.js";
import { route, type PendingWait } from "../../src/runtime/router.js";

let nextId = 1;
function command(name: string, extra: Partial<RoutableCommand> = {}): RoutableCommand {
  return { id: nextId++, command: name, aliases: [], answer: null, keyboard_body: null, need_reply: false, group_title: null, code: "", folder: null, auto_retry_time: null, ...extra };
}

const commands = {
  start: command("/start"),
  balance: command("Balance", { aliases: ["💰 balance", "money"] }),
  product: command("/product"),
  help: command("/help", { aliases: ["help", "?"] }),
  admin: command("/admin", { group_title: "admins" }),
  ask: command("/ask", { need_reply: true }),
  star: command("*"),
  before: command("@"),
  after: command("@@"),
  bang: command("!"),
  inline: command("/inlineQuery"),
  literalStar: command("/star", { aliases: ["*"] }),
};
const book = new CommandBook(Object.values(commands));
const bookWithoutStar = new CommandBook(Object.values(commands).filter((c) => c.command !== "*"));

const from = { id: 42, is_bot: false, first_name: "Ada" };
const privateChat = { id: 42, type: "private" as const, first_name: "Ada" };
const text = (t: string): Update => ({ update_id: 1, message: { message_id: 1, date: 0, chat: privateChat, from, text: t } });
const photo: Update = { update_id: 2, message: { message_id: 2, date: 0, chat: privateChat, from, photo: [{ file_id: "f", file_unique_id: "u", width: 1, height: 1 }], caption: "/start" } };
const contact: Update = { update_id: 3, message: { message_id: 3, date: 0, chat: privateChat, from, contact: { phone_number: "+1", first_name: "Ada" } } };
const joined: Update = { update_id: 4, message: { message_id: 4, date: 0, chat: { id: -5, type: "group", title: "G" }, from, new_chat_members: [from] } };
const callback = (data: string): Update => ({ update_id: 5, callback_query: { id: "cq", from, chat_instance: "ci", data, message: { message_id: 9, date: 0, chat: privateChat, text: "menu" } } });
const inlineQuery: Update = { update_id: 6, inline_query: { id: "iq", from, query: "cats", offset: "" } };
const edited: Update = { update_id: 7, edited_message: { message_id: 1, date: 0, edit_date: 1, chat: privateChat, from, text: "/start" } };

interface Case {
  rule: string;
  update: Update;
  expect: { command: string | null; params?: string; kind?: string; message?: string | null; waitEnded?: boolean };
  wait?: PendingWait;
  userGroup?: string;
  book?: CommandBook;
  botUsername?: string;
}

const cases: Case[] = [
  { rule: "§1.3.4 exact name, case-sensitive", update: text("/start"), expect: { command: "/start", params: "", kind: "match", message: "/start" } },
  { rule: "§1.3.4 a name differing in case is not a match", update: text("/START"), expect: { command: "*", kind: "fallback" } },
  { rule: "§1.3.4 a name without the slash is a different name", update: text("start"), expect: { command: "*" } },
  { rule: "§1.3.4 alias, lower-cased", update: text("MONEY"), expect: { command: "Balance", params: "" } },
  { rule: "§1.3.4 alias, trimmed", update: text("  money  "), expect: { command: "Balance" } },
  { rule: "§1.11 a keyboard label with emoji reaches its alias", update: text("💰 Balance"), expect: { command: "Balance", params: "" } },
  { rule: "§1.3.4 first token as name, params = the rest", update: text("/product blue shoes"), expect: { command: "/product", params: "blue shoes" } },
  { rule: "§1.3.4 first token as name for a label", update: text("Balance 3 points"), expect: { command: "Balance", params: "3 points" } },
  { rule: "§1.3.4 first token as alias", update: text("Money now"), expect: { command: "Balance", params: "now" } },
  { rule: "§1.3.4 an exact alias wins over the first-token split", update: text("💰 balance"), expect: { command: "Balance", params: "" } },
  { rule: "§1.3.8 /cmd@ThisBot is stripped in groups", update: text("/help@DemoBot"), botUsername: "demobot", expect: { command: "/help" } },
  { rule: "§1.3.8 /cmd@ThisBot with params", update: text("/product@DemoBot red"), botUsername: "DemoBot", expect: { command: "/product", params: "red" } },
  { rule: "§1.3.8 /cmd@OtherBot is not ours", update: text("/help@OtherBot"), botUsername: "DemoBot", expect: { command: "*" } },
  { rule: "§1.4 /start deep link gives params", update: text("/start ref_123"), expect: { command: "/start", params: "ref_123", message: "/start ref_123" } },
  { rule: "§1.2 special names are not matched by text", update: text("@@"), expect: { command: "*" } },
  { rule: "§1.2 the literal * reaches a command that has it as an alias", update: text("*"), expect: { command: "/star" } },
  { rule: "§1.2 ! is not reachable by text", update: text("!"), expect: { command: "*" } },
  { rule: "§1.3.6 unmatched text falls to *", update: text("hello there"), expect: { command: "*", kind: "fallback", message: "hello there", params: "" } },
  { rule: "§1.3.6 without * unmatched text runs nothing", update: text("hello"), book: bookWithoutStar, expect: { command: null } },
  { rule: "§1.3.2 a caption is not selection text", update: photo, expect: { command: "*", message: null } },
  { rule: "§1.2 a contact goes to *", update: contact, expect: { command: "*", message: null } },
  { rule: "§1.2 a new member service message goes to *", update: joined, expect: { command: "*" } },
  { rule: "§1.3.2 an edited message has no selection text", update: edited, expect: { command: "*", message: null } },
  { rule: "§1.6 callback data is command text", update: callback("/product green"), expect: { command: "/product", params: "green", kind: "match" } },
  { rule: "§1.6 unmatched callback data falls to *", update: callback("nothing"), expect: { command: "*" } },
  { rule: "§1.7 an inline query goes to /inlineQuery", update: inlineQuery, expect: { command: "/inlineQuery", kind: "inline", message: "cats" } },
  { rule: "§1.8 a group-restricted command runs for its group", update: text("/admin"), userGroup: "admins", expect: { command: "/admin" } },
  { rule: "§1.3.7 a group-restricted command is no match for outsiders", update: text("/admin"), userGroup: "users", expect: { command: "*" } },
  { rule: "§1.3.7 ... nor for users without a group", update: text("/admin stats"), expect: { command: "*" } },
  { rule: "§1.5 a waiting command takes unmatched text", update: text("Ada Lovelace"), wait: { commandId: commands.ask.id, options: { step: 1 } }, expect: { command: "/ask", kind: "reply", message: "Ada Lovelace", waitEnded: true } },
  { rule: "§1.5 a waiting command takes a contact before *", update: contact, wait: { commandId: commands.ask.id, options: null }, expect: { command: "/ask", kind: "reply", waitEnded: true } },
  { rule: "§1.5 a matching command cancels the wait and runs", update: text("/help"), wait: { commandId: commands.ask.id, options: null }, expect: { command: "/help", kind: "match", waitEnded: true } },
  { rule: "§1.5 an alias equal to the answer steals it", update: text("Help"), wait: { commandId: commands.ask.id, options: null }, expect: { command: "/help", waitEnded: true } },
  { rule: "§1.5 a wait for a deleted command is void", update: text("hi"), wait: { commandId: 99_999, options: null }, expect: { command: "*", waitEnded: true } },
];

describe("routing an update to a command (spec/bjs.md §1.3 to §1.8)", () => {
  it.each(cases)("$rule", (c) => {
    const result = route(c.book ?? book, { update: c.update, botUsername: c.botUsername ?? "DemoBot", wait: c.wait ?? null, userGroup: c.userGroup ?? null });
    expect(result.route?.command.command ?? null).toBe(c.expect.command);
    if (c.expect.params !== undefined) expect(result.route?.params).toBe(c.expect.params);
    if (c.expect.kind !== undefined) expect(result.route?.kind).toBe(c.expect.kind);
    if (c.expect.message !== undefined) expect(result.route?.message).toBe(c.expect.message);
    expect(result.waitEnded).toBe(c.expect.waitEnded ?? false);
  });

  it("hands the waiting command its stored options and the reply as request", () => {
    const update = text("42");
    const result = route(book, { update, botUsername: null, wait: { commandId: commands.ask.id, options: { amount: true } }, userGroup: null });
    expect(result.route).toMatchObject({ options: { amount: true }, request: update.message });
  });

  it("gives a callback route the CallbackQuery as request", () => {
    const update = callback("/start");
    expect(route(book, { update, botUsername: null, wait: null, userGroup: null }).route?.request).toBe(update.callback_query);
  });
});
