import { z } from "zod";
import { wholeNumberOf } from "../whole-number.js";

/**
 * A whole number in the query: its digits only (z.coerce read `0x10`, `1e3` and ` 1` too); an
 * empty value is one left out. Past `max` it reads as `over` (how far past is no matter, and a
 * number past 2^53 would be said to be too big twice).
 */
export function queryWhole(label: string, { min = 1, max = Number.MAX_SAFE_INTEGER, over = max + 1 }: { min?: number; max?: number; over?: number } = {}) {
  return z.preprocess((value) => {
    if (typeof value !== "string") return value;
    const number = value.trim() === "" ? undefined : wholeNumberOf(value);
    return number !== undefined && number > max ? over : number;
  }, z.int({ error: `${label} must be a whole number` }).min(min).max(max));
}
