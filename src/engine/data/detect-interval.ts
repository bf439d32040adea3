import { TIMEFRAMES, TIMEFRAME_MS, type Timeframe } from '../../shared/values/timeframe.ts';

const DAY = 86_400_000;

/**
 * The interval of a series from its first open times: the most frequent spacing (gaps make
 * some spacings larger, so the minimum would mislead less often than the mode helps), matched
 * to a Hyperliquid interval. Spacings of 28 to 31 days are calendar months. Null when there
 * are fewer than two bars or the spacing is not an interval Hyperliquid knows.
 */
export function detectInterval(times: ArrayLike<number>): Timeframe | null {
  const counts = new Map<number, number>();
  for (let i = 1; i < times.length; i++) {
    let delta = (times[i] as number) - (times[i - 1] as number);
    if (delta <= 0) continue;
    if (delta >= 28 * DAY && delta <= 31 * DAY) delta = TIMEFRAME_MS['1M'];
    counts.set(delta, (counts.get(delta) ?? 0) + 1);
  }
  let best: number | null = null;
  let bestCount = 0;
  for (const [delta, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== null && delta < best)) {
      best = delta;
      bestCount = count;
    }
  }
  if (best === null) return null;
  return TIMEFRAMES.find((tf) => TIMEFRAME_MS[tf] === best) ?? null;
}
