/** Summary of a list of timings in milliseconds. */
export interface Timing {
  readonly median: number;
  readonly p99: number;
  readonly runs: number;
}

/** Median and p99 of samples (ms). Medians, not means: the machine is shared and noisy. */
export function summarize(samples: readonly number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { median: at(0.5), p99: at(0.99), runs: sorted.length };
}

/** Times `fn` `runs` times after `warmup` untimed runs. */
export async function measure(fn: () => unknown, runs: number, warmup = Math.ceil(runs / 10)): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return summarize(samples);
}
