import { sleep, systemClock } from "../../clock.js";

/**
 * Waits `ms`, or less when `signal` aborts; answers whether the whole wait passed. Tests pass
 * one that returns at once (and records the asked delays).
 */
export type AbortableSleep = (ms: number, signal: AbortSignal) => Promise<boolean>;

export const abortableSleep: AbortableSleep = (ms, signal) => sleep(systemClock, ms, signal);
