import type { ResponseParameters } from "@grammyjs/types";

/**
 * A failed Bot API call, answered as Telegram does:
 * `{ok:false, error_code, description[, parameters]}` with the same HTTP status.
 */
export class TelegramError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
  }

  /** The JSON body Telegram sends for this error. */
  toJSON(): object {
    const body = { ok: false, error_code: this.code, description: this.description };
    return this.parameters ? { ...body, parameters: this.parameters } : body;
  }
}

/** 400 "Bad Request: <detail>", Telegram's answer to most invalid calls. */
export function badRequest(detail: string): TelegramError {
  return new TelegramError(400, `Bad Request: ${detail}`);
}

/** 403 "Forbidden: <detail>": the bot may not act in that chat. */
export function forbidden(detail: string): TelegramError {
  return new TelegramError(403, `Forbidden: ${detail}`);
}

/** 409 "Conflict: <detail>": getUpdates racing another poller or a webhook. */
export function conflict(detail: string): TelegramError {
  return new TelegramError(409, `Conflict: ${detail}`);
}

/** 429 with an honest `retry_after` in whole seconds. */
export function tooManyRequests(retryAfter: number): TelegramError {
  return new TelegramError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
}

/** 401 for a token no bot has. */
export const unauthorized = (): TelegramError => new TelegramError(401, "Unauthorized");

/** 404 for a path or method the Bot API does not have. */
export const notFound = (): TelegramError => new TelegramError(404, "Not Found");

/** 500, only ever injected by a test fault. */
export const internalError = (): TelegramError => new TelegramError(500, "Internal Server Error");

// Descriptions several methods share, spelt once.
export const chatNotFound = (): TelegramError => badRequest("chat not found");
export const messageTextEmpty = (): TelegramError => badRequest("message text is empty");
export const botBlocked = (): TelegramError => forbidden("bot was blocked by the user");

/** A control API call that cannot be done (unknown user, no such button...): a 400 for the test. */
export class ControlError extends Error {}
