import { parse } from "csv-parse/sync";
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
export function readSheet(text: string): Sheet {
  const unreadable: Sheet["unreadable"] = [];
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      // The reader may report one row more than once (a bad quote in two of its cells): once is enough.
      on_skip: (error) => {
        if (!error) return;
        const row = Number(error.lines);
        if (!unreadable.some((earlier) => earlier.row === row)) unreadable.push({ row, error: error.message });
      },
    }) as string[][];
  } catch (error) {
    throw new SheetError(`The CSV cannot be read: ${(error as Error).message}`);
  }
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
