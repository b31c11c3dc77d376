import { z } from "zod";
import { PROPERTY_SCOPES, PROPERTY_TYPES } from "../bots/properties.js";
import { OUTBOUND_METHODS } from "../net/outbound-http.js";
import { TELEGRAM_METHODS } from "./bjs/telegram-methods.js";
import { FOR_CHATS_VALUES, PARSE_MODES } from "../bots/broadcasts.js";
import { storedOptions } from "./run-request.js";
import { MAX_URL_LENGTH } from "../bots/bot-urls.js";

/**
 * What an execution asks the host to do, as the host accepts it. The isolate builds these
 * (src/runtime/bjs/surface.ts), but BJS can rewrite anything inside its realm, so every action
 * is parsed here before it is applied: its kind, each field's type and size, the Telegram
 * method against the allowlist. Adding an action is one schema here and one case in effects.
 */

/** Longest command text a sub-command may name (Telegram's own message limit). */
const MAX_COMMAND_TEXT = 4096;
/** Longest name of a property, a user group or a callback command. */
const MAX_NAME = 255;

const id = z.number().int().safe();
const name = z.string().min(1).max(MAX_NAME);
const json = z.unknown();
/**
 * A JSON object of any keys (a Telegram method's parameters). Checked as a whole: its keys come
 * from JSON.parse, so they are strings, and a record schema checking each key and value cost
 * the platform's thread about half a second for an output of 200,000 keys.
 */
const jsonObject = z.custom<Record<string, unknown>>((value) => typeof value === "object" && value !== null && !Array.isArray(value), "Expected an object");

const apiAction = z.object({
  type: z.literal("api"),
  method: z.enum(TELEGRAM_METHODS),
  params: jsonObject,
  on_result: name.optional(),
  on_error: name.optional(),
  bb_options: json.optional(),
  result_to_bot_property: name.optional(),
  result_to_user_property: name.optional(),
});

/** A list as BJS names it: a bot list, or a user's (`new List({name, user_id})`). */
const listRef = z.object({ name, user_id: id.optional() });

const setPropAction = z.object({
  type: z.literal("setProp"),
  scope: z.enum(PROPERTY_SCOPES),
  bot_id: id.optional(),
  user_id: id.optional(),
  name,
  value: json,
  value_type: z.enum(PROPERTY_TYPES).nullable(),
  /** `setProp({..., list})`: the property is attached to that list (created when missing). */
  list: listRef.optional(),
});

const runCommandAction = z.object({
  type: z.literal("runCommand"),
  command: z.string().min(1).max(MAX_COMMAND_TEXT),
  options: json,
  ignoreMissingCommand: z.boolean().optional(),
});

const chatBlockAction = z.object({ type: z.enum(["blockChat", "unblockChat"]), chat_id: id });

const setGroupAction = z.object({ type: z.literal("setGroup"), user_id: id, group: name.nullable() });

/** Longest wait a scheduled run may ask for: a year. */
const MAX_RUN_AFTER_S = 365 * 24 * 3600;

/** `Bot.run` with `run_after` or another destination: a run stored for later (spec/bjs.md item 18). */
const scheduleAction = z.object({
  type: z.literal("schedule"),
  command: z.string().min(1).max(MAX_COMMAND_TEXT),
  run_after: z.number().min(0).max(MAX_RUN_AFTER_S),
  label: name.optional(),
  options: storedOptions,
  bot_id: id.optional(),
  user_id: id.optional(),
  user_telegramid: id.optional(),
  chat_id: id.optional(),
});

const clearRunAfterAction = z.object({ type: z.literal("clearRunAfter"), label: name.optional() });

/** `HTTP.get/post/put/delete/options`: a request made off the execution, its answer to a callback. */
const httpAction = z.object({
  type: z.literal("http"),
  method: z.enum(OUTBOUND_METHODS),
  url: z.string().min(1).max(8192),
  headers: z.record(z.string().max(1024), z.string().max(8192)).optional(),
  body: json.optional(),
  cookies: z.string().max(8192).optional(),
  follow_redirects: z.boolean().optional(),
  success: z.string().min(1).max(MAX_COMMAND_TEXT).optional(),
  error: z.string().min(1).max(MAX_COMMAND_TEXT).optional(),
  options: storedOptions,
});

/** `Bot.runAll`: a broadcast running `command` in each chat of `for_chats` (spec/bjs.md §5). */
const runAllAction = z.object({
  type: z.literal("runAll"),
  command: z.string().min(1).max(MAX_COMMAND_TEXT),
  for_chats: z.enum(FOR_CHATS_VALUES),
  options: storedOptions,
  on_create: z.string().min(1).max(MAX_COMMAND_TEXT).optional(),
});

/** The legacy `Bot.sendMessageToAll*Chats(text)`: a text broadcast (spec/bjs.md item 40). */
const sendToAllAction = z.object({
  type: z.literal("sendToAll"),
  text: z.string().min(1).max(MAX_COMMAND_TEXT),
  for_chats: z.enum(FOR_CHATS_VALUES),
  parse_mode: z.enum(PARSE_MODES).optional(),
});

/** Callback commands of a background operation, and the caller's options handed to them. */
const callbacks = {
  success: z.string().min(1).max(MAX_COMMAND_TEXT).optional(),
  error: z.string().min(1).max(MAX_COMMAND_TEXT).optional(),
  options: storedOptions,
};

