import { readdirSync, readFileSync } from "node:fs";

/** Percentile of a list of samples (ms), nearest-rank. */
export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Runs `fn` `count` times in sequence and answers the latency of each call in ms. */
export async function timeEach(count: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await fn(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

/** One line: name, p50, p99, and the ratio of p50 against a baseline's p50. */
export function report(name: string, samples: number[], baseline?: number[]): string {
  const p50 = percentile(samples, 50);
  const ratio = baseline ? `  (${(p50 / percentile(baseline, 50)).toFixed(1)}× baseline)` : "";
  return `${name.padEnd(44)} p50 ${p50.toFixed(2).padStart(7)} ms   p99 ${percentile(samples, 99).toFixed(2).padStart(7)} ms${ratio}`;
}

/**
 * The main thread's CPU time so far, in ns (Linux: the scheduler's own count, so time spent
 * waiting for a core on a busy machine is not in it); NaN elsewhere.
 */
export function threadCpuNs(): number {
  try {
    return Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]);
  } catch {
    return NaN;
  }
}

/**
 * The CPU time (user and system) of this process's child processes so far, in ns (Linux; NaN
 * elsewhere): Botyard's sandbox processes, alive through a run (one that died in it is not counted).
 */
export function childrenCpuNs(): number {
  try {
    const tick = 1e9 / 100; // USER_HZ
    return readdirSync("/proc/self/task")
      .flatMap((task) => readFileSync(`/proc/self/task/${task}/children`, "utf8").split(" ").filter(Boolean))
      .reduce((sum, pid) => {
        const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
        return sum + (Number(fields[11]) + Number(fields[12])) * tick;
      }, 0);
  } catch {
    return NaN;
  }
}
