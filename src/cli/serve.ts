import { loadConfig, type Config } from "../config.js";
import { buildApp, buildOperationsApp } from "../api/app.js";
import { storageChecks, type ReadinessCheck } from "../api/readiness.js";
import { createLogger, createPlatform, type Platform, type PlatformOptions } from "../platform.js";
import { createProcessing } from "../runtime/processing.js";
import { runLoginBot } from "../runtime/login-bot.js";
import type { CliCommand } from "./command.js";
import { CliError, explainListenError } from "./errors.js";
import { parseOptions, portOption } from "./options.js";

/**
 * What one process does. `serve`: everything. `api`: the REST API, the webhook intake and
 * the dashboard, stateless (any number behind a load balancer). `worker`: BJS, the jobs, the
 * polling loops and the sender, serving only its health, readiness and metrics (any number).
 */
export type Role = "serve" | "api" | "worker";

/** Whether the role serves the API (else only the operational endpoints, on WORKER_PORT). */
const servesApi = (role: Role) => role !== "worker";
/** Whether the role handles updates and jobs (else it only accepts them). */
const doesWork = (role: Role) => role !== "api";

export interface ServingOptions extends PlatformOptions {
  role?: Role;
}

/** A platform serving in this process, and how to shut it down. */
export interface Serving {
  platform: Platform;
  /** Stops taking requests, lets the work under way finish, and closes everything. */
  stop(): Promise<void>;
}

/**
 * The api and worker roles share every piece of state, so they run only over PostgreSQL and
 * Redis, with one secret key (a generated one would differ from process to process). Read
 * from the environment before the configuration, which would generate that key.
 */
function requireSharedState(env: NodeJS.ProcessEnv, role: Role): void {
  const missing = ["DATABASE_URL", "REDIS_URL", "SECRET_KEY"].filter((name) => !env[name]?.trim());
  if (missing.length > 0) {
    throw new CliError(
      `botyard ${role} needs DATABASE_URL (PostgreSQL), REDIS_URL and SECRET_KEY, the same for every api and worker process: set ${missing.join(", ")} (or run botyard serve, everything in one process).`,
    );
  }
  if (env.JOB_QUEUE?.trim().toLowerCase() === "embedded") throw new CliError(`botyard ${role} shares its jobs through Redis: unset JOB_QUEUE (embedded is for botyard serve alone).`);
}

/**
 * Builds the platform and runs what `role` does: listens (the API, or a worker's operational
 * endpoints), and for a working role resumes the bots and starts the jobs. `botyard serve`,
 * `api` and `worker` all start here; the process-level tests start it with a clock they move
 * (options.clock).
 */
export async function startServing(config: Config, options: ServingOptions = {}): Promise<Serving> {
  const { role = "serve", ...platformOptions } = options;
  // Several processes log to one place: each line says which role wrote it.
  const log = platformOptions.log ?? (role === "serve" ? undefined : createLogger(config).child({ role }));
  // The api polls no bot: in shared mode the workers take its bots' polling up.
  const platform = await createPlatform(config, { ...platformOptions, log, polls: doesWork(role) });
  platform.metrics.setDefaultLabels({ role });
  if (config.webAppHtml && config.telegramLoginBotToken) {
    platform.log.warn("WEBAPP_HTML is on beside Telegram login: a bot's HTML page could read a platform login sent to its address; set WEBAPP_HTML=false unless every bot owner is trusted");
  }
  // Every role wires processing: what an API call sets off (a web app page, a panel's
  // on_saving run, auto retry kept in step with a bot's start and commands) happens where the
  // call is. The api runs BJS only to render web app pages, in one sandbox started at the first.
  const processing = createProcessing(platform, doesWork(role) ? {} : { executor: { isolates: 1, startOnFirstRun: true } });
  let working = false;
  const readiness: ReadinessCheck[] = [...storageChecks(platform)];
  if (doesWork(role)) readiness.push({ failure: "Not handling updates and jobs", holds: async () => working });
  const app = servesApi(role) ? await buildApp(platform, { readiness }) : await buildOperationsApp(platform, readiness);
  const port = servesApi(role) ? config.port : config.workerPort;
  try {
    await app.listen({ port, host: config.host });
  } catch (error) {
    await processing.close();
    await platform.close();
    const portFlag = role === "serve" ? "PORT=N npm start, or botyard serve --port N" : `${servesApi(role) ? "PORT" : "WORKER_PORT"}=N, or botyard ${role} --port N`;
    throw explainListenError(error, { port, host: config.host, portFlag });
  }
  let loginBot: Awaited<ReturnType<typeof runLoginBot>>;
  if (doesWork(role)) {
    // After listen, so webhook updates of resumed bots find the route.
    await platform.runtime.start(processing.processor);
    await platform.jobs.start();
    loginBot = await runLoginBot(platform);
    working = true;
  }
  return {
    platform,
    async stop() {
      working = false;
      await app.close();
      // Polling ends and handling drains; bot statuses stay, so the next start resumes them.
      await loginBot?.stop();
      await platform.runtime.close();
      await processing.close();
      await platform.close();
    },
  };
}

