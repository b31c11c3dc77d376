import { z } from "zod";
import type { Alias, Command } from "../../bots/commands.js";
import { syntaxProblem } from "../../bots/syntax-check.js";
import { folderSchema, presentFolder } from "./folder.js";

/** An alias as the Command answer lists it. */
export const aliasSchema = z.object({
  id: z.number(),
  command: z.string(),
  bot_command_id: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
}).meta({ id: "Alias" });

/** Command: note `code` out where the request says `bjs_code`, and `commands_group` for `group`. */
export const commandSchema = z.object({
  id: z.number(),
  command: z.string(),
  bot_id: z.number(),
  help: z.string().nullable(),
  answer: z.string().nullable(),
  keyboard_body: z.string().nullable(),
  need_reply: z.boolean(),
  auto_retry_time: z.number().nullable(),
  last_auto_retry_at: z.string().nullable(),
  commands_folder_id: z.number().nullable(),
  commands_folder: folderSchema.nullable(),
  commands_group: z.object({ title: z.string() }).nullable(),
  aliases: z.array(aliasSchema),
  code: z.string().nullable(),
  syntax_error: z
    .object({ line: z.number(), column: z.number().nullable(), message: z.string() })
    .nullable()
    .describe("Botyard's own: where the code fails to parse (line and column in the command's code), or null. Such a command is stored and fails when it runs, with the error in the bot's error log."),
  bjs_mode: z.string().nullable(),
  scenarios: z.array(z.never()),
  created_via_csv_import: z.boolean(),
  last_csv_import_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
}).meta({ id: "Command" });

function presentAlias(alias: Alias): z.infer<typeof aliasSchema> {
  return { id: alias.id, command: alias.command, bot_command_id: alias.bot_command_id, created_at: alias.created_at, updated_at: alias.updated_at };
}

export function presentCommand(command: Command): z.infer<typeof commandSchema> {
  return {
    id: command.id,
    command: command.command,
    bot_id: command.bot_id,
    help: command.help,
    answer: command.answer,
    keyboard_body: command.keyboard_body,
    need_reply: command.need_reply === 1,
    auto_retry_time: command.auto_retry_time,
    last_auto_retry_at: command.last_auto_retry_at,
    commands_folder_id: command.commands_folder_id,
    commands_folder: command.folder && presentFolder(command.folder),
    commands_group: command.group_title === null ? null : { title: command.group_title },
    aliases: command.aliases.map(presentAlias),
    code: command.code,
    syntax_error: syntaxProblem(command.code),
    bjs_mode: command.bjs_mode,
    // Scenarios (the reference's old multi-step flows) have no counterpart here.
    scenarios: [],
    created_via_csv_import: command.created_via_csv_import === 1,
    last_csv_import_at: command.last_csv_import_at,
    created_at: command.created_at,
    updated_at: command.updated_at,
  };
}
