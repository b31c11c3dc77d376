import { libraryOf } from "../../catalog/libraries.js";
import { bundledLibSource, CORE_LIBS } from "../../catalog/lib-sources.js";
import { isHttpUrl, MAX_URL_LENGTH, NOT_HTTP_URL } from "../../bots/bot-urls.js";
import { isBotName } from "../../bots/bots.js";
import { folderTitleProblem } from "../../bots/folders.js";
import { aliasesProblem, autoRetryOf, autoRetryProblem, codeProblem, commandNameProblem, commandTextProblems, parseAliases } from "../../bots/commands.js";
import { contentTextProblem, type BotContent, type CommandEntry, type LibEntry } from "../bot-content.js";
import { FileProblem, parseCommandFile, renderCommandFile } from "./command-file.js";
import { textFlawAt, utf8Text } from "../../text-flaws.js";

/** A repository's files by path (`commands/Admin/_setup.js`), as bytes or text. */
export type RepositoryFiles = Map<string, Uint8Array | string>;

/** bot.json: the format version and the bot's informational fields (spec/git-format.md §1.2). */
export interface BotDescriptor {
  name?: string;
  csv_url?: string | null;
  git_remote?: string;
}

/** A repository read whole: the content to install, the descriptor, and what was skipped (duplicates). */
export interface ReadRepository {
  content: BotContent;
  descriptor: BotDescriptor;
  /** Files imported under another rule, one readable sentence each (e.g. a duplicate name skipped). */
  notes: string[];
}

/** A repository that cannot be imported: every problem, as "file line N: what". */
export class RepositoryProblems extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("; "));
  }
}

