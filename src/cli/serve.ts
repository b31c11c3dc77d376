import { loadConfig } from "../config.js";
import { buildApp } from "../api/app.js";
import { createPlatform } from "../platform.js";
import { createProcessing } from "../runtime/processing.js";
import { runLoginBot } from "../runtime/login-bot.js";
import type { CliCommand } from "./command.js";
import { explainListenError } from "./errors.js";
import { parseOptions, portOption } from "./options.js";

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
    const platform = await createPlatform(config);
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
    const engine = platform.database.engine === "sqlite" ? `SQLite in ${config.dataDir}` : "PostgreSQL";
    platform.log.info({ engine, startupMs: Math.round(performance.now() - started) }, `Botyard is up: API docs at http://localhost:${config.port}/docs`);

    const stop = async (signal: string) => {
      platform.log.info(`${signal} received: shutting down`);
      await app.close();
      // Polling ends and handling drains; bot statuses stay, so the next start resumes them.
      await loginBot?.stop();
      await platform.runtime.close();
      await processing.close();
      await platform.close();
      process.exit(0);
    };
    process.once("SIGINT", () => void stop("SIGINT"));
    process.once("SIGTERM", () => void stop("SIGTERM"));
  },
};
