import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { NotFoundError, ValidationError } from "../../errors.js";
import type { Platform } from "../../platform.js";
import { parseId } from "../ids.js";
import { textBody } from "../body-text.js";
import { requireBot } from "../policies/bot-access.js";
import { taskSchema, presentTask } from "../presenters/task.js";
import { MAX_URL_LENGTH } from "../../bots/bot-urls.js";

const tags = ["Bots"];

/** CSV import of commands, as a task (spec/api.md, spec/git-format.md §4). */
export const csvImportRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.addHook("preValidation", requireBot(platform));
  // The sheet itself may be the body.
  app.addContentTypeParser("text/csv", { parseAs: "buffer" }, textBody((_request, body, done) => done(null, body)));

  app.post(
    "/v2/bots/:id/csv_import",
    {
      schema: {
        tags,
        summary: "Start CSV import",
        description:
          "From csv_url, else a text/csv body, else the bot's csv_url. Row 1 names the columns (command, help, aliases, answer, keyboard, need_reply, scenarios, group, auto_retry, folder); " +
          "each row upserts a command by name, bad rows are reported and skipped, and commands an earlier import created that the sheet no longer names are removed.",
        params: z.object({ id: z.string() }),
        // Both media types the route reads: a JSON {csv_url}, or the sheet itself.
        consumes: ["application/json", "text/csv"],
        body: z.union([z.string().describe("The CSV itself (Content-Type: text/csv)"), z.object({ csv_url: z.string().max(MAX_URL_LENGTH).nullable().optional() })]).nullish(),
        response: { 202: z.object({ id: z.number(), status: z.string() }) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      // A JSON string is no sheet: only the text/csv parser gives one.
      if (typeof body === "string" && !/^text\/csv\b/i.test(request.headers["content-type"] ?? "")) {
        throw new ValidationError(["Body must be a JSON object {csv_url}, or the CSV itself sent as text/csv"]);
      }
      const source = typeof body === "string" ? { text: body } : body?.csv_url ? { url: body.csv_url } : undefined;
      const task = await platform.interop.importCSV(request.bot, source);
      return reply.code(202).send({ id: task.id, status: task.status });
    },
  );

  app.get(
    "/v2/bots/:id/csv_import/:task_id",
    { schema: { tags, summary: "CSV import task status", params: z.object({ id: z.string(), task_id: z.string() }), response: { 200: taskSchema } } },
    async (request) => {
      const task = await platform.interop.tasks.byId(request.bot.id, parseId(request.params.task_id, "Task"), "csv_import");
      if (!task) throw new NotFoundError("Task");
      return presentTask(task);
    },
  );
};