/** The first line of the file's own format version; the exporter writes no other. */
const SYNC_VERSION = "1.0";
/** What a library file held, in earlier exports, when the bot used the store's bundled copy (still read as that). */
const STORE_LIB_MARKER = "// Botyard store library: the platform provides its source. Replace this file to use your own copy.";
const LIB_NAME = /^[A-Za-z_$][\w$]*$/;
/** Characters Windows forbids in file names; the exporter writes `_` for each (spec §1.4). */
const FORBIDDEN = /[/\\:*?"<>|]/g;

function textOf(path: string, data: Uint8Array | string): string {
  const text = typeof data === "string" ? data : utf8Text(data);
  if (text === undefined) throw new RepositoryProblems([`${path}: not UTF-8 text`]);
  const flawed = textFlawAt(text, path);
  if (flawed) throw new RepositoryProblems([`${path}: ${flawed.flaw}`]);
  return text;
}

/** A name as a file or directory name: forbidden characters become `_`, and `.`/`..` cannot stand alone. */
export function safeFileName(name: string): string {
  const safe = name.replace(FORBIDDEN, "_");
  return /^\.{0,2}$/.test(safe) ? "_".repeat(Math.max(safe.length, 1)) : safe;
}

/** The command a file names when it has no header: its base name, a leading `_` read as `/` (spec/bjs.md §1.1). */
function nameFromFile(base: string): string {
  const name = base.replace(/\.js$/, "");
  return name.startsWith("_") ? `/${name.slice(1)}` : name;
}

/** A sentence of the API's ("Command is too long") as a file problem reads it ("command is too long"). */
const lowerFirst = (sentence: string): string => sentence[0]!.toLowerCase() + sentence.slice(1);

const blank = (value: string | undefined): string | null => (value === undefined || value.trim() === "" ? null : value);

/** One command file as an entry; a bad value is a FileProblem at its line. */
function commandOf(path: string, text: string, directory: string | null): CommandEntry {
  const { header, body } = parseCommandFile(text);
  const base = path.slice(path.lastIndexOf("/") + 1);
  const get = (key: string) => header?.get(key);
  const command = (get("command")?.value ?? nameFromFile(base)).trim();
  const nameProblem = commandNameProblem(command);
  if (nameProblem) throw new FileProblem(get("command")?.line ?? 1, lowerFirst(nameProblem));
  const aliases = parseAliases(get("aliases")?.value);
  const aliasProblem = aliasesProblem(aliases);
  if (aliasProblem) throw new FileProblem(get("aliases")!.line, lowerFirst(aliasProblem));
  const needReply = get("need_reply");
  const replyText = needReply?.value.trim().toLowerCase() ?? "";
  if (!["", "true", "false"].includes(replyText)) throw new FileProblem(needReply!.line, `need_reply must be true, false or empty, not "${needReply!.value.trim()}"`);
  const retry = get("auto_retry_time");
  const autoRetry = autoRetryOf(retry?.value);
  const retryProblem = autoRetryProblem(autoRetry);
  if (retryProblem) throw new FileProblem(retry!.line, lowerFirst(retryProblem));
  const answer = blank(get("answer")?.value);
  // A keyboard without an answer is kept, as the API and CSV import keep it (README).
  const keyboard = blank(get("keyboard")?.value);
  const help = blank(get("help")?.value);
  const [textProblem] = commandTextProblems({ Answer: answer, Help: help, Keyboard: keyboard });
  if (textProblem) throw new FileProblem(1, lowerFirst(textProblem));
  const codeTooLong = codeProblem(body);
  if (codeTooLong) throw new FileProblem(1, lowerFirst(codeTooLong));
  // The header's folder wins; the directory is the fallback (spec §1.4).
  const folder = blank(get("folder")?.value) ?? directory;
  const titleProblem = folder === null ? undefined : folderTitleProblem(folder.trim(), "folder");
  if (titleProblem) throw new FileProblem(get("folder")?.line ?? 1, titleProblem);
  return {
    command,
    help,
    answer,
    keyboard,
    aliases,
    group: blank(get("group")?.value)?.trim() ?? null,
    need_reply: replyText === "true",
    auto_retry_time: autoRetry,
    folder,
    code: body === "" ? null : body,
  };
}

function descriptorOf(files: RepositoryFiles, problems: string[]): BotDescriptor & { folders?: string[] } {
  const data = files.get("bot.json");
  if (data === undefined) {
    problems.push("bot.json: missing (a bot repository has bot.json at its root)");
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(textOf("bot.json", data).replace(/^\uFEFF/, ""));
  } catch (error) {
    problems.push(error instanceof RepositoryProblems ? error.problems[0] : `bot.json: not valid JSON (${(error as Error).message})`);
    return {};
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    problems.push("bot.json: must be a JSON object");
    return {};
  }
  const record = parsed as Record<string, unknown>;
  if (record.bb_sync_version !== undefined && record.bb_sync_version !== SYNC_VERSION) problems.push(`bot.json: bb_sync_version must be "${SYNC_VERSION}"`);
  if (record.csv_url !== undefined && record.csv_url !== null && typeof record.csv_url !== "string") problems.push("bot.json: csv_url must be a string or null");
  else if (typeof record.csv_url === "string" && record.csv_url !== "" && !isHttpUrl(record.csv_url)) problems.push(`bot.json: csv_url ${NOT_HTTP_URL}`);
  else if (typeof record.csv_url === "string" && record.csv_url.length > MAX_URL_LENGTH) problems.push(`bot.json: csv_url is too long (maximum is ${MAX_URL_LENGTH} characters)`);
  const folders = Array.isArray(record.folders) && record.folders.every((title) => typeof title === "string") ? (record.folders as string[]) : undefined;
  if (folders?.some((title) => folderTitleProblem(title.trim()))) problems.push("bot.json: folders must be titles of 1 to 255 characters");
  return {
    // The name the bot takes (spec/bjs.md §8); one no bot could have is left out, not refused.
    ...(typeof record.name === "string" && isBotName(record.name.trim()) && { name: record.name.trim() }),
    ...(record.csv_url !== undefined && { csv_url: (record.csv_url as string | null) || null }),
    ...(typeof record.git_remote === "string" && { git_remote: record.git_remote }),
    ...(folders && { folders }),
  };
}

/**
 * Reads a whole repository before anything is written: every broken file is reported with its
 * line, and nothing is returned unless all are sound. Rules the format leaves open:
 * - two files with one command name: the first in path order keeps it, the others are skipped
 *   and listed in `notes` (never a failed import);
 * - files outside `commands/` and `libs/`, and files not ending in `.js`, are ignored;
 * - `commands/` holds one level of folders; a deeper file is a problem;
 * - `libs/<Name>.js` installs the store library of that name (keeping the file as the bot's copy
 *   unless it is the export's placeholder), or a custom library;
 * - a store library the code uses (`Libs.<Name>`) without a file in `libs/` is installed too
 *   (older exports left some out, git-format.md §3), and listed in `notes`.
 */
export function readRepository(files: RepositoryFiles): ReadRepository {
  const problems: string[] = [];
  const descriptor = descriptorOf(files, problems);
  const commands: CommandEntry[] = [];
  const libs: LibEntry[] = [];
  const notes: string[] = [];
  const firstFile = new Map<string, string>();
  const firstLibFile = new Map<string, string>();
  const paths = [...files.keys()].sort(byRootFirst);
  for (const path of paths) {
    const parts = path.split("/");
    if (!path.endsWith(".js") || (parts[0] !== "commands" && parts[0] !== "libs")) continue;
    try {
      const text = textOf(path, files.get(path)!);
      if (parts[0] === "libs") {
        if (parts.length !== 2) continue;
        const base = parts[1].slice(0, -3);
        if (!LIB_NAME.test(base)) throw new FileProblem(1, "a library file name must be a JavaScript identifier (it is the name under Libs)");
        const store = libraryOf(base);
        // A core library's copy that publishes nothing is the library vendored as is (the
        // exports' copies of crypto-js assign a global instead, git-format.md §3): the
        // platform's own copy, which BJS reaches under that global, stands in for it.
        const vendored = store !== undefined && store.name in CORE_LIBS && !/\bpublish\s*\(/.test(text);
        if (vendored) notes.push(`${path}: publishes nothing, a copy of ${store.name} as is: the platform's ${store.name} is used`);
        // The store's own source, as exports write it, is the store's copy, not the bot's.
        const bundled = store && (text.trim() === STORE_LIB_MARKER || text === bundledLibSource(store.name));
        const name = store?.name ?? base;
        // Two files may name one store library (`ResourcesLib.js`, `resourceslib.js`): the first is kept, as a command's is.
        const first = firstLibFile.get(name);
        if (first !== undefined) {
          notes.push(`${path}: skipped, library ${name} is already in ${first}`);
          continue;
        }
        firstLibFile.set(name, path);
        libs.push({ name, source: vendored || bundled ? null : text });
        continue;
      }
      if (parts.length > 3) throw new FileProblem(1, "commands/ holds one level of folders; move this file up");
      const entry = commandOf(path, text, parts.length === 3 ? parts[1] : null);
      const first = firstFile.get(entry.command);
      if (first !== undefined) {
        notes.push(`${path}: skipped, command ${entry.command} is already defined in ${first}`);
        continue;
      }
      firstFile.set(entry.command, path);
      commands.push(entry);
    } catch (error) {
      if (error instanceof FileProblem) problems.push(`${path} line ${error.line}: ${error.message}`);
      else if (error instanceof RepositoryProblems) problems.push(...error.problems);
      else throw error;
    }
  }
  const tooMuch = contentTextProblem({ commands, libs });
  if (tooMuch) problems.push(tooMuch);
  if (problems.length > 0) throw new RepositoryProblems(problems);
  for (const [name, reached] of storeLibsUsed([...commands.map((entry) => entry.code ?? ""), ...libs.map((lib) => lib.source ?? "")])) {
    if (libs.some((lib) => lib.name === name)) continue;
    libs.push({ name, source: null });
    notes.push(`libs/${name}.js: not in the repository, but the code uses ${reached}: the store's ${name} is installed`);
  }
  const { folders: listed, ...rest } = descriptor;
  const folders = [...new Set([...(listed ?? []), ...commands.flatMap((entry) => (entry.folder === null ? [] : [entry.folder]))])];
  return { content: { folders, commands, libs }, descriptor: rest, notes };
}

/** `Libs.Name` or `Libs["Name"]` in code. */
const LIBS_USE = /\bLibs\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*["']([A-Za-z_$][\w$]*)["']\s*\])/g;

/** The store libraries (by their store names) that code reaches through `Libs`, except the core ones every bot has. */
function storeLibsUsed(codes: string[]): Map<string, string> {
  /** Each library, with how the code first reaches it. */
  const names = new Map<string, string>();
  for (const code of codes) {
    for (const match of code.matchAll(LIBS_USE)) {
      const name = match[1] ?? match[2]!;
      // Names under Libs are case-sensitive: only the store's own spelling is that library.
      if (libraryOf(name)?.name === name && !(name in CORE_LIBS) && !names.has(name)) names.set(name, `Libs.${name}`);
    }
  }
  return names;
}

/** Root files before folders, then by path: the order that decides which duplicate wins. */
function byRootFirst(a: string, b: string): number {
  const depth = (path: string) => path.split("/").length;
  return depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** What the exporter writes into bot.json besides the content. */
export interface ExportIdentity {
  name: string;
  csv_url: string | null;
  git_remote: string | null;
}

function readme(name: string): string {
  return [
    `# ${name} - chat bot`,
    "",
    `Telegram: https://t.me/${name}`,
    "",
    "This repository holds a bot exported from Botyard (Bots.Business format):",
    "",
    "- `bot.json`: the bot's descriptor;",
    "- `commands/`: one file per command, in one directory per folder; each file starts with a",
    "  `/*CMD ... CMD*/` header (name, answer, keyboard, aliases...) followed by the BJS code;",
    "- `libs/`: one file per installed library.",
    "",
    "Edit the files and import the repository into the bot again to change it.",
    "",
  ].join("\n");
}

/** The repository files of a bot's content: a full snapshot in the canonical layout. */
export function writeRepository(content: BotContent, identity: ExportIdentity): Map<string, string> {
  const files = new Map<string, string>();
  files.set("README.md", readme(identity.name));
  // The four keys as Bots.Business writes them (no space after the colon, no newline at the
  // end, git-format.md §1.2), and `folders` when the bot has any, so that their order and the
  // folders without commands survive a round trip.
  const descriptor = { bb_sync_version: SYNC_VERSION, name: identity.name, csv_url: identity.csv_url, git_remote: identity.git_remote ?? "", ...(content.folders.length > 0 && { folders: content.folders }) };
  files.set("bot.json", `{\n${Object.entries(descriptor).map(([key, value]) => `  ${JSON.stringify(key)}:${JSON.stringify(value)}`).join(",\n")}\n}`);
  for (const entry of content.commands) {
    const directory = entry.folder === null ? "commands" : `commands/${safeFileName(entry.folder)}`;
    const base = safeFileName(entry.command);
    // `/start` and `_start` both give `_start.js`: a later one gets a number (its header keeps the name).
    let path = `${directory}/${base}.js`;
    for (let n = 2; files.has(path); n++) path = `${directory}/${base}~${n}.js`;
    files.set(path, renderCommandFile(entry, entry.code));
  }
  // A store library's source verbatim, as Bots.Business exports it, so the repository imports there too.
  for (const lib of content.libs) files.set(`libs/${lib.name}.js`, lib.source ?? bundledLibSource(lib.name) ?? `${STORE_LIB_MARKER}\n`);
  return files;
}
