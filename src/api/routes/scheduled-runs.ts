import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Platform } from "../../platform.js";
import { RUN_REQUEST_KINDS, type RunRequest } from "../../runtime/run-request.js";
import { answerPage } from "../listing.js";
import { pageQuery } from "../pagination.js";
import { requireBot } from "../policies/bot-access.js";
import { presentScheduledRun, scheduledRunSchema } from "../presenters/scheduled-run.js";

/** A bot's pending runs in the job layer (ours). */
export const scheduledRunRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.addHook("preValidation", requireBot(platform));

  app.get(
    "/v2/bots/:id/scheduled_runs",
    {
      schema: {
        tags: ["Bots"],
        summary: "List scheduled runs (ours)",
        description: "The bot's runs waiting to happen (`Bot.run` with `run_after`, auto retry, HTTP callbacks), soonest first. `label` keeps those with that label. Stopping or deleting the bot cancels them.",
        params: z.object({ id: z.string() }),
        querystring: z.object({ ...pageQuery, label: z.string().min(1).max(255).optional().describe("Only the runs with this label (BJS `Bot.run({label})`).") }),
        response: { 200: z.array(scheduledRunSchema) },
      },
    },
    (request, reply) =>
      answerPage(
        request,
        reply,
        request.query,
        (window) => platform.jobs.pending<RunRequest>(request.bot.id, window, { kind: RUN_REQUEST_KINDS, label: request.query.label }),
        presentScheduledRun,
      ),
  );
};
