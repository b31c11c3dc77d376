/**
 * The signed-in session, devise_token_auth style: the `access-token`, `client` and `uid`
 * headers, kept in localStorage. The server rotates the token; whichever answer brings a new
 * one replaces the stored one (a replaced token still works 5 s, so parallel requests pass).
 */

/** What a request sends back to prove who it is. */
export interface SessionHeaders {
  "access-token": string;
  client: string;
  uid: string;
}

const STORAGE_KEY = "botyard.session";
const listeners = new Set<() => void>();

function read(): SessionHeaders | null {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "null") as SessionHeaders | null;
  } catch {
    return null;
  }
}

let current = read();

/** The stored session, or null when signed out. */
export function session(): SessionHeaders | null {
  return current;
}

function store(next: SessionHeaders | null): void {
  const changed = (current === null) !== (next === null);
  current = next;
  if (next) localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  else localStorage.removeItem(STORAGE_KEY);
  if (changed) for (const listener of listeners) listener();
}

/** Keeps the session headers an answer carries (sign-in, sign-up, or a rotation). */
export function adoptSession(response: Response): void {
  const accessToken = response.headers.get("access-token");
  const client = response.headers.get("client");
  const uid = response.headers.get("uid");
  if (accessToken && client && uid) store({ "access-token": accessToken, client, uid });
}

/** Forgets the session (sign out, or the server no longer knows it). */
export function endSession(): void {
  store(null);
}

/** Calls `listener` when the user signs in or out; answers the unsubscribe function. */
export function onSessionChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
