import { loadConfig, type Config } from "../config.js";
import { buildApp } from "../api/app.js";
import { createPlatform, type Platform, type PlatformOptions } from "../platform.js";
import { createProcessing } from "../runtime/processing.js";
import { runLoginBot } from "../runtime/login-bot.js";
import type { CliCommand } from "./command.js";
import { explainListenError } from "./errors.js";
import { parseOptions, portOption } from "./options.js";

/** A platform serving in this process, and how to shut it down. */
export interface Serving {
  platform: Platform;
  /** Stops taking requests, lets the work under way finish, and closes everything. */
  stop(): Promise<void>;
}

/**
 * Builds the platform, listens, resumes the bots and starts the jobs: everything `botyard
 * serve` runs. The process-level tests start it with a clock they move (options.clock).
 */
export async function startServing(config: Config, options: PlatformOptions = {}): Promise<Serving> {
  const platform = await createPlatform(config, options);
  const processing = createProcessing(platform);
  const app = await buildApp(platform);
  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await processing.close();
    await platform.close();
    throw explainListenError(error, { port: config.port, host: config.host, portFlag: "PORT=N npm start, or botyard serve --port N" });
  }
  // After listen, so webhook updates of resumed bots find the route.
  await platform.runtime.start(processing.processor);
  await platform.jobs.start();
  const loginBot = await runLoginBot(platform);
  return {
    platform,
    async stop() {
      await app.close();
      // Polling ends and handling drains; bot statuses stay, so the next start resumes them.
      await loginBot?.stop();
      await platform.runtime.close();
      await processing.close();
      await platform.close();
    },
  };
}

/** Runs the whole platform in one process: API, webhook intake and the bot runtime. */
export const serveCommand: CliCommand = {
  name: "serve",
  summary: "Run the platform (API, bots, jobs) in one process; what `npm start` runs",
  usage: [
    "Usage: botyard serve [--port N] [--host H]",
    "",
    "Starts the REST API (/v2, docs at /docs) and everything else in one process.",
    "Migrates the database first. Settings come from environment variables (see the README);",
    "with none at all, data goes to ./data (SQLite) and the API listens on port 3000.",
    "",
    "Options:",
    "  --port N   listen on port N (overrides PORT)",
    "  --host H   listen on address H (overrides HOST)",
  ].join("\n"),
  async run(args) {
    const values = parseOptions(args, { port: { type: "string" }, host: { type: "string" } });
    const port = values.port === undefined ? undefined : String(portOption(values.port));
    const config = loadConfig({ ...process.env, ...(port && { PORT: port }), ...(values.host && { HOST: values.host }) });
    const started = performance.now();
    const { platform, stop } = await startServing(config);
    const engine = platform.database.engine === "sqlite" ? `SQLite in ${config.dataDir}` : "PostgreSQL";
    platform.log.info({ engine, startupMs: Math.round(performance.now() - started) }, `Botyard is up: API docs at http://localhost:${config.port}/docs`);

    const shutDown = async (signal: string) => {
      platform.log.info(`${signal} received: shutting down`);
      await stop();
      process.exit(0);
    };
    process.once("SIGINT", () => void shutDown("SIGINT"));
    process.once("SIGTERM", () => void shutDown("SIGTERM"));
  },
};
