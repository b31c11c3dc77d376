/**
 * Waits `ms`, or less when `signal` aborts; answers whether the whole wait passed. Tests pass
 * one that returns at once (and records the asked delays).
 */
export type AbortableSleep = (ms: number, signal: AbortSignal) => Promise<boolean>;

export const abortableSleep: AbortableSleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
