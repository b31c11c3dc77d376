import type { CliCommand } from "./cli/command.js";
import { serveCommand } from "./cli/serve.js";
import { migrateCommand } from "./cli/migrate.js";
import { emulatorCommand } from "./cli/emulator.js";
import { loginCommand } from "./cli/login.js";
import { pullCommand } from "./cli/pull.js";
import { pushCommand } from "./cli/push.js";
import { logsCommand } from "./cli/logs.js";

const commands: CliCommand[] = [serveCommand, migrateCommand, emulatorCommand, loginCommand, pullCommand, pushCommand, logsCommand];

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
    "Run 'botyard <command> --help' for a command's options.",
    "Configuration comes from environment variables; see the README.",
  ].join("\n");
}

/** CLI entry: dispatches to a subcommand; `serve` when none is named. */
export async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === "--help" || first === "-h" || first === "help") {
    console.log(overview());
    return;
  }
  const name = first === undefined || first.startsWith("-") ? "serve" : first;
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`Unknown command '${name}'.\n\n${overview()}`);
    process.exitCode = 2;
    return;
  }
  const args = name === first ? rest : argv;
  if (args.includes("--help") || args.includes("-h")) {
    console.log(command.usage);
    return;
  }
  await command.run(args);
}
