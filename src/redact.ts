// The public links' credentials too: a web app page's `secret`, a Webhooks link's `public_user_token`.
// A password too: the API takes it in bodies only, but a client may put it in a URL all the same.
const SECRET_NAMES = new Set(["api_key", "token", "access_token", "reset_password_token", "hash", "secret", "public_user_token", "password", "password_confirmation"]);
// Where a parameter's name may be: any run of characters a name holds, followed by `=`. Every
// such run is looked at, in values too: `?x=1?api_key=KEY` authenticates nothing, yet the key
// in it is real. A name holds no `?`, `/` or `;`: in `/v2/user;?api_key=`, the parameter is `api_key`.
// It starts where a run of such characters starts (the lookbehind), so each run is read once:
// tried at every character, a 16 KB URL without `=` took 200 ms.
const PARAMETER_NAME = /(?<![^=&;#?/\s])[^=&;#?/\s]+=/g;
// Where a secret's value ends.
const VALUE_END = /[&;#\s]|$/g;
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
  return redactParameters(text).replace(BOT_TOKEN_PATH, "/bot[redacted]");
}

/** Each value of a parameter with a secret's name, to its end (a `?` or `=` in it included): `[redacted]`. */
function redactParameters(text: string): string {
  let redacted = "";
  let kept = 0;
  PARAMETER_NAME.lastIndex = 0;
  for (let found = PARAMETER_NAME.exec(text); found; found = PARAMETER_NAME.exec(text)) {
    if (!SECRET_NAMES.has(parameterName(found[0].slice(0, -1)))) continue; // looked at again from its value on
    VALUE_END.lastIndex = PARAMETER_NAME.lastIndex;
    const end = VALUE_END.exec(text)!.index;
    redacted += `${text.slice(kept, PARAMETER_NAME.lastIndex)}[redacted]`;
    kept = PARAMETER_NAME.lastIndex = end;
  }
  return redacted + text.slice(kept);
}
