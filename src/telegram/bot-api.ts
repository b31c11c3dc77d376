import type { ApiMethods, ApiResponse, Opts } from "@grammyjs/types";
import { postJson } from "./post-json.js";

/** Files are not uploaded through this client; it sends JSON only. */
type Methods = ApiMethods<never>;

/** A Bot API method name. */
export type MethodName = keyof Methods;

/** What a method answers in `result`. */
export type MethodResult<M extends MethodName> = ReturnType<Methods[M]>;

/** Telegram answered `{ok: false}`: the call was refused (bad token, bad request, 429...). */
export class TelegramApiError extends Error {
  constructor(
    readonly method: string,
    readonly error_code: number,
    readonly description: string,
    /** Seconds to wait, when Telegram says "Too Many Requests". */
    readonly retry_after?: number,
  ) {
    super(`Telegram refused ${method}: ${description} (${error_code})`);
  }
}

/** Telegram could not be reached or answered something that is not the Bot API. */
export class TelegramNetworkError extends Error {
  constructor(readonly method: string, reason: string) {
    super(`Telegram could not be reached for ${method}: ${reason}`);
  }
}

/** Whether a failure is Telegram's answer (or its unreachability), not the platform's own. */
export function isTelegramError(error: unknown): error is TelegramApiError | TelegramNetworkError {
  return error instanceof TelegramApiError || error instanceof TelegramNetworkError;
}

/** Telegram's own words for a refusal, or the network failure. */
export function telegramReason(error: TelegramApiError | TelegramNetworkError): string {
  return error instanceof TelegramApiError ? error.description : error.message;
}

/**
 * Where a bot's Bot API calls go: one root for every token (`https://api.telegram.org`, an
 * emulator's), or a choice per token (the platform's: playground bots to its own emulator).
 */
export type ApiRoot = string | ((token: string) => string);

export interface BotApiOptions {
  apiRoot: ApiRoot;
  /** Cuts every call short once aborted (a stopping polling loop). */
  signal?: AbortSignal;
  /** Per-call timeout; default 10 s. */
  timeoutMs?: number;
  /** This client long-polls: its calls are held on purpose (see post-json.ts). */
  held?: boolean;
}

/**
 * A thin typed Bot API client for one bot: `await api.call("getMe")`. Errors never carry the
 * token, which lives in the URL.
 */
export class BotApi {
  private readonly timeoutMs: number;
  private readonly apiRoot: string;

  constructor(
    private readonly token: string,
    private readonly options: BotApiOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.apiRoot = typeof options.apiRoot === "string" ? options.apiRoot : options.apiRoot(token);
  }

  /** Calls a method and answers its `result`; throws TelegramApiError or TelegramNetworkError. */
  async call<M extends MethodName>(method: M, ...params: {} extends Opts<never>[M] ? [Opts<never>[M]?] : [Opts<never>[M]]): Promise<MethodResult<M>> {
    const url = new URL(`${this.apiRoot}/bot${this.token}/${method}`);
    let status: number;
    let body: ApiResponse<MethodResult<M>>;
    try {
      const answer = await postJson(url, JSON.stringify(params[0] ?? {}), { timeoutMs: this.timeoutMs, signal: this.options.signal, held: this.options.held });
      status = answer.status;
      body = JSON.parse(answer.body) as ApiResponse<MethodResult<M>>;
    } catch (error) {
      throw new TelegramNetworkError(method, reasonOf(error));
    }
    if (typeof body !== "object" || body === null || typeof body.ok !== "boolean") {
      throw new TelegramNetworkError(method, `unexpected answer (HTTP ${status})`);
    }
    if (!body.ok) throw new TelegramApiError(method, body.error_code, body.description, body.parameters?.retry_after);
    return body.result;
  }
}

/** A failure's reason without the URL (it holds the token). */
function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === "TimeoutError") return "timed out";
    if (error instanceof SyntaxError) return "the answer is not JSON";
    const code = (error as { code?: unknown }).code;
    return (typeof code === "string" ? code : error.message).replace(/bot\d+:[\w-]+/g, "bot[redacted]");
  }
  return String(error);
}
