import { CliError } from "../errors.js";

type Method = "GET" | "POST" | "PUT" | "DELETE";

/** Items per page when listing everything. */
const PAGE = 200;

/** A client of a Botyard (or Bots.Business API v2) server, by api key. */
export class RemoteApi {
  constructor(
    readonly server: string,
    private readonly apiKey: string,
  ) {}

  /** Calls the API; a 4xx/5xx or an unreachable server is a CliError with the server's own message. */
  async request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.server.endsWith("/") ? this.server : `${this.server}/`);
    url.searchParams.set("api_key", this.apiKey);
    let response: Response;
    try {
      response = await fetch(url, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (error) {
      throw new CliError(`cannot reach ${this.server}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`);
    }
    const text = await response.text();
    // The server's 401 speaks to a browser ("sign in or sign up"); from here it means the key.
    const hint = response.status === 401 ? " The api key was refused: copy the current one from the dashboard's account page and run 'botyard login' again." : "";
    if (!response.ok) throw new CliError(`${method} ${path}: ${response.status} ${explain(text)}${hint}`);
    try {
      return JSON.parse(text) as T;
    } catch {
      return text as T;
    }
  }

  /** Every item of a paged list, reporting how many came so far. */
  async all<T>(path: string, progress?: (count: number) => void): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; ; page++) {
      const batch = await this.request<T[]>("GET", `${path}${path.includes("?") ? "&" : "?"}page=${page}&per_page=${PAGE}`);
      items.push(...batch);
      progress?.(items.length);
      if (batch.length < PAGE) return items;
    }
  }
}

/** The contract's error shapes as one line. */
function explain(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: string; errors?: string[] };
    return body.errors?.join("; ") ?? body.error ?? text;
  } catch {
    return text.slice(0, 200);
  }
}
