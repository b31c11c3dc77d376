import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { parseCommandFields } from "../../bots/commands.js";
import { NotFoundError, ValidationError } from "../../errors.js";
import type { Platform } from "../../platform.js";
import { parseId } from "../ids.js";
import { answerPage } from "../listing.js";
import { pageQuery } from "../pagination.js";
import { requireBot } from "../policies/bot-access.js";
import { commandSchema, presentCommand } from "../presenters/command.js";
import { messageSchema } from "../presenters/message.js";

const tags = ["Commands"];
const params = z.object({ id: z.string() });
const commandParams = z.object({ id: z.string(), command_id: z.string() });

const text = z.string().nullable().optional();
/** Command body: the request names (`bjs_code`, `group`, aliases as a comma string). */
const commandBody = z.object({
  command: z.string(),
  // Also as the Command answer gives them ([{command}, ...]) or as a list: a command read can be sent back as it is.
  aliases: z
    .union([z.string(), z.array(z.union([z.string(), z.object({ command: z.string() })])), z.null()], { error: "Aliases must be a comma-separated string, or a list of aliases" })
    .optional()
    .transform((aliases) => (Array.isArray(aliases) ? aliases.map((alias) => (typeof alias === "string" ? alias : alias.command)).join(", ") : aliases))
    .describe("Comma-separated (or a list of aliases, or of {command}); stored trimmed and lower-cased."),
  answer: text,
  group: z.string().max(255).nullable().optional(),
  help: text,
  keyboard_body: text,
  commands_folder_id: z.union([z.number(), z.string()]).nullable().optional().describe("null = the root"),
  auto_retry_time: z.union([z.number(), z.string()]).nullable().optional().describe('Seconds; "" = none'),
  bjs_code: text.describe("The command's BJS. Left out (and `code` too), the code becomes empty."),
  code: text.describe("Another name for `bjs_code`, the name the Command answer uses, so a command sent back as it was read keeps its code. When both are sent they must be equal."),
  need_reply: z.union([z.boolean(), z.enum(["true", "false"])]).nullable().optional(),
});

/** `commands_folder_id` of a listing: absent = all, `0` or `null` = the root, else a folder id. */
function folderFilter(raw: string | undefined): number | null | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (raw === "0" || raw === "null") return null;
  if (/^[1-9]\d{0,14}$/.test(raw)) return Number(raw);
  throw new ValidationError(["Commands folder id must be a folder id, or 0 or null for the root"]);
}

/** A bot's commands. */
export const commandRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.addHook("preValidation", requireBot(platform));

  app.get(
    "/v2/bots/:id/commands",
    {
      schema: {
        tags,
        summary: "Get Commands",
        description: "In id order. `commands_folder_id` filters by folder (`0` or `null`: commands in no folder); `q` searches names and aliases, case-insensitively.",
        params,
        querystring: z.object({
          ...pageQuery,
          commands_folder_id: z.string().optional().describe("Only the commands of this folder; `0` or `null`: those in no folder."),
          q: z.string().max(255).optional().describe("Searches command names and aliases, case-insensitively."),
        }),
        response: { 200: z.array(commandSchema) },
      },
    },
    (request, reply) => {
      const filter = { folderId: folderFilter(request.query.commands_folder_id), q: request.query.q };
      return answerPage(request, reply, request.query, (window) => platform.commands.list(request.bot.id, filter, window), presentCommand);
    },
  );

  app.get(
    "/v2/bots/:id/commands/:command_id",
    { schema: { tags, summary: "Get Command Details", params: commandParams, response: { 200: commandSchema } } },
    async (request) => {
      const command = await platform.commands.byId(request.bot.id, parseId(request.params.command_id, "Command"));
      if (!command) throw new NotFoundError("Command");
      return presentCommand(command);
    },
  );

  app.post(
    "/v2/bots/:id/commands",
    { schema: { tags, summary: "Create Command", params, body: commandBody, response: { 200: commandSchema } } },
    async (request) => presentCommand(await platform.commands.create(request.bot.id, parseCommandFields(request.body))),
  );

  app.put(
    "/v2/bots/:id/commands/:command_id",
    {
      schema: {
        tags,
        summary: "Edit Command",
        description:
          "A full replace, as in the reference: every field left out becomes empty, including the BJS when neither `bjs_code` nor `code` is sent. To change one field, send every field you want to keep; the BJS may go back under `code`, the name this API answers with.",
        params: commandParams,
        body: commandBody,
        response: { 200: commandSchema },
      },
    },
    async (request) => {
      const id = parseId(request.params.command_id, "Command");
      return presentCommand(await platform.commands.replace(request.bot.id, id, parseCommandFields(request.body)));
    },
  );

  app.delete(
    "/v2/bots/:id/commands/:command_id",
    { schema: { tags, summary: "Delete Command", params: commandParams, response: { 200: messageSchema } } },
    async (request) => {
      await platform.commands.delete(request.bot.id, parseId(request.params.command_id, "Command"));
      return { message: "Command deleted" };
    },
  );
};
