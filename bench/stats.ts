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