/** `Bot.importGit` / `Bot.exportGit` (spec/bjs.md item 38): the bot's own git_remote, a branch of it. */
const gitAction = z.object({ type: z.enum(["importGit", "exportGit"]), branch: z.string().min(1).max(200).optional(), ...callbacks });

/** `Bot.importCSV`: from the URL given, else the bot's csv_url. */
const csvAction = z.object({ type: z.literal("importCSV"), url: z.string().min(1).max(MAX_URL_LENGTH).optional(), ...callbacks });

/** `Bot.sendMessageToChat(title, text, options)`: a message to the bot's chat with that title. */
const chatMessageAction = z.object({ type: z.literal("chatMessage"), title: z.string().max(MAX_NAME), params: jsonObject });

const panelField = z.looseObject({
  name,
  title: z.string().max(MAX_NAME).nullish(),
  description: z.string().max(4096).nullish(),
  placeholder: z.string().max(MAX_NAME).nullish(),
  type: z.string().max(32).nullish(),
  value: json,
  hidden: z.boolean().nullish(),
  icon: z.string().max(MAX_NAME).nullish(),
});

/** `AdminPanel.setPanel` (spec/bjs.md §7); the store checks field types and values. */
const setPanelAction = z.object({
  type: z.literal("setPanel"),
  panel_name: name,
  data: z.looseObject({
    title: z.string().max(MAX_NAME).nullish(),
    description: z.string().max(4096).nullish(),
    index: z.number().int().safe().nullish(),
    icon: z.string().max(MAX_NAME).nullish(),
    button_title: z.string().max(MAX_NAME).nullish(),
    on_saving: z.looseObject({ command: z.string().max(MAX_COMMAND_TEXT).nullish(), user_id: id.nullish() }).nullish(),
    fields: z.array(panelField).max(100).nullish(),
  }),
  force: z.boolean(),
});

const setPanelFieldAction = z.object({ type: z.literal("setPanelField"), panel_name: name, field_name: name, value: json });

const deletePanelAction = z.object({ type: z.literal("deletePanel"), panel_name: name });

/** Bot properties `BBAdmin.installBot` may set on the copy it makes, in either form. */
const MAX_INSTALLED_PROPERTIES = 100;

/** `BBAdmin.installBot` / `cloneBot`: a copy of one of the owner's bots for the account with that email. */
const installBotAction = z.looseObject({
  type: z.literal("installBot"),
  bot_id: id,
  email: z.string().min(1).max(MAX_NAME),
  bot_properties: z
    .union([
      z.record(z.string().max(MAX_NAME), json).refine((given) => Object.keys(given).length <= MAX_INSTALLED_PROPERTIES, `at most ${MAX_INSTALLED_PROPERTIES} properties`),
      z.array(z.looseObject({ name, value: json, type: z.string().max(32).nullish() })).max(MAX_INSTALLED_PROPERTIES),
    ])
    .nullish(),
});

/** The operations of `new List(...)` that change something (spec/bjs.md §2.9). */
const LIST_OPERATIONS = ["create", "remove", "addUser", "rejectUser", "rejectAllUsers", "rejectProperty", "removeProperty", "removeAll", "rejectAll"] as const;

const listAction = z.object({
  type: z.literal("list"),
  op: z.enum(LIST_OPERATIONS),
  list: listRef,
  user_id: id.optional(),
  property: name.optional(),
});

/** `Bot.setCache` / `User.setCache`: the rest of this run's actions are kept and replayed (§2.11). */
const setCacheAction = z.object({ type: z.literal("setCache"), scope: z.enum(PROPERTY_SCOPES), seconds: z.number().positive().max(MAX_RUN_AFTER_S) });

const clearCacheAction = z.object({ type: z.literal("clearCache"), scope: z.enum(PROPERTY_SCOPES), command: z.string().min(1).max(MAX_NAME) });

/** `WebApp.render`: the answer of the web request that runs this command (an object is JSON). */
const renderAction = z.object({ type: z.literal("render"), content: json, mime_type: z.string().min(1).max(MAX_NAME).optional() });

export const actionSchema = z.discriminatedUnion("type", [
  apiAction,
  setPropAction,
  runCommandAction,
  chatBlockAction,
  setGroupAction,
  scheduleAction,
  clearRunAfterAction,
  httpAction,
  runAllAction,
  sendToAllAction,
  gitAction,
  csvAction,
  chatMessageAction,
  setPanelAction,
  setPanelFieldAction,
  deletePanelAction,
  installBotAction,
  listAction,
  setCacheAction,
  clearCacheAction,
  renderAction,
]);

/** An action the host accepted. */
export type Action = z.infer<typeof actionSchema>;
export type ApiAction = z.infer<typeof apiAction>;
export type SetPropAction = z.infer<typeof setPropAction>;
export type ScheduleAction = z.infer<typeof scheduleAction>;
export type HttpAction = z.infer<typeof httpAction>;
export type RunAllAction = z.infer<typeof runAllAction>;
export type SendToAllAction = z.infer<typeof sendToAllAction>;
export type InteropAction = z.infer<typeof gitAction> | z.infer<typeof csvAction>;
export type InstallBotAction = z.infer<typeof installBotAction>;
export type ListAction = z.infer<typeof listAction>;
