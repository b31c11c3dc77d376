import { NotFoundError } from "../errors.js";

// Positive, and small enough to be exact as a JS number and to fit PostgreSQL's bigint.
const ID = /^[1-9]\d{0,14}$/;

/** A path id as a number; anything that cannot be an id (`abc`, `-1`, 20 digits) is "<Resource> not found". */
export function parseId(raw: unknown, resource: string): number {
  if (typeof raw !== "string" || !ID.test(raw)) throw new NotFoundError(resource);
  return Number(raw);
}
