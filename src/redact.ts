// The public links' credentials too: a web app page's `secret`, a Webhooks link's `public_user_token`.
// A password too: the API takes it in bodies only, but a client may put it in a URL all the same.
const SECRET_NAMES = new Set(["api_key", "token", "access_token", "reset_password_token", "hash", "secret", "public_user_token", "password", "password_confirmation"]);
// A query parameter, `name=value`, after `?`, `&` or `;` (no server parser splits on `;`, but a
// key sent that way is still a key). A name holds no `?`: in `/v2/user;?api_key=`, the `;` ends
// the path and the parameter is `api_key`.
const QUERY_PARAM = /([?&;])([^=&;#?\s]*)=([^&;#\s]*)/g;
const BOT_TOKEN_PATH = /\/bot\d+:[A-Za-z0-9_-]+/g;

/**
 * A parameter name as the query parser reads it: percent-decoded (`api%5Fkey` is `api_key`),
 * in lower case, without a bracket suffix (`api_key[]`); and without any character a secret's
 * name lacks, so a key under a mangled name (`api_key%00`, which authenticates nothing) is
 * kept out of logs all the same.
 */
function parameterName(raw: string): string {
  let name = raw;
  try {
    name = decodeURIComponent(raw);
  } catch {
    // A broken escape: judge the name as written.
  }
  return name
    .toLowerCase()
    .replace(/\[.*$/, "")
    .replace(/[^a-z_]/g, "");
}

/** A URL (or any text) with api keys, tokens and Telegram bot tokens replaced, fit for logs. */
export function redactUrl(text: string): string {
  return text
    .replace(QUERY_PARAM, (param, separator: string, name: string) => (SECRET_NAMES.has(parameterName(name)) ? `${separator}${name}=[redacted]` : param))
    .replace(BOT_TOKEN_PATH, "/bot[redacted]");
}
