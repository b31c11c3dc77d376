/**
 * Text no bot data holds: NUL (PostgreSQL cannot store it in text), and a lone surrogate
 * (SQLite stores it as bytes that are not UTF-8, PostgreSQL as U+FFFD). Input from outside (an
 * API request, what BJS asks for or leaves) is refused before it reaches a query.
 */
const FLAWS: [RegExp, string][] = [
  [/\u0000/, "must not contain NUL characters"],
  // With the u flag a paired surrogate is one code point, so only lone ones match.
  [/\p{Cs}/u, "must be valid Unicode text (it holds a lone surrogate)"],
];

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Bytes as UTF-8 text (a leading BOM dropped), or undefined where they are not UTF-8: decoded
 * leniently, broken bytes or another charset's letters would become U+FFFD, text the sender
 * did not mean.
 */
export function utf8Text(bytes: Uint8Array): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** What is wrong with the text, or undefined. */
function flawOf(text: string): string | undefined {
  return FLAWS.find(([pattern]) => pattern.test(text))?.[1];
}

/**
 * The first place in a parsed value whose text is flawed, as a field name and the flaw;
 * undefined if none. Recursive, which is safe: callers bound the nesting first (MAX_JSON_DEPTH
 * for request bodies, MAX_OUTPUT_DEPTH for BJS output).
 */
export function textFlawAt(value: unknown, path: string): { field: string; flaw: string } | undefined {
  if (typeof value === "string") {
    const flaw = flawOf(value);
    return flaw === undefined ? undefined : { field: path, flaw };
  }
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, inner] of Object.entries(value)) {
    const flaw = flawOf(key);
    if (flaw) return { field: path, flaw };
    const found = textFlawAt(inner, key);
    if (found) return found;
  }
  return undefined;
}

/** Every flaw above, anywhere in a text. */
const ANY_FLAW = new RegExp(FLAWS.map(([pattern]) => pattern.source).join("|"), "gu");

/**
 * Whether a JSON text may hold a flawed string once parsed: a flaw itself, or an escape that
 * decodes to one (`\u0000`, a surrogate). False means no string in it is flawed, so a large
 * output need not be walked value by value; an escaped surrogate pair or an escaped backslash
 * before `u0000` reads as true, and only costs the walk.
 */
const FLAW_IN_JSON = new RegExp([ANY_FLAW.source, String.raw`\\u0000`, String.raw`\\u[dD][89a-fA-F]`].join("|"), "u");

export function jsonMayHoldFlaw(json: string): boolean {
  return FLAW_IN_JSON.test(json);
}

/** The text with each flaw above (a NUL character, a lone surrogate) shown as U+FFFD: what is kept of text that must be kept (an error BJS threw). */
export function mendedText(text: string): string {
  return text.replace(ANY_FLAW, "\uFFFD");
}
