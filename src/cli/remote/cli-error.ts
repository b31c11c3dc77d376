/** A failure the user can act on: printed as one line, exit code 1, no stack. */
export class CliError extends Error {}

/** Runs a subcommand, turning a CliError into `botyard <name>: <message>` on stderr. */
export async function reportingErrors(name: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    // node:util parseArgs says what is wrong with the options in its own errors.
    const badOptions = String((error as { code?: unknown }).code ?? "").startsWith("ERR_PARSE_ARGS");
    if (!(error instanceof CliError) && !badOptions) throw error;
    const message = (error as Error).message;
    console.error(`botyard ${name}: ${badOptions ? message.split("\n")[0] : message}`);
    process.exitCode = 1;
  }
}
