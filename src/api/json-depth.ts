/**
 * How deeply a JSON body may nest arrays and objects. Rails' JSON parser, which Bots.Business
 * runs on, stops at the same 100; deeper input would overflow the recursive walks that follow
 * parsing (NUL guard, validation, JSON.stringify on the way to the database).
 */
export const MAX_JSON_DEPTH = 100;

const [QUOTE, BACKSLASH, OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT] = [..."\"\\[]{}"].map((c) => c.charCodeAt(0));

/**
 * Answers whether JSON text nests arrays and objects deeper than `limit`, in one pass over the
 * text before anything parses it (brackets inside strings do not count). Exact for valid JSON;
 * invalid JSON fails its parse anyway.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === BACKSLASH) i++;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) inString = true;
    else if (char === OPEN_ARRAY || char === OPEN_OBJECT) {
      if (++depth > limit) return true;
    } else if (char === CLOSE_ARRAY || char === CLOSE_OBJECT) depth--;
  }
  return false;
}
