/** Summary of a list of timings in milliseconds. */
export interface Timing {
  readonly median: number;
  readonly p99: number;
  readonly runs: number;
}

/** One comparison: a subject and the reference it is measured against in the same run. */
export interface BenchRow {
  readonly suite: string;
  readonly name: string;
  readonly subject: Timing;
  readonly referenceName: string;
  readonly reference: Timing;
  /** The target for the subject's median, in ms, when it has one. */
  readonly targetMs?: number;
  /** Anything else worth reporting (memory, throughput). */
  readonly notes?: string;
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

/** Runs `fn` while sampling RSS; returns its result and the peak growth in bytes. */
export async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peakGrowth: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakGrowth: peak - base };
  } finally {
    clearInterval(timer);
  }
}
