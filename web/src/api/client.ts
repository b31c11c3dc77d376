import type { Operations } from "./operations.gen";
import { adoptSession, endSession, session } from "./session";

/** An operation of the public API, named as `"GET /v2/bots/{id}"`. */
export type Operation = keyof Operations;

/** What an operation answers. */
export type Answer<O extends Operation> = Operations[O]["answer"];

/** What an operation takes: path parameters, query and JSON body. */
export interface Args<O extends Operation> {
  path?: Operations[O]["path"];
  query?: Operations[O]["query"];
  body?: Operations[O]["body"];
  signal?: AbortSignal;
}

/** A refused call: its status and the contract's messages (`errors: [...]` or `error`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
  ) {
    super(messages.join(" "));
  }
}

function urlOf(path: string, args: Args<Operation>): string {
  const params = (args.path ?? {}) as Record<string, string | number>;
  const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(String(params[name])));
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries((args.query ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== null && value !== "") query.set(name, String(value));
  }
  const search = query.toString();
  return search ? `${filled}?${search}` : filled;
}

async function messagesOf(response: Response): Promise<string[]> {
  try {
    const body = (await response.json()) as { errors?: string[]; error?: string };
    if (Array.isArray(body.errors)) return body.errors.map(String);
    if (body.error) return [body.error];
  } catch {
    // not JSON: the status says it
  }
  return [`The server answered ${response.status} ${response.statusText}`.trim()];
}

/**
 * Calls the public API as the signed-in user and answers the parsed body; throws ApiError.
 * A 401 on an authenticated call means the session is gone: the app shows the sign-in page.
 */
export async function call<O extends Operation>(operation: O, args: Args<O> = {}): Promise<Answer<O>> {
  const [method, path] = (operation as string).split(" ") as [string, string];
  const headers: Record<string, string> = { accept: "application/json", ...session() };
  if (args.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(urlOf(path, args as Args<Operation>), {
    method,
    headers,
    body: args.body === undefined ? undefined : JSON.stringify(args.body),
    signal: args.signal,
  });
  adoptSession(response);
  if (!response.ok) {
    const error = new ApiError(response.status, await messagesOf(response));
    if (response.status === 401 && session() && !path.startsWith("/v2/auth")) endSession();
    throw error;
  }
  const type = response.headers.get("content-type") ?? "";
  return (type.includes("json") ? await response.json() : await response.text()) as Answer<O>;
}