const roles: Record<Role, { summary: string; about: string[]; port: string }> = {
  serve: {
    summary: "Run the platform (API, bots, jobs) in one process; what `npm start` runs",
    about: [
      "Starts the REST API (/v2, docs at /docs) and everything else in one process.",
      "Migrates the database first. Settings come from environment variables (see the README);",
      "with none at all, data goes to ./data (SQLite) and the API listens on port 3000.",
    ],
    port: "listen on port N (overrides PORT)",
  },
  api: {
    summary: "Run the REST API, the webhook intake and the dashboard (scale-out; needs PostgreSQL and Redis)",
    about: [
      "Serves the REST API (/v2, docs at /docs), Telegram's webhooks and the dashboard, and no",
      "bot work: updates are stored and queued for the workers. Stateless: run any number",
      "behind a load balancer. Needs DATABASE_URL (PostgreSQL) and REDIS_URL, the same as the",
      "workers'. /healthz, /readyz (database and Redis) and /metrics on the same port.",
    ],
    port: "listen on port N (overrides PORT, default 3000)",
  },
  worker: {
    summary: "Run BJS, jobs, polling loops and the sender (scale-out; needs PostgreSQL and Redis)",
    about: [
      "Handles the updates the api processes queue, runs the jobs (scheduled runs, broadcasts,",
      "callbacks), polls the bots without a webhook and sends to Telegram. Run any number.",
      "Needs DATABASE_URL (PostgreSQL) and REDIS_URL, the same as the api's. Serves only",
      "/healthz, /readyz (database, Redis, handling started) and /metrics.",
    ],
    port: "serve health, readiness and metrics on port N (overrides WORKER_PORT, default 3001)",
  },
};

/** `botyard serve`, `api` or `worker`: one command per role, the same options and start. */
function roleCommand(role: Role): CliCommand {
  const { summary, about, port: portHelp } = roles[role];
  const portSetting = servesApi(role) ? "PORT" : "WORKER_PORT";
  return {
    name: role,
    summary,
    usage: [`Usage: botyard ${role} [--port N] [--host H]`, "", ...about, "", "Options:", `  --port N   ${portHelp}`, "  --host H   listen on address H (overrides HOST)"].join("\n"),
    async run(args) {
      const values = parseOptions(args, { port: { type: "string" }, host: { type: "string" } });
      if (role !== "serve") requireSharedState(process.env, role);
      const port = values.port === undefined ? undefined : String(portOption(values.port));
      const config = loadConfig({ ...process.env, ...(port && { [portSetting]: port }), ...(values.host && { HOST: values.host }) });
      const started = performance.now();
      const { platform, stop } = await startServing(config, { role });
      const engine = platform.database.engine === "sqlite" ? `SQLite in ${config.dataDir}` : "PostgreSQL";
      const where = servesApi(role) ? `dashboard at http://localhost:${config.port}/, API docs at /docs` : `readiness at http://localhost:${config.workerPort}/readyz`;
      platform.log.info({ engine, startupMs: Math.round(performance.now() - started) }, `Botyard${role === "serve" ? "" : ` ${role}`} is up: ${where}`);

      const shutDown = async (signal: string) => {
        platform.log.info(`${signal} received: shutting down`);
        const stopping = performance.now();
        await stop();
        // The last line says the stop was clean: without it, a log cannot tell it from a crash.
        platform.log.info({ stopMs: Math.round(performance.now() - stopping) }, "stopped cleanly");
        process.exit(0);
      };
      process.once("SIGINT", () => void shutDown("SIGINT"));
      process.once("SIGTERM", () => void shutDown("SIGTERM"));
    },
  };
}

/** Runs the whole platform in one process: API, webhook intake and the bot runtime. */
export const serveCommand = roleCommand("serve");
/** The API role of the scale-out mode. */
export const apiCommand = roleCommand("api");
/** The worker role of the scale-out mode. */
export const workerCommand = roleCommand("worker");
