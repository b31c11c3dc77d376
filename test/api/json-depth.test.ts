import { describe, expect, it } from "vitest";
import { nestsDeeperThan } from "../../src/json-depth.js";

const nested = (levels: number, inner = "1") => "[".repeat(levels) + inner + "]".repeat(levels);

describe("nestsDeeperThan", () => {
  it("counts arrays and objects alike, up to the limit and one past it", () => {
    expect(nestsDeeperThan(nested(3), 3)).toBe(false);
    expect(nestsDeeperThan(nested(4), 3)).toBe(true);
    expect(nestsDeeperThan('{"a":{"b":[{"c":1}]}}', 4)).toBe(false);
    expect(nestsDeeperThan('{"a":{"b":[{"c":[]}]}}', 4)).toBe(true);
    expect(nestsDeeperThan("[[],[],[[]]]", 3)).toBe(false);
    expect(nestsDeeperThan("42", 0)).toBe(false);
  });

  it("skips brackets inside strings, escaped quotes and backslashes included", () => {
    expect(nestsDeeperThan(JSON.stringify(["[[[[{{{{"]), 1)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ 'k"[[[': 'v\\"[[[\\' }), 1)).toBe(false);
    // An even run of backslashes does not escape the quote after it: the brackets count.
    expect(nestsDeeperThan(`["a\\\\", ${nested(2)}]`, 2)).toBe(true);
  });

  it("stops at an unterminated string (the parse then fails)", () => {
    expect(nestsDeeperThan('["abc', 0)).toBe(true);
    expect(nestsDeeperThan('"abc [[[[', 1)).toBe(false);
  });

  it("scans 100,000 levels without recursion", () => {
    expect(nestsDeeperThan(nested(100_000), 100)).toBe(true);
    expect(nestsDeeperThan(nested(100), 100)).toBe(false);
  });
});
