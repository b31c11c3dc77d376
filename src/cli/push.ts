import { existsSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import { libraries } from "../catalog/libraries.js";
import { readFolderFiles } from "../interop/git/folder-files.js";
import { readRepository, RepositoryProblems } from "../interop/git/repository.js";
import type { CliCommand } from "./command.js";
import { CliError } from "./errors.js";
import { parseArguments } from "./options.js";
import { loadCredentials } from "./remote/credentials.js";
import { readLink } from "./remote/linked-folder.js";
import { RemoteApi } from "./remote/remote-api.js";
import { applyPlan, describePlan, fetchState, findBot, planPush } from "./remote/remote-bot.js";

const usage = `Usage: botyard push [dir] [--bot <bot>] [--yes] [--dry-run]

Makes the bot that dir was pulled from (see .botyard.json), or the bot given, match dir:
creates, updates and deletes commands and folders, installs and uninstalls store libraries,
on the server 'botyard login' saved. The whole folder is checked first; a broken file stops
the push before anything changes. A summary comes first, and a push that would delete
commands asks before it goes on.

Options:
  --bot <bot> push to this bot (id, name or @username) instead
  --yes       delete without asking (needed when there is no terminal to ask in)
  --dry-run   print the summary only`;

/** `botyard push`: a folder onto its bot. */
export const pushCommand: CliCommand = {
  name: "push",
  summary: "Make a bot match a folder pulled with 'botyard pull'",
  usage,
  async run(args) {
    const { values, positionals } = parseArguments(args, { bot: { type: "string" }, yes: { type: "boolean", default: false }, "dry-run": { type: "boolean", default: false } }, 1);
    const dir = positionals[0] ?? ".";
    if (!existsSync(dir)) throw new CliError(`${dir} does not exist`);
    let local;
    try {
      local = readRepository(await readFolderFiles(dir)).content;
    } catch (error) {
      if (error instanceof RepositoryProblems) throw new CliError(`nothing pushed; fix these first:\n  ${error.problems.join("\n  ")}`);
      throw error;
    }
    const credentials = await loadCredentials();
    const api = new RemoteApi(credentials.server, credentials.api_key);
    const state = await fetchState(api, values.bot ? (await findBot(api, values.bot)).id : await linkedBot(dir, credentials.server));
    const plan = planPush(local, state.content, new Set(libraries.map((lib) => lib.name)));
    const summary = describePlan(plan);
    if (summary.length === 0) {
      console.log(`${state.bot.name} already matches ${dir}`);
      return;
    }
    console.log(`Pushing ${dir} to ${state.bot.name} will:\n  ${summary.join("\n  ")}`);
    if (values["dry-run"]) return;
    if (plan.delete.length > 0 && !values.yes && !(await confirm(`Delete ${plan.delete.length} command(s) from ${state.bot.name}? [y/N] `))) {
      throw new CliError("nothing pushed; the push would delete commands (confirm, or pass --yes)");
    }
    await applyPlan(api, state, plan, (done, total, what) => process.stderr.write(`[${done}/${total}] ${what}\n`));
    console.log(`Pushed ${dir} to ${state.bot.name}`);
  },
};

/** The bot the folder was pulled from, when it came from the server logged in to. */
async function linkedBot(dir: string, server: string): Promise<number> {
  const link = await readLink(dir);
  if (link.server !== server) throw new CliError(`${dir} was pulled from ${link.server}, but you are logged in to ${server}; pass --bot to push there`);
  return link.bot_id;
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
}
