import type { BotContent, CommandEntry } from "../../interop/bot-content.js";
import { CliError } from "../errors.js";
import type { RemoteApi } from "./remote-api.js";

/** The Bot fields the command line reads. */
export interface RemoteBot {
  id: number;
  name: string;
  username: string | null;
  csv_url: string | null;
  git_remote: string | null;
  libs?: { id: number; name: string }[];
}

interface RemoteCommand {
  id: number;
  command: string;
  help: string | null;
  answer: string | null;
  keyboard_body: string | null;
  need_reply: boolean;
  auto_retry_time: number | null;
  code: string | null;
  aliases: { command: string }[];
  commands_group: { title: string } | null;
  commands_folder: { title: string } | null;
}

interface RemoteFolder {
  id: number;
  title: string;
}

/** A bot on the server and what makes it up, with the ids a push needs. */
export interface RemoteState {
  bot: RemoteBot;
  content: BotContent;
  commandIds: Map<string, number>;
  folderIds: Map<string, number>;
}

/** The owner's bot named by id, name or Telegram username. */
export async function findBot(api: RemoteApi, ref: string): Promise<RemoteBot> {
  if (/^\d+$/.test(ref)) return api.request<RemoteBot>("GET", `v2/bots/${ref}`);
  const bots = await api.all<RemoteBot>("v2/bots");
  const wanted = ref.replace(/^@/, "").toLowerCase();
  const found = bots.filter((bot) => bot.name.toLowerCase() === wanted || bot.username?.toLowerCase() === wanted);
  if (found.length === 0) throw new CliError(`no bot named ${ref}`);
  if (found.length > 1) throw new CliError(`${found.length} bots are named ${ref}; give the bot's id (${found.map((bot) => bot.id).join(", ")})`);
  return api.request<RemoteBot>("GET", `v2/bots/${found[0].id}`);
}

function entryOf(command: RemoteCommand): CommandEntry {
  return {
    command: command.command,
    help: command.help,
    answer: command.answer,
    keyboard: command.keyboard_body,
    aliases: command.aliases.map((alias) => alias.command),
    group: command.commands_group?.title ?? null,
    need_reply: command.need_reply,
    auto_retry_time: command.auto_retry_time,
    folder: command.commands_folder?.title ?? null,
    code: command.code,
  };
}

/** The bot's commands, folders and libraries as the API shows them; `progress` hears how many commands came. */
export async function fetchState(api: RemoteApi, botId: number, progress?: (commands: number) => void): Promise<RemoteState> {
  const bot = await api.request<RemoteBot>("GET", `v2/bots/${botId}`);
  const folders = await api.all<RemoteFolder>(`v2/bots/${botId}/commands_folders`);
  const commands = await api.all<RemoteCommand>(`v2/bots/${botId}/commands`, progress);
  return {
    bot,
    content: { folders: folders.map((folder) => folder.title), commands: commands.map(entryOf), libs: (bot.libs ?? []).map((lib) => ({ name: lib.name, source: null })) },
    commandIds: new Map(commands.map((command) => [command.command, command.id])),
    folderIds: new Map(folders.map((folder) => [folder.title, folder.id])),
  };
}

/** What a push changes, by name. */
export interface PushPlan {
  create: CommandEntry[];
  update: CommandEntry[];
  delete: string[];
  createFolders: string[];
  deleteFolders: string[];
  installLibs: string[];
  uninstallLibs: string[];
  /** Library files the API cannot take (only store libraries install by name). */
  skippedLibs: string[];
}

const same = (a: CommandEntry, b: CommandEntry) => JSON.stringify(a) === JSON.stringify(b);

/** The changes that make the server's bot match the folder. */
export function planPush(local: BotContent, remote: BotContent, storeLibNames: Set<string>): PushPlan {
  const remoteByName = new Map(remote.commands.map((entry) => [entry.command, entry]));
  const localNames = new Set(local.commands.map((entry) => entry.command));
  const remoteLibs = new Set(remote.libs.map((lib) => lib.name));
  const localLibs = new Set(local.libs.map((lib) => lib.name));
  return {
    create: local.commands.filter((entry) => !remoteByName.has(entry.command)),
    update: local.commands.filter((entry) => remoteByName.has(entry.command) && !same(entry, remoteByName.get(entry.command)!)),
    delete: remote.commands.filter((entry) => !localNames.has(entry.command)).map((entry) => entry.command),
    createFolders: local.folders.filter((title) => !remote.folders.includes(title)),
    deleteFolders: remote.folders.filter((title) => !local.folders.includes(title)),
    installLibs: local.libs.filter((lib) => !remoteLibs.has(lib.name) && storeLibNames.has(lib.name)).map((lib) => lib.name),
    uninstallLibs: remote.libs.filter((lib) => !localLibs.has(lib.name)).map((lib) => lib.name),
    skippedLibs: local.libs.filter((lib) => lib.source !== null || !storeLibNames.has(lib.name)).map((lib) => lib.name),
  };
}

