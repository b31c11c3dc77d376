import { createHash } from "node:crypto";
import { Script } from "node:vm";

/** Where a command's BJS fails to parse. */
export interface SyntaxProblem {
  line: number;
  column: number | null;
  message: string;
}

const FILE = "bjs";
/** Answers by a digest of the code: codes up to the body limit each must not stay in memory as keys. */
const checked = new Map<string, SyntaxProblem | null>();
const REMEMBERED = 2000;

/**
 * Parses BJS as the runtime runs it (one sloppy-mode function body, top-level `return`
 * allowed) without running it: answers where it fails to parse, or null. Commands with
 * syntax errors are stored anyway, as Bots.Business stores them; the API says where the
 * error is, and running the command logs it.
 */
export function syntaxProblem(code: string | null): SyntaxProblem | null {
  if (!code?.trim()) return null;
  const key = createHash("sha256").update(code).digest("base64");
  const known = checked.get(key);
  if (known !== undefined) return known;
  let problem: SyntaxProblem | null = null;
  try {
    // Compiling makes a function and runs nothing of the code.
    new Script(`(function () {\n${code}\n})`, { filename: FILE });
  } catch (error) {
    const where = new RegExp(`^${FILE}:(\\d+)`).exec(String((error as Error).stack ?? ""));
    const column = /\n( *)\^/.exec(String((error as Error).stack ?? ""));
    problem = { line: where ? Math.max(1, Number(where[1]) - 1) : 1, column: column ? column[1]!.length + 1 : null, message: (error as Error).message };
  }
  if (checked.size >= REMEMBERED) checked.clear();
  checked.set(key, problem);
  return problem;
}
