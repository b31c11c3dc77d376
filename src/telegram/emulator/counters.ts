/** What the emulator has answered so far, for tests and benchmarks to read. */
export interface Counters {
  /** Bot API calls by method name (as called), failed ones included. */
  calls: Record<string, number>;
  /** 429 answers, from the limits or from injected faults. */
  tooManyRequests: number;
  /** Webhook POSTs the receiver accepted, and those that failed (each retry counts). */
  webhookDeliveries: number;
  webhookFailures: number;
}

/** Zeroed counters. */
export function emptyCounters(): Counters {
  return { calls: {}, tooManyRequests: 0, webhookDeliveries: 0, webhookFailures: 0 };
}