/** One line per kind of change, for the summary before a push. */
export function describePlan(plan: PushPlan): string[] {
  const names = (list: string[]) => (list.length > 5 ? `${list.slice(0, 5).join(", ")} and ${list.length - 5} more` : list.join(", "));
  const lines = [
    plan.create.length && `create ${plan.create.length} command(s): ${names(plan.create.map((entry) => entry.command))}`,
    plan.update.length && `update ${plan.update.length} command(s): ${names(plan.update.map((entry) => entry.command))}`,
    plan.delete.length && `DELETE ${plan.delete.length} command(s): ${names(plan.delete)}`,
    plan.createFolders.length && `create folder(s): ${names(plan.createFolders)}`,
    plan.deleteFolders.length && `delete folder(s): ${names(plan.deleteFolders)}`,
    plan.installLibs.length && `install librar(ies): ${names(plan.installLibs)}`,
    plan.uninstallLibs.length && `uninstall librar(ies): ${names(plan.uninstallLibs)}`,
    plan.skippedLibs.length && `not pushed (the API takes store libraries by name only, not files): libs/${names(plan.skippedLibs.map((name) => `${name}.js`))}`,
  ];
  return lines.filter((line): line is string => typeof line === "string");
}

/** The API's command body for an entry. */
function bodyOf(entry: CommandEntry, folderIds: Map<string, number>) {
  return {
    command: entry.command,
    help: entry.help ?? "",
    answer: entry.answer ?? "",
    keyboard_body: entry.keyboard ?? "",
    need_reply: entry.need_reply,
    auto_retry_time: entry.auto_retry_time ?? "",
    bjs_code: entry.code ?? "",
    aliases: entry.aliases.join(", "),
    group: entry.group ?? "",
    commands_folder_id: entry.folder === null ? null : (folderIds.get(entry.folder) ?? null),
  };
}

/** Applies a plan through the API, folders first and emptied folders last; `progress` hears each step. */
export async function applyPlan(api: RemoteApi, state: RemoteState, plan: PushPlan, progress: (done: number, total: number, what: string) => void): Promise<void> {
  const base = `v2/bots/${state.bot.id}`;
  const folderIds = new Map(state.folderIds);
  const steps: [string, () => Promise<unknown>][] = [
    ...plan.createFolders.map((title): [string, () => Promise<unknown>] => [
      `folder ${title}`,
      async () => folderIds.set(title, (await api.request<RemoteFolder>("POST", `${base}/commands_folders`, { title })).id),
    ]),
    ...plan.create.map((entry): [string, () => Promise<unknown>] => [`create ${entry.command}`, () => api.request("POST", `${base}/commands`, bodyOf(entry, folderIds))]),
    ...plan.update.map((entry): [string, () => Promise<unknown>] => [`update ${entry.command}`, () => api.request("PUT", `${base}/commands/${state.commandIds.get(entry.command)}`, bodyOf(entry, folderIds))]),
    ...plan.delete.map((name): [string, () => Promise<unknown>] => [`delete ${name}`, () => api.request("DELETE", `${base}/commands/${state.commandIds.get(name)}`)]),
    ...plan.deleteFolders.map((title): [string, () => Promise<unknown>] => [`delete folder ${title}`, () => api.request("DELETE", `${base}/commands_folders/${state.folderIds.get(title)}`)]),
    ...plan.installLibs.map((name): [string, () => Promise<unknown>] => [`install ${name}`, () => api.request("POST", `${base}/libs`, { lib_id: name })]),
    ...plan.uninstallLibs.map((name): [string, () => Promise<unknown>] => [`uninstall ${name}`, () => api.request("DELETE", `${base}/libs/${encodeURIComponent(name)}`)]),
  ];
  for (const [index, [what, step]] of steps.entries()) {
    await step();
    progress(index + 1, steps.length, what);
  }
}
