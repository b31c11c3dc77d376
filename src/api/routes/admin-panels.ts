import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Platform } from "../../platform.js";
import { parseId } from "../ids.js";
import { answerPage } from "../listing.js";
import { pageQuery } from "../pagination.js";
import { requireBot } from "../policies/bot-access.js";
import { adminPanelSchema, presentAdminPanel } from "../presenters/admin-panel.js";

const tags = ["Admin Panel"];

/** A bot's admin panels ("active options" in the reference's paths). */
export const adminPanelRoutes: FastifyPluginAsyncZod<{ platform: Platform }> = async (app, { platform }) => {
  app.addHook("preValidation", requireBot(platform));

  app.get(
    "/v2/bots/:id/active_options",
    {
      schema: { tags, summary: "Get admin panels", description: "Ordered by index.", params: z.object({ id: z.string() }), querystring: z.object(pageQuery), response: { 200: z.array(adminPanelSchema) } },
    },
    (request, reply) => answerPage(request, reply, request.query, (window) => platform.adminPanels.store.list(request.bot.id, window), presentAdminPanel),
  );

  app.put(
    "/v2/bots/:id/active_options/:panel_id",
    {
      schema: {
        tags,
        summary: "Update admin panel values",
        description: 'Values are checked against the field types; then the panel\'s on_saving command runs. A password sent back as "********" keeps its value.',
        params: z.object({ id: z.string(), panel_id: z.string() }),
        body: z.object({ values: z.record(z.string(), z.unknown()) }),
        response: { 200: adminPanelSchema },
      },
    },
    async (request) => {
      const panelId = parseId(request.params.panel_id, "Admin panel");
      return presentAdminPanel(await platform.adminPanels.saveValues(request.bot, panelId, request.body.values));
    },
  );
};
