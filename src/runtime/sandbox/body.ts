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

/** A frame's position: the body's, or a library's (`lib:<Name>`, compiled with the same header). */
const FRAME = new RegExp(`(${BODY_FILE}|lib:[A-Za-z_$][\\w$]*):(\\d+):(\\d+)`);

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
    // Line ends made "\n" and counted, not split into lines: a body of 100,000 short lines cost
    // 29 ms split and joined, and past about 125,000 the spread overflowed the stack.
    const codes: string[] = [];
    let lines = 0;
    for (const segment of segments) {
      const code = segment.code.replace(/\r\n?/g, "\n");
      let own = 1;
      for (let at = code.indexOf("\n"); at >= 0; at = code.indexOf("\n", at + 1)) own++;
      this.starts.push({ name: segment.name, first: HEADER_LINES + lines + 1, last: HEADER_LINES + lines + own });
      lines += own;
      codes.push(code);
    }
    this.code = codes.join("\n");
  }

  /** Maps a 1-based line of the compiled source back to its segment. */
  locate(line: number): SourceLocation | undefined {
    const segment = this.starts.find((s) => line >= s.first && line <= s.last);
    return segment && { segment: segment.name, line: line - segment.first + 1 };
  }

  /**
   * The first `bjs:LINE:COL` position in a stack or message, mapped to its segment; or the
   * first `lib:<Name>:LINE:COL`, a line of that library's own source.
   */
  locateIn(text: string | undefined): SourceLocation | undefined {
    const match = FRAME.exec(text ?? "");
    if (!match) return undefined;
    return match[1] === BODY_FILE ? this.locate(Number(match[2])) : { segment: match[1]!, line: Number(match[2]) - HEADER_LINES };
  }

  /** A stack trace whose `bjs:LINE:COL` frames name the segment and its own line. */
  mapStack(stack: string): string {
    return stack
      .split("\n")
      .filter((frame) => !frame.includes("<isolated-vm>"))
      .map((frame) =>
        frame.replace(new RegExp(FRAME.source, "g"), (whole, file: string, line: string) => {
          const at = file === BODY_FILE ? this.locate(Number(line)) : { segment: file, line: Number(line) - HEADER_LINES };
          return at ? `${at.segment}:${at.line}:${whole.slice(whole.lastIndexOf(":") + 1)}` : whole;
        }),
      )
      .join("\n");
  }
}
