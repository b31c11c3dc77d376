import { describe, expect, it } from "vitest";
import { queryWhole } from "../../src/api/query-whole.js";

describe("a whole number in the query", () => {
  it("reads digits only; a blank or missing value is its fallback, or left out", () => {
    const page = queryWhole("Page", { max: 100, over: 100, fallback: 1 });
    expect(page.parse("7")).toBe(7);
    expect(page.parse(" 7 ")).toBe(7);
    for (const blank of ["", "  ", undefined]) expect(page.parse(blank)).toBe(1);
    expect(page.parse("99999999999999999999")).toBe(100);
    for (const bad of ["0x2", "1e1", "1.0", "-1", "abc", ["1", "2"]]) expect(page.safeParse(bad).success, String(bad)).toBe(false);
    const userId = queryWhole("User id");
    expect(userId.parse("")).toBeUndefined();
    expect(userId.parse(undefined)).toBeUndefined();
    expect(userId.parse("12")).toBe(12);
  });
});
