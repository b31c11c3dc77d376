import type { Secrets } from "../accounts/secrets.js";
import { safeEqual } from "../accounts/secrets.js";

/** What a web app command answered with `WebApp.render`. */
export interface Rendered {
  content: string;
  mime: string;
}

/** Runs a bot's command for a web request; answers what it rendered, or why it could not run. */
export type WebAppServe = (botId: number, command: string, options: Record<string, unknown>) => Promise<Rendered | "not running" | "no command" | "no render">;

/**
 * Web apps (spec/bjs.md §2.7): `WebApp.getUrl` links to `/v2/bots/<id>/web-app/<command>`
 * with a `secret` derived from the platform's key, the bot and the command (Bots.Business does
 * not check it; we do, so a link cannot be made up for a command the bot never published).
 * The runtime sets `serve`; the API route calls it.
 */
export class WebApps {
  serve: WebAppServe = async () => "not running";

  constructor(
    private readonly secrets: Secrets,
    private readonly origin: string,
  ) {}

  secretFor(botId: number, command: string): string {
    return this.secrets.hash(`web-app:${botId}:${command}`).slice(0, 32);
  }

  /** The public link of a bot's command, with `options` as query parameters. */
  url(botId: number, command: string, options: Record<string, string>): string {
    const url = new URL(`${this.origin}/v2/bots/${botId}/web-app/${encodeURIComponent(command)}`);
    url.searchParams.set("secret", this.secretFor(botId, command));
    for (const [key, value] of Object.entries(options)) if (key !== "secret") url.searchParams.set(key, value);
    return url.toString();
  }

  check(botId: number, command: string, secret: string): boolean {
    return safeEqual(secret, this.secretFor(botId, command));
  }
}
