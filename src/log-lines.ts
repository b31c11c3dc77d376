import { Writable } from "node:stream";

const LEVELS: Record<number, [name: string, color: number]> = {
  10: ["TRACE", 90],
  20: ["DEBUG", 36],
  30: ["INFO", 32],
  40: ["WARN", 33],
  50: ["ERROR", 31],
  60: ["FATAL", 35],
};

// What every pino line carries and a person does not need to read again on each one.
const HIDDEN = new Set(["level", "time", "msg", "pid", "hostname", "err"]);

function field(key: string, value: unknown): string {
  return `${key}=${typeof value === "string" && !/[\s"=]/.test(value) ? value : JSON.stringify(value)}`;
}

/** One pino JSON line as a person reads it: `12:00:01.250 INFO  message key=value`, and an error's stack below. */
export function humanLine(json: string, color: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json);
  } catch {
    return json;
  }
  const [name, code] = LEVELS[entry.level as number] ?? [String(entry.level), 0];
  const level = color ? `\u001b[${code}m${name.padEnd(5)}\u001b[39m` : name.padEnd(5);
  const time = new Date(entry.time as number).toISOString().slice(11, 23);
  const fields = Object.entries(entry).filter(([key]) => !HIDDEN.has(key)).map(([key, value]) => field(key, value));
  const err = entry.err as { stack?: string; message?: string } | undefined;
  const stack = err ? `\n    ${(err.stack ?? err.message ?? "").split("\n").join("\n    ")}` : "";
  return `${time} ${level} ${entry.msg ?? ""}${fields.length ? ` ${fields.join(" ")}` : ""}${stack}\n`;
}

/** A destination for pino that writes human-readable lines to `out` (coloured on a terminal). */
export function humanLines(out: NodeJS.WritableStream & { isTTY?: boolean }): Writable {
  let rest = "";
  return new Writable({
    write(chunk, _encoding, done) {
      const lines = (rest + String(chunk)).split("\n");
      rest = lines.pop()!;
      for (const line of lines) if (line) out.write(humanLine(line, out.isTTY === true));
      done();
    },
  });
}
