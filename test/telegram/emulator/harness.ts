import { afterEach } from "vitest";
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../../src/telegram/emulator/index.js";
import type { BotHandle, ChatHandle, UserHandle } from "../../../src/telegram/emulator/index.js";

/** A Bot API answer as a test reads it. */
export interface Answer {
  status: number;
  body: { ok: boolean; result?: any; error_code?: number; description?: string; parameters?: { retry_after: number } };
}

/** Calls the Bot API as a bot with a JSON body. */
export type BotApi = (method: string, params?: Record<string, unknown>) => Promise<Answer>;

export function botApi(apiRoot: string, token: string): BotApi {
  return async (method, params = {}) => {
    const response = await fetch(`${apiRoot}/bot${token}/${method}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(params),
    });
    return { status: response.status, body: (await response.json()) as Answer["body"] };
  };
}

/** The error body Telegram sends. */
export function telegramError(code: number, description: string): Answer {
  return { status: code, body: { ok: false, error_code: code, description } };
}

const running: RunningEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

/** A fresh emulator (closed after the test) with a bot and Alice in a private chat with it. */
export async function scene(options: EmulatorOptions = {}): Promise<{
  emulator: RunningEmulator;
  bot: BotHandle;
  alice: UserHandle;
  chat: ChatHandle;
  api: BotApi;
}> {
  const emulator = await startEmulator({ limits: { enabled: false }, ...options });
  running.push(emulator);
  const bot = await emulator.client.registerBot({ username: "test_bot", first_name: "Test Bot" });
  const alice = await emulator.client.createUser({ first_name: "Alice", username: "alice", language_code: "en" });
  const chat = await alice.privateChat(bot);
  return { emulator, bot, alice, chat, api: botApi(emulator.apiRoot, bot.token) };
}
