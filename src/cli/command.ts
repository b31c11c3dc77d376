/** One `botyard <name>` subcommand: its help line, its usage text and what it does. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(args: string[]): Promise<void>;
}
