// The public links' credentials too: a web app page's `secret`, a Webhooks link's `public_user_token`.
const SECRET_QUERY = /([?&](?:api_key|token|access_token|reset_password_token|hash|secret|public_user_token)=)[^&#\s]*/gi;
const BOT_TOKEN_PATH = /\/bot\d+:[A-Za-z0-9_-]+/g;

/** A URL (or any text) with api keys, tokens and Telegram bot tokens replaced, fit for logs. */
export function redactUrl(text: string): string {
  return text.replace(SECRET_QUERY, "$1[redacted]").replace(BOT_TOKEN_PATH, "/bot[redacted]");
}
