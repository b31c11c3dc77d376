/** Where time comes from; tests pass a clock they can move instead of sleeping. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The clock's time as the ISO 8601 UTC string the database and the API use. */
export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}
