import { describe, expect, it } from "vitest";
import { canaryLooksIntact } from "../../src/runtime/sandbox/isolate-guard.js";

/** A canary whose times are the given ones, in turn (the last one from then on), and the pauses it was given. */
function canary(times: number[]) {
  const pauses: number[] = [];
  let tries = 0;
  const time = () => times[Math.min(tries++, times.length - 1)]!;
  const intact = canaryLooksIntact(time, (ns) => ns <= 10_000, (ms) => pauses.push(ms));
  return { intact, tries, pauses };
}

describe("the protector canary", () => {
  it("counts a protector as on at its first usual time", () => {
    expect(canary([3_000])).toEqual({ intact: true, tries: 1, pauses: [] });
  });

  it("outlasts a busy moment: slow tries in a row, then a usual one after a pause", () => {
    // What a loaded machine did to an isolate whose protectors were all on.
    expect(canary([21_690, 17_914, 36_349, 18_344, 33_635, 4_729])).toEqual({ intact: true, tries: 6, pauses: [1] });
  });

  it("counts a protector as off when the canary stays slow through every pause", () => {
    expect(canary([40_000])).toEqual({ intact: false, tries: 12, pauses: [1, 4] });
  });

  it("takes a protector read as off through its intrinsic at once", () => {
    expect(canary([Infinity])).toEqual({ intact: false, tries: 1, pauses: [] });
  });
});
