import { describe, expect, it } from "vitest";
import { Body } from "../../src/runtime/sandbox/body.js";

describe("an execution body", () => {
  it("joins its segments with their line ends made \\n, and maps each line back to its segment", () => {
    const body = new Body([
      { name: "@", code: "var a = 1;\r\nvar b = 2;" },
      { name: "/start", code: "one();\rtwo();\nthree();" },
      { name: "@@", code: "" },
    ]);
    expect(body.code).toBe("var a = 1;\nvar b = 2;\none();\ntwo();\nthree();\n");
    // Body line 1 is line 3 of the compiled source.
    expect([3, 4, 5, 6, 7, 8].map((line) => body.locate(line))).toEqual([
      { segment: "@", line: 1 },
      { segment: "@", line: 2 },
      { segment: "/start", line: 1 },
      { segment: "/start", line: 2 },
      { segment: "/start", line: 3 },
      { segment: "@@", line: 1 },
    ]);
    expect(body.locate(9)).toBeUndefined();
  });

  it("takes a segment of hundreds of thousands of lines (a spread of them overflowed the stack)", () => {
    const body = new Body([{ name: "/long", code: "\n".repeat(300_000) + "boom();" }]);
    expect(body.locateIn("at bjs:300003:1")).toEqual({ segment: "/long", line: 300_001 });
  });
});
