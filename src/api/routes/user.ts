import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { planNamed } from "../../catalog/plans.js";
import type { Platform } from "../../platform.js";
import { pageOf, pageQuery } from "../pagination.js";
import { linkedAccountSchema, presentLinkedAccount } from "../presenters/linked-account.js";
import { mayAnswer } from "../presenters/error.js";
import { messageSchema, urlSchema } from "../presenters/message.js";
import { planSchema, presentPlan } from "../presenters/plan.js";
import { presentUser, userPublicSchema } from "../presenters/user.js";

const tags = ["User account"];

/** The signed-in user's own account. Registered behind authentication. */
export const userRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.get("/v2/user", { schema: { tags, summary: "Get user details", response: { 200: userPublicSchema } } }, (request) =>
    presentUser(platform, request.user),
  );

  app.post(
    "/v2/user/email",
    {
      schema: {
        tags,
        summary: "Update email",
        body: z.object({ email: z.string().max(254), current_password: z.string().max(1024).optional() }),
        response: { 200: userPublicSchema },
      },
    },
    async (request) => {
      const user = await platform.accounts.changeEmail(request.user, request.body.email, request.body.current_password);
      return presentUser(platform, user);
    },
  );

  app.get(
    "/v2/user/linked_accounts",
    { schema: { tags, summary: "Get linked telegram accounts", querystring: z.object(pageQuery), response: { 200: z.array(linkedAccountSchema) } } },
    async (request, reply) => {
      const accounts = await platform.telegramLogin.linkedAccounts(request.user.id);
      return pageOf(request, reply, request.query, accounts.map(presentLinkedAccount));
    },
  );

  app.get("/v2/user/telegram_link_url", { schema: { tags, summary: "Get telegram link url", response: { 200: urlSchema, ...mayAnswer(422) } } }, async (request) => ({
    url: await platform.telegramLogin.linkUrl(request.user.id),
  }));

  app.get(
    "/v2/user/tokens",
    { schema: { tags, summary: "Get users session token", description: "The active session clients.", querystring: z.object(pageQuery), response: { 200: z.array(z.string()) } } },
    async (request, reply) => pageOf(request, reply, request.query, await platform.sessions.clients(request.user.id)),
  );

  app.delete(
    "/v2/user/tokens",
    { schema: { tags, summary: "Log out all device", description: "Revokes every session; the api key keeps working.", response: { 200: messageSchema } } },
    async (request) => {
      await platform.sessions.revokeAll(request.user.id);
      return { message: "All devices have been logged out." };
    },
  );

  app.post("/v2/user/api_key", { schema: { tags, summary: "Reset api key", response: { 200: userPublicSchema } } }, async (request) =>
    presentUser(platform, await platform.users.rotateApiKey(request.user)),
  );

  app.get(
    "/v2/user/iterations",
    {
      schema: {
        tags,
        summary: "Get iteration usage",
        response: {
          200: z.object({
            limit: z.number(),
            used: z.number(),
            extra_points: z.number(),
            period_started_at: z.string(),
            renews_at: z.string(),
            bots: z.array(z.object({ bot_id: z.number(), name: z.string().nullable(), used: z.number() })),
          }),
        },
      },
    },
    async (request) => {
      const usage = await platform.iterations.usage(request.user.id);
      return {
        limit: planNamed(platform.config.freePlan, request.user.payment_plan).iterations_per_month,
        extra_points: request.user.extra_points,
        ...usage,
      };
    },
  );

  app.post(
    "/v2/user/ads",
    { schema: { tags, summary: "Turn ON or OFF ads", body: z.object({ enabled: z.boolean() }), response: { 200: userPublicSchema } } },
    async (request) => presentUser(platform, await platform.users.update(request.user.id, { ads_enabled: request.body.enabled ? 1 : 0 })),
  );

  app.get("/v2/user/payment_plan", { schema: { tags, summary: "Get payment plan", response: { 200: planSchema } } }, (request) =>
    presentPlan(planNamed(platform.config.freePlan, request.user.payment_plan)),
  );
};
