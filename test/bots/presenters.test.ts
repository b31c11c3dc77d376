import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { libraries } from "../../src/catalog/libraries.js";
import { adminPanelSchema, panelFieldSchema, presentAdminPanel } from "../../src/api/presenters/admin-panel.js";
import { botSchema, botWithLibsSchema, presentBot } from "../../src/api/presenters/bot.js";
import { chatSchema, presentChat } from "../../src/api/presenters/chat.js";
import { aliasSchema, commandSchema, presentCommand } from "../../src/api/presenters/command.js";
import { errorLogSchema, presentErrorLog } from "../../src/api/presenters/error-log.js";
import { folderSchema, presentFolder } from "../../src/api/presenters/folder.js";
import { libSchema, presentLib } from "../../src/api/presenters/lib.js";
import { presentProperty, propertySchema } from "../../src/api/presenters/property.js";
import type { Platform } from "../../src/platform.js";

// The field lists of spec/api.md §3, pinned: a presenter that adds, drops or renames a field fails here.
const AT = "2026-01-15T12:00:00.000Z";
const folder = { id: 3, bot_id: 1, title: "Shop", created_at: AT, updated_at: AT };
const alias = { id: 5, bot_id: 1, bot_command_id: 4, command: "buy", created_at: AT, updated_at: AT };
const commandRow = {
  id: 4, bot_id: 1, command: "/buy", help: null, answer: "A", keyboard_body: null, group_title: "admins", need_reply: 1,
  auto_retry_time: 60, last_auto_retry_at: null, commands_folder_id: 3, code: "1", bjs_mode: null, created_via_csv_import: 0,
  last_csv_import_at: null, created_at: AT, updated_at: AT,
};
const botRow = {
  id: 1, owner_id: 2, name: "Bot", token_sealed: "sealed", token_hash: "hash", username: "a_bot", status: "stopped", status_error: null,
  pic_url: null, csv_url: null, git_remote: null, store_bot_id: null, last_run_at: null, webhook_secret: "s", created_at: AT, updated_at: AT,
  commands_version: 0, commands_count: 1, chats_count: 0,
};
const fakePlatform = { bots: { store: { tokenOf: () => "123:token" } } } as unknown as Platform;

function pin<S extends z.ZodObject>(schema: S, answer: unknown, fields: string[]): void {
  expect(Object.keys(answer as object).sort()).toEqual([...fields].sort());
  expect(Object.keys(schema.shape).sort()).toEqual([...fields].sort());
  expect(schema.parse(answer)).toEqual(answer);
}

describe("presenters pin the contract's fields", () => {
  it("Bot", () => {
    const fields = ["id", "name", "token", "status", "status_error", "username", "pic_url", "csv_url", "git_remote", "store_bot_id", "last_run_at", "commands_count", "chats_count", "created_at", "updated_at"];
    const answer = presentBot(fakePlatform, botRow);
    pin(botSchema, answer, fields);
    expect(answer.token).toBe("123:token");
    expect(Object.keys(botWithLibsSchema.shape).sort()).toEqual([...fields, "libs"].sort());
  });

  it("Command, its aliases and folder", () => {
    const answer = presentCommand({ ...commandRow, aliases: [alias], folder });
    pin(commandSchema, answer, [
      "id", "command", "bot_id", "help", "answer", "keyboard_body", "need_reply", "auto_retry_time", "last_auto_retry_at",
      "commands_folder_id", "commands_folder", "commands_group", "aliases", "code", "syntax_error", "bjs_mode", "scenarios",
      "created_via_csv_import", "last_csv_import_at", "created_at", "updated_at",
    ]);
    pin(aliasSchema, answer.aliases[0], ["id", "command", "bot_command_id", "created_at", "updated_at"]);
    expect(answer).toMatchObject({ code: "1", need_reply: true, commands_group: { title: "admins" }, scenarios: [], created_via_csv_import: false });
  });

  it("Folder", () => {
    pin(folderSchema, presentFolder(folder), ["id", "title", "bot_id", "created_at", "updated_at"]);
  });

  it("Chat", () => {
    const answer = presentChat({ id: 7, bot_id: 1, chatid: "-100", chat_type: "group", title: "G", username: null, user_id: null, blocked: 1, created_at: AT, updated_at: AT });
    pin(chatSchema, answer, ["id", "chatid", "chat_type", "title", "user_id", "username", "blocked", "created_at", "updated_at"]);
    expect(answer.blocked).toBe(true);
  });

  it("Property", () => {
    const answer = presentProperty({ id: 8, bot_id: 1, user_id: 0, name: "n", value_type: "json", value: '{"a":1}', list_id: null, created_at: AT, updated_at: AT });
    pin(propertySchema, answer, ["id", "name", "value", "value_type", "scope", "user_id", "created_at", "updated_at"]);
    expect(answer).toMatchObject({ value: { a: 1 }, scope: "bot", user_id: null });
  });

  it("Error log entry", () => {
    const entry = { id: 9, bot_id: 1, command_id: 4, command_name: "/buy", segment: "cmd", line: 1, column: 2, message: "Boom", stack: "at 1", trigger: null, chat_id: null, user_id: null, group_key: null, created_at: AT };
    const answer = presentErrorLog(entry);
    pin(errorLogSchema, answer, ["id", "title", "stack_trace", "created_at", "scenario"]);
    expect(answer.scenario).toEqual({ bot_command: { id: 4, command: "/buy" } });
  });

  it("AdminPanel and its fields", () => {
    const field = { name: "key", title: null, description: null, placeholder: null, type: "password" as const, value: "secret", hidden: false, icon: "key" };
    const answer = presentAdminPanel({ id: 2, bot_id: 1, name: "p", title: null, description: null, position: 0, icon: null, button_title: null, fields: [field], on_saving: null, created_at: AT, updated_at: AT });
    pin(adminPanelSchema, answer, ["id", "bot_id", "name", "title", "description", "index", "button_title", "fields", "on_saving", "created_at", "updated_at"]);
    pin(panelFieldSchema, answer.fields[0], ["name", "title", "description", "placeholder", "type", "value", "hidden"]);
    expect(answer.fields[0]!.value).toBe("********");
  });

  it("Lib", () => {
    const answer = presentLib(libraries[0]!, new Map([[libraries[0]!.id, 4]]));
    pin(libSchema, answer, ["id", "name", "description", "img_url", "installations_count", "updated_at"]);
    expect(answer.installations_count).toBe(4);
  });
});
