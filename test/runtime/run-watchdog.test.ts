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

  it("counts as running only the time between the sandbox's stamps: a read's way there and its answer's way back are waits", () => {
    const { watchdog, fired } = watched();
    // Each read: the run works 5 ms, stops, and the platform hears of it 20 ms later; the answer
    // takes 20 ms back. Counted from the platform's side, 10 reads would be 450 ms of running.
    let resumedAt: number | undefined;
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(5);
      const stoppedAt = Date.now();
      vi.advanceTimersByTime(20);
      watchdog.readStarted(() => {}, stoppedAt, resumedAt);
      watchdog.readEnded();
      vi.advanceTimersByTime(20);
      resumedAt = Date.now();
    }
    expect(fired.now).toBe(false);
    // 50 ms ran, and the last answer's way back (20 ms) counts until the next stamp says otherwise.
    firesIn(fired, 80);
  });

  it("keeps the sandbox's stamps within the time since the last answer, and charges the ways to the waits it forgives", () => {
    const { watchdog, fired } = watched();
    vi.advanceTimersByTime(30);
    // Stamps from before the run and from the future count as the run's whole time since.
    watchdog.readStarted(() => {}, Date.now() + 1_000, Date.now() - 1_000);
    watchdog.readEnded();
    firesIn(fired, 120);
    const overdue = { now: false };
    const other = watched();
    // A read that took 90 ms to arrive leaves 10 ms of the 100 ms forgiven.
    vi.advanceTimersByTime(90);
    other.watchdog.readStarted(() => (overdue.now = true), Date.now() - 90);
    firesIn(overdue, 10);
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
