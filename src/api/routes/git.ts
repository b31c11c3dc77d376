import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Platform } from "../../platform.js";
import { requireBot } from "../policies/bot-access.js";
import { MAX_URL_LENGTH } from "../../bots/bot-urls.js";

const tags = ["Bots"];
const params = z.object({ id: z.string() });
const body = z
  .object({
    repo_url: z.string().max(MAX_URL_LENGTH).nullable().optional().describe("An http(s) repository URL; the bot's git_remote when left out"),
    branch: z.string().max(200).nullable().optional(),
    token: z.string().max(1024).nullable().optional().describe("Sent as the HTTP basic-auth password (user:password sets both); never stored"),
  })
  .nullish();
const ok = { 200: z.literal("ok").describe("Plain text ok; X-Task-Id names the task (GET /v2/bots/{id}/tasks/{task_id})") };
const TASK_HEADERS = ["X-Task-Id"];

/** Git export and import of a bot (spec/git-format.md). */
export const gitRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.addHook("preValidation", requireBot(platform));

  app.post(
    "/v2/bots/:id/git/export",
    {
      config: { answerHeaders: [...TASK_HEADERS, "X-Git-Branch"] },
      schema: {
        tags,
        summary: "Git export",
        description: "Pushes the bot as a full snapshot to the branch given, or to a new BB_Export_<unix time> branch (X-Git-Branch names it, percent-encoded past ASCII).",
        params,
        body,
        response: ok,
        produces: ["text/plain"],
      },
    },
    async (request, reply) => {
      const { task, branch } = await platform.interop.exportGit(request.bot, request.body ?? {});
      // A header carries ASCII: the rest of a branch's name (and %) goes percent-encoded.
      const header = branch.replace(/[^\x20-\x7e]|%/gu, (c) => encodeURIComponent(c));
      return reply.type("text/plain; charset=utf-8").header("x-task-id", String(task.id)).header("x-git-branch", header).send("ok");
    },
  );

  app.post(
    "/v2/bots/:id/git/import",
    {
      config: { answerHeaders: TASK_HEADERS },
      schema: {
        tags,
        summary: "Git import",
        description:
          "Reads and checks the whole repository, then replaces the bot's commands, folders and libraries in one transaction. " +
          'A broken repository changes nothing and answers 422 {"errors": ["<file> line <n>: ..."]}. Of two files with one command name the first in path order is kept; the others are listed in the task and the error log.',
        params,
        body,
        response: ok,
        produces: ["text/plain"],
      },
    },
    async (request, reply) => {
      const task = await platform.interop.importGit(request.bot, request.body ?? {});
      return reply.type("text/plain; charset=utf-8").header("x-task-id", String(task.id)).send("ok");
    },
  );
};
