/** A failure the CLI reports as one line, without a stack trace: the user can act on it. */
export class CliError extends Error {}

/** A wrong command line (unknown option, bad value): reported with the command's help. */
export class UsageError extends CliError {}

/**
 * Turns a failed `listen` into what to do about it: a busy port names the port and how to
 * pick another; any other failure is passed on as it is.
 */
export function explainListenError(error: unknown, where: { port: number; host: string; portFlag: string }): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE") {
    return new CliError(
      `Port ${where.port} on ${where.host} is already in use. Stop the program using it, or choose another port (${where.portFlag}).`,
    );
  }
  if (code === "EACCES") return new CliError(`Not allowed to listen on port ${where.port} on ${where.host}; choose a port above 1023 (${where.portFlag}).`);
  if (code === "EADDRNOTAVAIL") return new CliError(`Cannot listen on ${where.host}: no such address on this machine.`);
  return error;
}
