/** A pending timer of a Clock; `cancel` is harmless once it has fired. */
export interface Timer {
  cancel(): void;
}

/**
 * Where time comes from, and the only way the runtime waits: tests pass a clock they move by
 * hand (test/support/fake-clock.ts), and its timers fire when it passes their due time.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fire` once, `ms` from now. Timers never keep the process alive. */
  setTimer(ms: number, fire: () => void): Timer;
}

/** setTimeout's longest delay; longer waits are taken in steps. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

function systemTimer(ms: number, fire: () => void): Timer {
  let handle: NodeJS.Timeout;
  const arm = (left: number) => {
    handle = setTimeout(() => (left > MAX_TIMEOUT_MS ? arm(left - MAX_TIMEOUT_MS) : fire()), Math.min(Math.max(0, left), MAX_TIMEOUT_MS));
    handle.unref();
  };
  arm(ms);
  return { cancel: () => clearTimeout(handle) };
}

export const systemClock: Clock = { now: () => Date.now(), setTimer: systemTimer };

/** The clock's time as the ISO 8601 UTC string the database and the API use. */
export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}

/**
 * Waits `ms` on the clock, or less when `signal` aborts; answers whether the whole wait passed.
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      timer.cancel();
      resolve(false);
    };
    const timer = clock.setTimer(ms, () => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Calls `tick` every `ms` on the clock until the answer is cancelled. */
export function every(clock: Clock, ms: number, tick: () => void): Timer {
  let timer: Timer;
  let cancelled = false;
  const arm = () => {
    timer = clock.setTimer(ms, () => {
      if (cancelled) return;
      arm();
      tick();
    });
  };
  arm();
  return {
    cancel() {
      cancelled = true;
      timer.cancel();
    },
  };
}
