/**
 * The Telegram Bot API emulator: Telegram's stand-in for tests, benchmarks and local play.
 *
 * ```ts
 * const emulator = await startEmulator({ port: 0, clock, limits: { enabled: true } });
 * const bot = await emulator.client.registerBot({ username: "shop_bot" });
 * // The bot under test calls `${emulator.apiRoot}/bot${bot.token}/<method>`.
 * const alice = await emulator.client.createUser({ first_name: "Alice" });
 * const chat = await alice.privateChat(bot);
 * await alice.start(chat, "ref42");
 * const reply = await chat.waitForReply({ timeoutMs: 2000 });
 * await emulator.close();
 * ```
 */
import type { AddressInfo } from "node:net";
import { ControlApi } from "./control.js";
import { EmulatorClient } from "./control-client.js";
import { TelegramEmulator, type EmulatorOptions } from "./emulator.js";
import { createEmulatorServer } from "./server.js";

export { TelegramEmulator, type EmulatorOptions } from "./emulator.js";
export { ControlApi } from "./control.js";
export { EmulatorClient, EmulatorControlError, BotHandle, ChatHandle, UserHandle, directTransport } from "./control-client.js";
export { telegramLimits, type RateLimits } from "./limits.js";

/** A running emulator. */
export interface RunningEmulator {
  /** Base URL, e.g. http://127.0.0.1:43210. */
  url: string;
  /** What a Bot API client takes as its API root (grammY's `client.apiRoot`, TELEGRAM_API_ROOT). */
  apiRoot: string;
  /** The in-process emulator, for tests that look inside. */
  emulator: TelegramEmulator;
  /** The control API, called directly. */
  control: ControlApi;
  /** The typed control client, over HTTP. */
  client: EmulatorClient;
  close(): Promise<void>;
}

/** Connections waiting to be accepted; the kernel caps it at net.core.somaxconn (4096 on current Linux). */
const LISTEN_BACKLOG = 4096;

/**
 * Starts the emulator on `port` (0 = any free port) and `host` (default loopback). With
 * `httpControl: false` the control API is in-process only (`control`), not served over HTTP.
 */
export async function startEmulator(options: EmulatorOptions & { port?: number; host?: string; httpControl?: boolean } = {}): Promise<RunningEmulator> {
  const { port = 0, host = "127.0.0.1", httpControl = true, ...emulatorOptions } = options;
  const emulator = new TelegramEmulator(emulatorOptions);
  const control = new ControlApi(emulator);
  const server = createEmulatorServer(emulator, httpControl ? control : undefined);
  server.keepAliveTimeout = 65_000; // longer than clients' idle sockets, so keep-alive never races a close
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // A thousand bots connect at once (a benchmark's setWebhook burst): past Node's default backlog of 511, the kernel dropped connects (TcpExtListenOverflows) and callers saw "socket hang up".
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  return {
    url,
    apiRoot: url,
    emulator,
    control,
    client: new EmulatorClient(url),
    close: async () => {
      emulator.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
