/**
 * The syntax error of a BJS body, or null when it parses. BJS bodies run as a function's
 * body (a top-level `return` is fine), so that is how they are compiled here; compiling does
 * not run them.
 */
export function syntaxProblem(code: string): string | null {
  try {
    new Function(code);
    return null;
  } catch (error) {
    return error instanceof SyntaxError ? error.message : null;
  }
}
