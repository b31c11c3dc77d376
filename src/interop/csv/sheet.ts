import { setImmediate as nextTurn } from "node:timers/promises";
import { parse } from "csv-parse";
import type { CommandFields, ImportedField } from "../../bots/commands.js";

/** One data row of a sheet: its 1-based row number (the header is row 1) and its command fields. */
export interface SheetRow {
  row: number;
  fields: CommandFields & { folder?: string };
}

/** A sheet read into rows, with the rows the CSV reader could not read at all and the fields its columns fill. */
export interface Sheet {
  rows: SheetRow[];
  unreadable: { row: number; error: string }[];
  fields: Set<ImportedField>;
}

/** How much of a sheet is parsed between turns of the event loop. */
const PARSE_CHUNK_BYTES = 64 * 1024;

/** Rows a sheet may hold that cannot be read before it is refused whole: past that it is hardly CSV, and each costs the reader more. */
const MAX_UNREADABLE_ROWS = 100;

/** A sheet that cannot be imported at all (no header, no command column, broken quoting). */
export class SheetError extends Error {}

/**
 * Header names (lower-cased, trimmed) and the command field each fills (spec/git-format.md §4):
 * the template's five columns, the fields the docs list, and the usual spellings of the code.
 */
const COLUMNS: Record<string, keyof SheetRow["fields"]> = {
  command: "command",
  help: "help",
  aliases: "aliases",
  answer: "answer",
  keyboard: "keyboard_body",
  need_reply: "need_reply",
  scenarios: "bjs_code",
  scenario: "bjs_code",
  bjs: "bjs_code",
  code: "bjs_code",
  bjs_code: "bjs_code",
  group: "group",
  auto_retry: "auto_retry_time",
  auto_retry_time: "auto_retry_time",
  folder: "folder",
};

/** The stored field each column fills. */
const STORED: Record<Exclude<keyof SheetRow["fields"], "command" | "code" | "commands_folder_id">, ImportedField> = {
  help: "help",
  aliases: "aliases",
  answer: "answer",
  keyboard_body: "keyboard_body",
  need_reply: "need_reply",
  bjs_code: "code",
  group: "group_title",
  auto_retry_time: "auto_retry_time",
  folder: "commands_folder_id",
};

/**
 * Reads a CSV sheet: row 1 names the columns (case-insensitive, unknown ones such as
 * `runtime_mode` ignored), each later row is one command. Rows with no text in any cell are
 * left out; one with a blank command is kept, for the import to report. A row whose need_reply
 * is neither true, false nor blank keeps the text, for the command check to refuse.
 */
export async function readSheet(text: string): Promise<Sheet> {
  const unreadable: Sheet["unreadable"] = [];
  const records: string[][] = [];
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    // The reader may report one row more than once (a bad quote in two of its cells): once is enough.
    on_skip: (error) => {
      if (!error) return;
      const row = Number(error.lines);
      if (unreadable.at(-1)?.row === row) return;
      unreadable.push({ row, error: error.message });
      if (unreadable.length > MAX_UNREADABLE_ROWS) throw new SheetError(`The CSV has more than ${MAX_UNREADABLE_ROWS} rows that cannot be read (the first is row ${unreadable[0]!.row}: ${unreadable[0]!.error}): is it CSV?`);
    },
  });
  let failure: Error | undefined;
  parser.on("readable", () => {
    for (let record = parser.read(); record !== null; record = parser.read()) records.push(record as string[]);
  });
  const ended = new Promise<void>((resolve) => parser.on("end", resolve).on("error", (error) => ((failure = error), resolve())));
  // A piece at a time, with other work between: a 10 MB sheet is seconds of parsing.
  const bytes = Buffer.from(text, "utf8");
  for (let at = 0; at < bytes.length && !failure; at += PARSE_CHUNK_BYTES) {
    parser.write(bytes.subarray(at, at + PARSE_CHUNK_BYTES));
    await nextTurn();
  }
  parser.end();
  await ended;
  if (failure instanceof SheetError) throw failure;
  if (failure) throw new SheetError(`The CSV cannot be read: ${failure.message}`);
  const [header, ...data] = records;
  if (!header) throw new SheetError("The CSV is empty: row 1 must name the columns (command, help, aliases, answer, keyboard)");
  const columns = header.map((name) => COLUMNS[name.trim().toLowerCase()]);
  if (!columns.includes("command")) throw new SheetError("The CSV has no command column: row 1 must name the columns (command, help, aliases, answer, keyboard)");
  const rows: SheetRow[] = [];
  data.forEach((cells, index) => {
    const fields: Record<string, string> = {};
    columns.forEach((field, column) => {
      if (field && fields[field] === undefined) fields[field] = cells[column] ?? "";
    });
    if (cells.every((cell) => cell.trim() === "")) return;
    rows.push({ row: index + 2, fields: fields as unknown as SheetRow["fields"] });
  });
  const fields = new Set(columns.flatMap((field) => (field && field !== "command" ? [STORED[field as keyof typeof STORED]] : [])));
  return { rows, unreadable, fields };
}
