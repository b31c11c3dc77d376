import type { FastifyReply } from "fastify";
import type { Rendered } from "../runtime/web-apps.js";

/** What a non-JSON page answers when the deployment serves JSON only. */
export const HTML_OFF = "HTML is disabled on this server (WEBAPP_HTML=false): web apps answer JSON only";

/** Whether a page is JSON (`mime_type` as BJS wrote it: `Application/JSON; charset=utf-8` is). */
export function isJson(rendered: Rendered): boolean {
  return rendered.mime.split(";")[0]!.trim().toLowerCase() === "application/json";
}

/**
 * Sends what `WebApp.render` left (a web app's page, a Webhooks link's answer): JSON as it is;
 * another type only with WEBAPP_HTML, and sandboxed, so a bot's page cannot act as the
 * dashboard, which shares this origin.
 */
export function sendRendered(reply: FastifyReply, rendered: Rendered, htmlAllowed: boolean): FastifyReply {
  const json = isJson(rendered);
  if (!json && !htmlAllowed) return reply.code(404).send({ error: HTML_OFF });
  if (!json) reply.header("content-security-policy", "sandbox allow-scripts allow-forms allow-popups").header("x-content-type-options", "nosniff");
  return reply.type(json ? "application/json; charset=utf-8" : rendered.mime).send(rendered.content);
}
