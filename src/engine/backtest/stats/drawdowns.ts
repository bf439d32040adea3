/** Drawdown figures of an equity curve. */
export interface DrawdownSummary {
  /** Deepest fall from a running peak, as a fraction (0 when equity never fell). */
  readonly max: number;
  /** Mean of the deepest fall of each drawdown period, or null without any. */
  readonly averagePeak: number | null;
  /** Longest and mean time from a peak to the recovery (or to the end), in ms, or null. */
  readonly maxDurationMs: number | null;
  readonly averageDurationMs: number | null;
}

/**
 * Drawdowns as backtesting.py measures them: `dd = 1 − equity / running peak`; a drawdown
 * period runs from a bar at a peak (dd = 0) to the next bar at a peak, or to the last bar,
 * when at least one bar between is below the peak. Its duration is the time between those
 * two bars and its depth the deepest dd inside.
 */
export function summarizeDrawdowns(equity: Float64Array, time: Float64Array): DrawdownSummary {
  const n = equity.length;
  let peak = Number.NEGATIVE_INFINITY;
  let max = 0;
  let prevZero = -1;
  let depth = 0;
  let periods = 0;
  let depthSum = 0;
  let durationSum = 0;
  let maxDuration = Number.NaN;
  const close = (end: number) => {
    if (prevZero >= 0 && end > prevZero + 1) {
      const duration = (time[end] as number) - (time[prevZero] as number);
      periods++;
      depthSum += depth;
      durationSum += duration;
      if (!(duration <= maxDuration)) maxDuration = duration;
    }
  };
  for (let i = 0; i < n; i++) {
    const e = equity[i] as number;
    if (e > peak) peak = e;
    const dd = peak > 0 ? 1 - e / peak : 0;
    if (dd > max) max = dd;
    if (dd === 0) {
      // The bar at the new peak ends the period; the deepest point includes it (it is 0).
      close(i);
      prevZero = i;
      depth = 0;
    } else if (dd > depth) depth = dd;
  }
  if (n > 0 && prevZero !== n - 1) close(n - 1);
  return {
    max,
    averagePeak: periods > 0 ? depthSum / periods : null,
    maxDurationMs: periods > 0 ? maxDuration : null,
    averageDurationMs: periods > 0 ? durationSum / periods : null,
  };
}
