import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { NotFoundError } from "../../errors.js";
import type { Platform } from "../../platform.js";
import { parseId } from "../ids.js";
import { requireBot } from "../policies/bot-access.js";
import { taskSchema, presentTask } from "../presenters/task.js";

const tags = ["Bots"];

/** Any import or export task of a bot, by id. */
export const taskRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.addHook("preValidation", requireBot(platform));

  app.get(
    "/v2/bots/:id/tasks/:task_id",
    { schema: { tags, summary: "Get import or export task", params: z.object({ id: z.string(), task_id: z.string() }), response: { 200: taskSchema } } },
    async (request) => {
      const task = await platform.interop.tasks.byId(request.bot.id, parseId(request.params.task_id, "Task"));
      if (!task) throw new NotFoundError("Task");
      return presentTask(task);
    },
  );
};
