import { readFileSync } from "node:fs";
import type { CliCommand } from "./cli/command.js";
import { apiCommand, serveCommand, workerCommand } from "./cli/serve.js";
import { migrateCommand } from "./cli/migrate.js";
import { emulatorCommand } from "./cli/emulator.js";
import { loginCommand } from "./cli/login.js";
import { pullCommand } from "./cli/pull.js";
import { pushCommand } from "./cli/push.js";
import { logsCommand } from "./cli/logs.js";
import { CliError, UsageError } from "./cli/errors.js";
import { staleBuildWarning } from "./cli/stale-build.js";
import { ConfigError } from "./config.js";

const commands: CliCommand[] = [serveCommand, apiCommand, workerCommand, migrateCommand, emulatorCommand, loginCommand, pullCommand, pushCommand, logsCommand];

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "Botyard: a self-hostable Telegram bot platform (Bots.Business API v2 compatible).",
    "",
    "Usage: botyard <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Options:",
    "  --help, -h      this help ('botyard <command> --help' for a command's options)",
    "  --version, -v   the version",
    "",
    "Configuration comes from environment variables; see the README.",
  ].join("\n");
}

/** The version in package.json (one folder above both src/ and dist/). */
export function version(): string {
  return (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

async function dispatch(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    console.log(overview());
    return;
  }
  if (first === "--version" || first === "-v" || first === "version") {
    console.log(`botyard ${version()}`);
    return;
  }
  const command = commands.find((c) => c.name === first);
  if (!command) {
    throw new UsageError(first.startsWith("-") ? `Unknown option '${first}'; name a command first` : `Unknown command '${first}'`);
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(command.usage);
    return;
  }
  try {
    await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(error.message, { cause: command.usage });
    throw error;
  }
}

/**
 * CLI entry: dispatches to a subcommand; bare `botyard` prints the help. A wrong command line
 * answers one line and the help (exit 2); a setting or a start-up that cannot work, one line
 * (exit 1). Only a bug shows a stack trace.
 */
export async function main(argv: string[]): Promise<void> {
  const stale = staleBuildWarning(import.meta.url);
  if (stale) console.error(stale);
  try {
    await dispatch(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`botyard: ${error.message}\n\n${typeof error.cause === "string" ? error.cause : overview()}`);
      process.exitCode = 2;
    } else if (error instanceof CliError || error instanceof ConfigError) {
      console.error(`botyard: ${error.message}`);
      process.exitCode = 1;
    } else {
      throw error;
    }
  }
}
