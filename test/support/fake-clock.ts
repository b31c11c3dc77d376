import type { Clock } from "../../src/clock.js";

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(private ms = Date.parse("2026-01-15T12:00:00.000Z")) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}
