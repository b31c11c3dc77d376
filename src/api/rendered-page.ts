import type { FastifyReply } from "fastify";
import type { Rendered } from "../runtime/web-apps.js";

/** What a non-JSON page answers when the deployment serves JSON only. */
export const HTML_OFF = "HTML is disabled on this server (WEBAPP_HTML=false): web apps answer JSON only";

/**
 * Sends what `WebApp.render` left (a web app's page, a Webhooks link's answer): JSON as it is;
 * another type only with WEBAPP_HTML, and sandboxed, so a bot's page cannot act as the
 * dashboard, which shares this origin.
 */
export function sendRendered(reply: FastifyReply, rendered: Rendered, htmlAllowed: boolean): FastifyReply {
  const json = rendered.mime.split(";")[0]!.trim() === "application/json";
  if (!json && !htmlAllowed) return reply.code(404).send({ error: HTML_OFF });
  if (!json) reply.header("content-security-policy", "sandbox allow-scripts allow-forms allow-popups").header("x-content-type-options", "nosniff");
  return reply.type(json ? "application/json; charset=utf-8" : rendered.mime).send(rendered.content);
}
