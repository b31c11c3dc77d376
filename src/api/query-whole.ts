import { z } from "zod";
import { wholeNumberOf } from "../whole-number.js";

interface Bounds {
  min?: number;
  max?: number;
  /** What a number past `max` reads as (how far past is no matter, and a number past 2^53 would be said to be too big twice). */
  over?: number;
}

/**
 * A whole number in the query: its digits only (z.coerce read `0x10`, `1e3` and ` 1` too); an
 * empty value is one left out, which reads as `fallback` when there is one.
 */
export function queryWhole(label: string, bounds: Bounds & { fallback: number }): z.ZodType<number, unknown>;
export function queryWhole(label: string, bounds?: Bounds): z.ZodType<number | undefined, unknown>;
export function queryWhole(label: string, { min = 1, max = Number.MAX_SAFE_INTEGER, over = max + 1, fallback }: Bounds & { fallback?: number } = {}): z.ZodType {
  const whole = z.int({ error: `${label} must be a whole number` }).min(min).max(max);
  // The fallback inside the pipe: a blank value is one left out only once the preprocess has read it.
  return z.preprocess((value) => {
    if (typeof value !== "string") return value;
    const number = value.trim() === "" ? undefined : wholeNumberOf(value);
    return number !== undefined && number > max ? over : number;
  }, fallback === undefined ? whole.optional() : whole.default(fallback));
}
