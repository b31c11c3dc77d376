// The public links' credentials too: a web app page's `secret`, a Webhooks link's `public_user_token`.
// A password too: the API takes it in bodies only, but a client may put it in a URL all the same.
const SECRET_NAMES = new Set(["api_key", "token", "access_token", "reset_password_token", "hash", "secret", "public_user_token", "password", "password_confirmation"]);
// Where a parameter's name may be: any run of characters a name holds, followed by `=`. Every
// such run is looked at, in values too: `?x=1?api_key=KEY` authenticates nothing, yet the key
// in it is real. A name holds no `?`, `/` or `;`: in `/v2/user;?api_key=`, the parameter is `api_key`.
// It starts where a run of such characters starts (the lookbehind), so each run is read once:
// tried at every character, a 16 KB URL without `=` took 200 ms.
const PARAMETER_NAME = /(?<![^=&;#?/\s])[^=&;#?/\s]+=/g;
// Where a secret's value ends: where the query parser ends it (not at `;`, which it keeps).
const VALUE_END = /[&#\s]|$/g;
const BOT_TOKEN_PATH = /\/bot\d+:[A-Za-z0-9_-]+/g;

/**
 * A parameter name as the query parser reads it: percent-decoded (`api%5Fkey` is `api_key`),
 * in lower case, without a bracket suffix (`api_key[]`); and without any character a secret's
 * name lacks, so a key under a mangled name (`api_key%00`, which authenticates nothing) is
 * kept out of logs all the same.
 */
function parameterName(raw: string): string {
  return decodedOrAsIs(raw)
    .toLowerCase()
    .replace(/\[.*$/, "")
    .replace(/[^a-z_]/g, "");
}

/** A URL (or any text) with api keys, tokens and Telegram bot tokens replaced, fit for logs. */
export function redactUrl(text: string): string {
  let shown = redactParameters(text);
  // A URL inside a parameter comes percent-encoded (`next=https%3A%2F%2Fx%3Fapi_key%3DKEY`):
  // its secrets are looked for decoded, up to three layers deep, and where one is found the
  // line shows that layer, decoded.
  let layer = shown;
  for (let depth = 0; depth < 3 && /%[0-9a-f]{2}|\+/i.test(layer); depth++) {
    const decoded = decodedOrAsIs(layer.replace(/\+/g, " "));
    if (decoded === layer) break;
    layer = redactParameters(decoded);
    if (layer !== decoded) shown = layer;
  }
  return shown.replace(BOT_TOKEN_PATH, "/bot[redacted]");
}

/** Percent-decoded, or as written where an escape is broken. */
function decodedOrAsIs(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
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
