/**
 * The platform's last resort against a run its isolate does not stop (work inside a built-in
 * that never checks the time limit): it fires once the run has had its time limit and a margin.
 *
 * The isolate counts only the time a run runs: isolated-vm pauses a run's timeout while the run
 * waits for a host read. The watchdog pauses for reads too, or a body that mostly waits for
 * reads would outlive it while its isolate still gives it time. The waits it forgives add up to
 * the limit at most: a read still unanswered then is overdue (the sandbox answers it with an
 * error, and the run's own time counts again). The realm asks no more reads once the limit has
 * passed on the clock (realm-bootstrap.ts).
 *
 * A read's way to the platform and its answer's way back are waits too, for the isolate: the
 * sandbox process stamps each read with when its run stopped and when it took the last answer
 * (on `sharedClockMs`, the clock this watchdog runs on in the platform), and only the time
 * between counts as running. Counted from when the platform heard of each, the ways added up:
 * on a loaded machine a body reading in a loop outlived the watchdog while its isolate still
 * gave it time, and its process, every warm realm in it, was killed.
 */
export class RunWatchdog {
  private timer?: NodeJS.Timeout;
  private since: number;
  private runningLeftMs: number;
  private readingLeftMs: number;
  private reading = false;

  constructor(
    limitMs: number,
    marginMs: number,
    private readonly expire: () => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.runningLeftMs = limitMs + marginMs;
    this.readingLeftMs = limitMs;
    this.since = now();
    this.arm(this.runningLeftMs);
  }

  /**
   * The run waits for a host read, since `stoppedAt`, having run since `resumedAt` (the sandbox's
   * stamps, kept within the time since the last read was answered); `overdue` is told if it
   * waits past what is forgiven.
   */
  readStarted(overdue: () => void, stoppedAt?: number, resumedAt?: number): void {
    if (this.reading) return;
    const now = this.now();
    const ranFrom = clamp(resumedAt ?? this.since, this.since, now);
    const ranTo = clamp(stoppedAt ?? now, ranFrom, now);
    this.runningLeftMs -= ranTo - ranFrom;
    this.readingLeftMs -= ranFrom - this.since + (now - ranTo);
    this.since = now;
    this.reading = true;
    this.arm(this.readingLeftMs, overdue);
  }

  /** The read was answered: the run's own time counts again. */
  readEnded(): void {
    if (!this.reading) return;
    this.readingLeftMs -= this.elapsed();
    this.reading = false;
    this.arm(this.runningLeftMs);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  private elapsed(): number {
    const at = this.now();
    const elapsed = at - this.since;
    this.since = at;
    return elapsed;
  }

  private arm(ms: number, fire = this.expire): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(fire, Math.max(0, ms));
  }
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(Math.max(value, low), high);
}
