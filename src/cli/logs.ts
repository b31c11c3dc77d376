import { setTimeout as wait } from "node:timers/promises";
import type { CliCommand } from "./command.js";
import { UsageError } from "./errors.js";
import { parseArguments } from "./options.js";
import { loadCredentials } from "./remote/credentials.js";
import { RemoteApi } from "./remote/remote-api.js";
import { findBot } from "./remote/remote-bot.js";

const usage = `Usage: botyard logs <bot> [--follow] [--interval S]

Prints the bot's error log (by id, name or @username), oldest first, from the server
'botyard login' saved.

Options:
  --follow       keep printing new entries until Ctrl-C
  --interval S   seconds between checks while following (default 2)`;

interface LogEntry {
  id: number;
  title: string;
  created_at: string;
  scenario: { bot_command: { command: string } } | null;
}

const line = (entry: LogEntry) => `${entry.created_at}  ${entry.scenario?.bot_command.command ?? "-"}  ${entry.title}`;

/** `botyard logs`: a bot's error log, once or followed. */
export const logsCommand: CliCommand = {
  name: "logs",
  summary: "Print a bot's error log; --follow keeps printing new entries",
  usage,
  async run(args) {
    const { values, positionals } = parseArguments(args, { follow: { type: "boolean", default: false }, interval: { type: "string", default: "2" } }, 1);
    const interval = Number(values.interval);
    if (!(interval > 0)) throw new UsageError(`--interval must be a positive number of seconds, got '${values.interval}'`);
    if (!positionals[0]) throw new UsageError("name the bot");
    const credentials = await loadCredentials();
    const api = new RemoteApi(credentials.server, credentials.api_key);
    const bot = await findBot(api, positionals[0]);
    // The log answers newest first: the first page holds everything new since the last look.
    const newest = () => api.request<LogEntry[]>("GET", `v2/bots/${bot.id}/error_logs?per_page=200`);
    let seen = 0;
    const print = (entries: LogEntry[]) => {
      for (const entry of entries.filter((e) => e.id > seen).reverse()) console.log(line(entry));
      seen = Math.max(seen, ...entries.map((e) => e.id));
    };
    print(await newest());
    if (!values.follow) return;
    const stop = new AbortController();
    process.once("SIGINT", () => stop.abort());
    process.once("SIGTERM", () => stop.abort());
    while (!stop.signal.aborted) {
      try {
        await wait(interval * 1000, undefined, { signal: stop.signal });
      } catch {
        return;
      }
      print(await newest());
    }
  },
};
