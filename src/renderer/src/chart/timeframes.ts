import { TIMEFRAME_MS, TIMEFRAMES, type Timeframe } from '../../../shared/values/timeframe.ts';

const DAY = 86_400_000;

/**
 * Whether bars of interval `from` can be shown as `to`. Mirrors the engine's resampling rule
 * (whole multiples only; months from intervals up to a day), which the renderer cannot import:
 * offering a timeframe the engine then refuses would be a dead button.
 */
export function canResample(from: Timeframe, to: Timeframe): boolean {
  if (from === to) return true;
  const f = TIMEFRAME_MS[from];
  if (to === '1M') return f <= DAY;
  if (from === '1M') return false;
  const t = TIMEFRAME_MS[to];
  return t > f && t % f === 0;
}

/** The timeframes a series of interval `native` can be shown in, in {@link TIMEFRAMES} order. */
export function validTimeframes(native: Timeframe, resampling: boolean): Timeframe[] {
  if (!resampling) return [native];
  return TIMEFRAMES.filter((tf) => canResample(native, tf));
}

/**
 * The context timeframe of the two-chart layout: the first valid one at least four times
 * `tf` (1h → 4h, 15m → 1h), else the largest valid one above `tf`, else null.
 */
export function higherTimeframe(tf: Timeframe, valid: readonly Timeframe[]): Timeframe | null {
  const above = valid.filter((t) => TIMEFRAME_MS[t] > TIMEFRAME_MS[tf]);
  return above.find((t) => TIMEFRAME_MS[t] >= 4 * TIMEFRAME_MS[tf]) ?? above.at(-1) ?? null;
}
