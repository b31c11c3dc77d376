/**
 * Addresses under these prefixes belong to the API (and the Telegram-facing intakes); every
 * other address on the platform's origin is a dashboard page.
 */
const API_PATH = /^\/(v\d+|telegram|docs)([/?#]|$)/;

/** Whether `path` (a URL's path, with or without its query) is the API's rather than a dashboard page. */
export function isApiPath(path: string): boolean {
  return API_PATH.test(path);
}
