import { startEmulator } from "../telegram/emulator/index.js";
import type { CliCommand } from "./command.js";
import { explainListenError } from "./errors.js";
import { parseOptions, portOption } from "./options.js";

const usage = `Usage: botyard emulator [--port N] [--host H] [--no-limits]

Runs the Telegram Bot API emulator: Telegram's stand-in for tests, benchmarks and local play.

Options:
  --port N      port to listen on (default 8081; 0 picks a free one)
  --host H      address to bind (default 127.0.0.1)
  --no-limits   do not answer 429 when a bot exceeds Telegram's flood limits

Bots call   <url>/bot<token>/<method>   (set TELEGRAM_API_ROOT=<url> for Botyard);
tests drive users through   POST <url>/control/<method>   (GET <url>/control lists them;
docs/emulator.md explains them).
Stops on Ctrl-C (SIGINT) or SIGTERM.`;

/** `botyard emulator`: the Bot API emulator as a process. */
export const emulatorCommand: CliCommand = {
  name: "emulator",
  summary: "Run the Telegram Bot API emulator (for tests, benchmarks and local play)",
  usage,
  async run(args) {
    const values = parseOptions(args, {
      port: { type: "string", default: "8081" },
      host: { type: "string", default: "127.0.0.1" },
      "no-limits": { type: "boolean", default: false },
    });
    const port = portOption(values.port);
    // Update ids start from the clock, above any an earlier run (or a reset) gave: a platform keeps the ids it handled, and would drop repeats as duplicates.
    const running = await startEmulator({ port, host: values.host, limits: { enabled: !values["no-limits"] }, firstUpdateId: () => Date.now() * 1000 }).catch((error: unknown) => {
      throw explainListenError(error, { port, host: values.host, portFlag: "--port N" });
    });
    console.log(`Telegram Bot API emulator
  API root: ${running.apiRoot}   (bots call ${running.apiRoot}/bot<token>/<method>)
  control:  ${running.url}/control/<method>   (GET ${running.url}/control lists the methods)
  limits:   ${values["no-limits"] ? "off" : "on"}`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await running.close();
  },
};
