/** One part of an execution body: the `@` hook, the command's own code, the `@@` hook. */
export interface Segment {
  /** `@`, `@@`, or the command's name. */
  name: string;
  code: string;
}

/** Where a line of the assembled body came from. */
export interface SourceLocation {
  segment: string;
  line: number;
}

/** The body's source name in stack traces, so its lines can be told apart from engine frames. */
export const BODY_FILE = "bjs";

/**
 * What the Function constructor puts before a body in the source it compiles (V8's layout):
 * body line 1 is line 3 of that source.
 */
export const FUNCTION_HEADER = "(function anonymous(\n) {\n";
const HEADER_LINES = 2;

/**
 * Assembles `@` + command + `@@` into one sloppy-mode function body (spec/bjs.md §1.9):
 * they share one scope, and a top-level `return` ends the whole body. The realm compiles it
 * with the Function constructor, so it is exactly one function body. Keeps where each segment
 * starts so errors report the line inside that segment's own code.
 */
export class Body {
  readonly code: string;
  private readonly starts: { name: string; first: number; last: number }[] = [];

  constructor(readonly segments: Segment[]) {
    const lines: string[] = [];
    for (const segment of segments) {
      const own = segment.code.split(/\r\n|\r|\n/);
      this.starts.push({ name: segment.name, first: HEADER_LINES + lines.length + 1, last: HEADER_LINES + lines.length + own.length });
      lines.push(...own);
    }
    this.code = lines.join("\n");
  }

  /** Maps a 1-based line of the compiled source back to its segment. */
  locate(line: number): SourceLocation | undefined {
    const segment = this.starts.find((s) => line >= s.first && line <= s.last);
    return segment && { segment: segment.name, line: line - segment.first + 1 };
  }

  /** The first `bjs:LINE:COL` position in a stack or message, mapped to its segment. */
  locateIn(text: string | undefined): SourceLocation | undefined {
    const match = new RegExp(`${BODY_FILE}:(\\d+)`).exec(text ?? "");
    return match ? this.locate(Number(match[1])) : undefined;
  }

  /** A stack trace whose `bjs:LINE:COL` frames name the segment and its own line. */
  mapStack(stack: string): string {
    return stack
      .split("\n")
      .filter((frame) => !frame.includes("<isolated-vm>"))
      .map((frame) =>
        frame.replace(new RegExp(`${BODY_FILE}:(\\d+):(\\d+)`, "g"), (whole, line: string, column: string) => {
          const at = this.locate(Number(line));
          return at ? `${at.segment}:${at.line}:${column}` : whole;
        }),
      )
      .join("\n");
  }
}
