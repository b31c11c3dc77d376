import { mkdir } from "node:fs/promises";
import { writeFolderFiles } from "../interop/git/folder-files.js";
import { safeFileName, writeRepository } from "../interop/git/repository.js";
import type { CliCommand } from "./command.js";
import { UsageError } from "./errors.js";
import { parseArguments } from "./options.js";
import { loadCredentials } from "./remote/credentials.js";
import { writeLink } from "./remote/linked-folder.js";
import { RemoteApi } from "./remote/remote-api.js";
import { fetchState, findBot } from "./remote/remote-bot.js";

const usage = `Usage: botyard pull <bot> [dir]

Writes the bot (by id, name or @username) into dir in the Bots.Business repository format:
bot.json, commands/<folder>/<command>.js, libs/. commands/ and libs/ are replaced whole;
other files in dir (a .git, notes) stay. dir defaults to the bot's username or name.
A .botyard.json in dir remembers the bot for 'botyard push'.
Talks to the server 'botyard login' saved.`;

/** `botyard pull`: a bot into a folder. */
export const pullCommand: CliCommand = {
  name: "pull",
  summary: "Write a bot into a folder in the Git repository format",
  usage,
  async run(args) {
    const [ref, dirArg] = parseArguments(args, {}, 2).positionals;
    if (!ref) throw new UsageError("name the bot to pull");
    const credentials = await loadCredentials();
    const api = new RemoteApi(credentials.server, credentials.api_key);
    const found = await findBot(api, ref);
    // Progress is for a person watching: a line redrawn in place, on a terminal only.
    const watched = process.stderr.isTTY;
    const state = await fetchState(api, found.id, watched ? (count) => process.stderr.write(`\rfetched ${count} command(s)`) : undefined);
    if (watched) process.stderr.write("\n");
    const dir = dirArg ?? safeFileName(state.bot.username ?? state.bot.name);
    await mkdir(dir, { recursive: true });
    const files = writeRepository(state.content, { name: state.bot.username ?? state.bot.name, csv_url: state.bot.csv_url, git_remote: state.bot.git_remote });
    await writeFolderFiles(dir, files);
    await writeLink(dir, { server: credentials.server, bot_id: state.bot.id });
    console.log(`Pulled ${state.bot.name} (${state.content.commands.length} commands, ${state.content.folders.length} folders, ${state.content.libs.length} libraries) into ${dir}`);
  },
};
