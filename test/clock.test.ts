import { describe, expect, it } from "vitest";
import { every, sleep, systemClock } from "../src/clock.js";
import { FakeClock } from "./support/fake-clock.js";

describe("the fake clock's timers", () => {
  it("fire only when the clock passes their due time, in due order, with now() at their due time", () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimer(300, () => fired.push(`c@${clock.now()}`));
    clock.setTimer(100, () => fired.push(`a@${clock.now()}`));
    clock.setTimer(100, () => fired.push(`b@${clock.now()}`));
    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(201);
    expect(fired).toEqual(["a@100", "b@100", "c@300"]);
    expect(clock.now()).toBe(300);
    expect(clock.pendingTimers).toBe(0);
  });

  it("fires timers set while advancing when they fall inside the same move, and never a cancelled one", () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    clock.setTimer(10, () => clock.setTimer(10, () => fired.push(clock.now())));
    const cancelled = clock.setTimer(15, () => fired.push(-1));
    cancelled.cancel();
    clock.advance(25);
    expect(fired).toEqual([20]);
  });

  it("repeats with every() until cancelled", () => {
    const clock = new FakeClock(0);
    const ticks: number[] = [];
    const timer = every(clock, 1000, () => ticks.push(clock.now()));
    clock.advance(3500);
    timer.cancel();
    clock.advance(5000);
    expect(ticks).toEqual([1000, 2000, 3000]);
    expect(clock.pendingTimers).toBe(0);
  });

  it("ends a sleep when the time passed, or early when aborted", async () => {
    const clock = new FakeClock(0);
    const passed = sleep(clock, 500);
    clock.advance(500);
    expect(await passed).toBe(true);
    const abort = new AbortController();
    const cut = sleep(clock, 500, abort.signal);
    abort.abort();
    expect(await cut).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("the system clock's timers", () => {
  it("fire after their delay and can be cancelled", async () => {
    const fired: string[] = [];
    const cancelled = systemClock.setTimer(1, () => fired.push("cancelled"));
    cancelled.cancel();
    expect(await sleep(systemClock, 5)).toBe(true);
    expect(fired).toEqual([]);
  });
});
