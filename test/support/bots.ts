import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll } from "vitest";
import { startEmulator, type RunningEmulator } from "../../src/telegram/emulator/index.js";
import { signUp } from "./accounts.js";

type Method = "GET" | "POST" | "PUT" | "DELETE";

/** Calls the API as one user (by api key): `api.get("/v2/bots")`. */
export interface ApiClient {
  call(method: Method, url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  get(url: string): Promise<LightMyRequestResponse>;
  post(url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  put(url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  delete(url: string): Promise<LightMyRequestResponse>;
}

export function apiClient(app: FastifyInstance, apiKey: string): ApiClient {
  const call = (method: Method, url: string, payload?: unknown) =>
    app.inject({ method, url: `${url}${url.includes("?") ? "&" : "?"}api_key=${apiKey}`, ...(payload !== undefined && { payload: payload as object }) });
  return {
    call,
    get: (url) => call("GET", url),
    post: (url, payload) => call("POST", url, payload),
    put: (url, payload) => call("PUT", url, payload),
    delete: (url) => call("DELETE", url),
  };
}

/** A new user and their API client. */
export async function signUpClient(app: FastifyInstance) {
  const user = await signUp(app);
  return { user, api: apiClient(app, user.apiKey) };
}

/** Creates a bot (no token unless given) and answers the API's Bot. */
export async function createBot(api: ApiClient, body: Record<string, unknown> = {}) {
  const response = await api.post("/v2/bots", { name: "Test bot", ...body });
  if (response.statusCode !== 200) throw new Error(`create bot failed: ${response.statusCode} ${response.body}`);
  return response.json() as { id: number; name: string; token: string | null; username: string | null } & Record<string, unknown>;
}

/**
 * The Telegram emulator for a describe block. Call before `usePlatform(engine, emulator.env)`,
 * so it listens before the platform reads TELEGRAM_API_ROOT.
 */
export function useEmulator(): { env: () => Record<string, string>; readonly running: RunningEmulator } {
  let running: RunningEmulator | undefined;
  beforeAll(async () => {
    running = await startEmulator();
  });
  afterAll(async () => {
    await running?.close();
  });
  return {
    env: () => ({ TELEGRAM_API_ROOT: running!.apiRoot }),
    get running() {
      return running!;
    },
  };
}
