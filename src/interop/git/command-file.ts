/**
 * One command file of a bot repository (spec/git-format.md §1.5): an optional
 * `/*CMD ... CMD*\/` header of `key: value` lines and `<<KEY ... KEY` heredocs, then the BJS
 * body verbatim.
 */

/** A problem in a file, at a 1-based line. */
export class FileProblem extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** A parsed command file: its header values by key (raw, as written) and its body. */
export interface CommandFile {
  /** Absent when the file has no header. */
  header?: Map<string, { value: string; line: number }>;
  body: string;
}

const OPEN = "/*CMD";
const CLOSE = "CMD*/";
const HEREDOC = /^<<([A-Z_]+)$/;

/** Lines split at LF with a CR before it dropped: line endings are not content in the header. */
const headerText = (line: string) => (line.endsWith("\r") ? line.slice(0, -1) : line);

/** Parses a command file; a header that is not closed, a heredoc without its end or a line without `:` is a FileProblem. */
export function parseCommandFile(text: string): CommandFile {
  const content = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const lines = content.split("\n");
  if (headerText(lines[0]).trim() !== OPEN) return { body: content };
  const header = new Map<string, { value: string; line: number }>();
  let index = 1;
  for (;;) {
    if (index >= lines.length) throw new FileProblem(1, `the header opened here has no closing ${CLOSE}`);
    const line = headerText(lines[index]);
    const trimmed = line.trim();
    const lineNumber = index + 1;
    index += 1;
    if (trimmed === CLOSE) break;
    if (trimmed === "") continue;
    const heredoc = HEREDOC.exec(trimmed);
    if (heredoc) {
      const tag = heredoc[1];
      const raw: string[] = [];
      for (;;) {
        if (index >= lines.length) throw new FileProblem(lineNumber, `<<${tag} has no closing ${tag} line`);
        const next = headerText(lines[index]);
        index += 1;
        if (next.trim() === tag) break;
        raw.push(next);
      }
      header.set(tag.toLowerCase(), { value: raw.join("\n"), line: lineNumber });
      continue;
    }
    const colon = line.indexOf(":");
    if (colon < 0) throw new FileProblem(lineNumber, `expected "key: value" in the header, found "${trimmed.slice(0, 60)}"`);
    const key = line.slice(0, colon).trim().toLowerCase();
    const rest = line.slice(colon + 1);
    header.set(key, { value: rest.startsWith(" ") ? rest.slice(1) : rest, line: lineNumber });
  }
  // The exporter writes one empty line between the header and the code.
  if (index < lines.length && headerText(lines[index]) === "") index += 1;
  return { header, body: lines.slice(index).join("\n") };
}

/** The header keys in the order the newest exporter writes them. */
export interface CommandHeader {
  command: string;
  help: string | null;
  need_reply: boolean;
  auto_retry_time: number | null;
  folder: string | null;
  answer: string | null;
  keyboard: string | null;
  aliases: string[];
  group: string | null;
}

/** An inline `key: value` line, or a heredoc (after a blank line) when the value has a newline. */
function field(key: string, value: string | null): string {
  const text = value ?? "";
  if (!text.includes("\n")) return `  ${key}: ${text}`;
  const tag = key.toUpperCase();
  return `\n  <<${tag}\n${text.replace(/\r\n/g, "\n")}\n  ${tag}`;
}

/** Renders a command file in the newest export layout (spec/git-format.md §1.5). */
export function renderCommandFile(header: CommandHeader, body: string | null): string {
  const lines = [
    OPEN,
    field("command", header.command),
    field("help", header.help),
    field("need_reply", String(header.need_reply)),
    field("auto_retry_time", header.auto_retry_time === null ? "" : String(header.auto_retry_time)),
    field("folder", header.folder),
    field("answer", header.answer),
    field("keyboard", header.keyboard),
    field("aliases", header.aliases.join(", ")),
    field("group", header.group),
    CLOSE,
  ];
  return `${lines.join("\n")}\n\n${body ?? ""}`;
}
