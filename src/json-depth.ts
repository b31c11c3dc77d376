/**
 * How deeply a JSON body may nest arrays and objects. Rails' JSON parser, which Bots.Business
 * runs on, stops at the same 100; deeper input would overflow the recursive walks that follow
 * parsing (text guard, validation, JSON.stringify on the way to the database).
 */
export const MAX_JSON_DEPTH = 100;

const [QUOTE, BACKSLASH, OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT] = [..."\"\\[]{}"].map((c) => c.charCodeAt(0));

/** The index of the quote that closes the string whose opening quote is at `start` (-1 if none). */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end !== -1) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

/**
 * Answers whether JSON text nests arrays and objects deeper than `limit`, in one pass over the
 * text before anything parses it (brackets inside strings do not count; strings are skipped
 * with indexOf, which keeps the pass at a fraction of JSON.parse's time). Exact for valid
 * JSON; invalid JSON fails its parse anyway.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (char === QUOTE) {
      i = stringEnd(text, i);
      if (i === -1) return false;
    } else if (char === OPEN_ARRAY || char === OPEN_OBJECT) {
      if (++depth > limit) return true;
    } else if (char === CLOSE_ARRAY || char === CLOSE_OBJECT) depth--;
  }
  return false;
}
