import { z } from "zod";
import { PROPERTY_SCOPES, PROPERTY_TYPES } from "../bots/properties.js";
import { OUTBOUND_METHODS } from "../net/outbound-http.js";
import { TELEGRAM_METHODS } from "./bjs/telegram-methods.js";

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

const apiAction = z.object({
  type: z.literal("api"),
  method: z.enum(TELEGRAM_METHODS),
  params: z.record(z.string(), json),
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
  options: json,
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
  options: json,
});

/** `Bot.sendMessageToChat(title, text, options)`: a message to the bot's chat with that title. */
const chatMessageAction = z.object({ type: z.literal("chatMessage"), title: z.string().max(MAX_NAME), params: z.record(z.string(), json) });

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

/** `BBAdmin.installBot` / `cloneBot`: a copy of one of the owner's bots for the account with that email. */
const installBotAction = z.looseObject({
  type: z.literal("installBot"),
  bot_id: id,
  email: z.string().min(1).max(MAX_NAME),
  bot_properties: z.union([z.record(z.string().max(MAX_NAME), json), z.array(z.looseObject({ name, value: json, type: z.string().max(32).nullish() })).max(100)]).nullish(),
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

/** `Bot.importGit` / `exportGit` / `importCSV`: a task of the bot; `success` runs when it is done. */
const interopAction = z.object({
  type: z.literal("interop"),
  task: z.enum(["importGit", "exportGit", "importCSV"]),
  branch: z.string().min(1).max(MAX_NAME).optional(),
  success: z.string().min(1).max(MAX_COMMAND_TEXT).optional(),
});

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
  chatMessageAction,
  setPanelAction,
  setPanelFieldAction,
  deletePanelAction,
  installBotAction,
  listAction,
  setCacheAction,
  clearCacheAction,
  interopAction,
  renderAction,
]);

/** An action the host accepted. */
export type Action = z.infer<typeof actionSchema>;
export type ApiAction = z.infer<typeof apiAction>;
export type SetPropAction = z.infer<typeof setPropAction>;
export type ScheduleAction = z.infer<typeof scheduleAction>;
export type HttpAction = z.infer<typeof httpAction>;
export type InstallBotAction = z.infer<typeof installBotAction>;
export type ListAction = z.infer<typeof listAction>;
