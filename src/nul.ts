/**
 * The first place in a parsed value that holds a NUL character, as a field name; undefined if
 * none. PostgreSQL cannot store NUL in text, so input from outside (an API request, what BJS
 * asks for) is refused before it reaches a query. Recursive, which is safe: callers bound the
 * nesting first (MAX_JSON_DEPTH for request bodies, MAX_OUTPUT_DEPTH for BJS output).
 */
export function nulAt(value: unknown, path: string): string | undefined {
  if (typeof value === "string") return value.includes("\u0000") ? path : undefined;
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, inner] of Object.entries(value)) {
    if (key.includes("\u0000")) return path;
    const found = nulAt(inner, key);
    if (found !== undefined) return found;
  }
  return undefined;
}
