import type { FastifyInstance, LightMyRequestResponse } from "fastify";

let counter = 0;

/** A fresh, unused email address. */
export function uniqueEmail(prefix = "user"): string {
  counter += 1;
  return `${prefix}${counter}-${Math.random().toString(36).slice(2, 8)}@example.com`;
}

export const PASSWORD = "correct horse battery";

/** The session headers a response handed out, ready to send back. */
export function sessionHeaders(response: LightMyRequestResponse): Record<string, string> {
  return {
    "access-token": String(response.headers["access-token"]),
    client: String(response.headers.client),
    uid: String(response.headers.uid),
  };
}

/** Signs up a new user; answers their api key, session headers and id. */
export async function signUp(app: FastifyInstance, email = uniqueEmail()) {
  const response = await app.inject({ method: "POST", url: "/v2/auth", payload: { email, password: PASSWORD } });
  if (response.statusCode !== 200) throw new Error(`sign up failed: ${response.statusCode} ${response.body}`);
  const data = response.json().data;
  return { email, id: data.id as number, apiKey: data.api_key as string, headers: sessionHeaders(response) };
}
