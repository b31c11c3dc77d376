import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RunWatchdog } from "../../src/runtime/sandbox/run-watchdog.js";

describe("a run's watchdog", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** A watchdog of a 100 ms limit and a 50 ms margin on the fake clock, and whether it fired. */
  const watched = () => {
    const fired = { now: false };
    const watchdog = new RunWatchdog(100, 50, () => (fired.now = true), () => Date.now());
    return { watchdog, fired };
  };
  /** Asserts that the watchdog fires exactly `ms` from now. */
  const firesIn = (fired: { now: boolean }, ms: number) => {
    vi.advanceTimersByTime(ms - 1);
    expect(fired.now).toBe(false);
    vi.advanceTimersByTime(1);
    expect(fired.now).toBe(true);
  };

  it("fires once the run has had its limit and the margin", () => {
    firesIn(watched().fired, 150);
  });

  it("does not count the time the run waits for reads, as the isolate does not", () => {
    const { watchdog, fired } = watched();
    vi.advanceTimersByTime(100);
    watchdog.readStarted(() => {});
    vi.advanceTimersByTime(90);
    watchdog.readEnded();
    firesIn(fired, 50);
  });

  it("forgives waits for reads up to the limit in all: a read still unanswered then is overdue, and the run's time counts again", () => {
    const { watchdog, fired } = watched();
    for (let i = 0; i < 2; i++) {
      watchdog.readStarted(() => {});
      vi.advanceTimersByTime(40);
      watchdog.readEnded();
    }
    const overdue = { now: false };
    watchdog.readStarted(() => {
      overdue.now = true;
      watchdog.readEnded();
    });
    firesIn(overdue, 20);
    expect(fired.now).toBe(false);
    firesIn(fired, 150);
  });

  it("never fires once stopped", () => {
    const { watchdog, fired } = watched();
    watchdog.readStarted(() => {});
    watchdog.readEnded();
    watchdog.stop();
    vi.advanceTimersByTime(10_000);
    expect(fired.now).toBe(false);
  });
});
