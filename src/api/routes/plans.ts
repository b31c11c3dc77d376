import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { allPlans } from "../../catalog/plans.js";
import type { Platform } from "../../platform.js";
import { pageOf, pageQuery } from "../pagination.js";
import { planSchema, presentPlan } from "../presenters/plan.js";

/** The public list of plans. */
export const planRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.get(
    "/v2/cloud_plans",
    { schema: { tags: ["Plans"], summary: "Get cloud plans", querystring: z.object(pageQuery), response: { 200: z.array(planSchema) } } },
    async (request, reply) => pageOf(request, reply, request.query, allPlans(platform.config.freePlan).map(presentPlan)),
  );
};
