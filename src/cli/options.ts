import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./errors.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/**
 * A subcommand's command line, strictly parsed: an unknown option, a missing value or a stray
 * argument is a UsageError with node's first sentence about it (the rest is advice about `--`).
 */
function strictly<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (!code.startsWith("ERR_PARSE_ARGS")) throw error;
    throw new UsageError((error as Error).message.split(". ")[0]!.replace(/\.$/, ""));
  }
}

/** A subcommand's options; it takes no other arguments. */
export function parseOptions<T extends Options>(args: string[], options: T) {
  return strictly(() => parseArgs({ args, options, strict: true, allowPositionals: false }).values);
}

/** A subcommand's options and at most `most` other arguments (a bot, a folder); one more is a UsageError, as node words it. */
export function parseArguments<T extends Options>(args: string[], options: T, most: number) {
  const parsed = strictly(() => parseArgs({ args, options, strict: true, allowPositionals: true }));
  const extra = parsed.positionals[most];
  if (extra !== undefined) throw new UsageError(`Unexpected argument '${extra}'`);
  return parsed;
}

/** A `--port` value: a whole number 0-65535 (0 picks a free port). */
export function portOption(raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new UsageError(`--port must be a whole number from 0 to 65535, got '${raw}'`);
  return port;
}
