/** What an injected fault does to a call: answer 500, answer 429, or never answer. */
export type FaultKind = 500 | 429 | "hang";

/** A fault for the next `count` calls of a method. */
export interface Fault {
  method: string;
  count: number;
  kind: FaultKind;
  /** For 429: the retry_after to answer (default 1). */
  retryAfter?: number;
}

/** Faults and latency that tests inject into Bot API calls, by method name (any case). */
export class Faults {
  private faults: Fault[] = [];
  private readonly latency = new Map<string, number>();

  inject(fault: Fault): void {
    if (fault.count > 0) this.faults.push({ ...fault, method: fault.method.toLowerCase() });
  }

  /** Delays every call of `method` (every call when undefined) by `ms`; 0 removes it. */
  setLatency(method: string | undefined, ms: number): void {
    const key = method?.toLowerCase() ?? "*";
    if (ms > 0) this.latency.set(key, ms);
    else this.latency.delete(key);
  }

  /** Milliseconds to wait before answering a call of this method. */
  delayFor(method: string): number {
    if (this.latency.size === 0) return 0;
    return (this.latency.get(method) ?? 0) + (this.latency.get("*") ?? 0);
  }

  /** The fault this call of `method` suffers, if one is pending (it is used up). */
  take(method: string): Fault | undefined {
    if (this.faults.length === 0) return undefined;
    const fault = this.faults.find((candidate) => candidate.method === method);
    if (fault && --fault.count === 0) this.faults = this.faults.filter((other) => other !== fault);
    return fault;
  }

  /** Calls still to suffer an injected fault (tests wait for a fault to be taken). */
  get pending(): number {
    return this.faults.reduce((sum, fault) => sum + fault.count, 0);
  }

  clear(): void {
    this.faults = [];
    this.latency.clear();
  }
}
