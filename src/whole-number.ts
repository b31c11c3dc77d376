/**
 * A whole number given as a number or as its digits (surrounding spaces allowed, as a sheet
 * cell or a query has them); NaN for any other text, such as `0x10`, `1e3` or `1.0`, which
 * Number() reads.
 */
export function wholeNumberOf(value: number | string): number {
  if (typeof value === "number") return value;
  const text = value.trim();
  return /^\d+$/.test(text) ? Number(text) : NaN;
}
