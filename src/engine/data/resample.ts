import { ValidationError } from '../../shared/contract/errors.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../shared/values/timeframe.ts';
import { allocateColumns, sliceColumns, type CandleColumns } from './candle-columns.ts';
import { bucketStart, nextBucketStart, type WeekStart } from './time-grid.ts';

const DAY = 86_400_000;

/** Options for {@link resample}. */
export interface ResampleOptions {
  /**
   * `drop` (default): leave out a first or last bucket the data only partly covers (it would
   * not match the venue's bar). `keep`: emit them too, e.g. for a bar still forming.
   */
  readonly partial?: 'drop' | 'keep';
  /** Day weekly buckets start on (Monday by default; see {@link WeekStart}). */
  readonly weekStart?: WeekStart;
}

/**
 * Whether bars of interval `from` tile buckets of interval `to` exactly. Weeks and months are
 * made of whole days, so any interval up to 1d divides them; 3d does not.
 */
export function canResample(from: Timeframe, to: Timeframe): boolean {
  const f = TIMEFRAME_MS[from];
  if (to === '1M') return f <= DAY;
  if (from === '1M') return false;
  const t = TIMEFRAME_MS[to];
  return t > f && t % f === 0;
}

/**
 * Aggregates bars of interval `from` into buckets of interval `to` (epoch-aligned intraday
 * and daily buckets, weeks from Monday 00:00 UTC unless told otherwise, calendar months): open of the first bar, highest high,
 * lowest low, close of the last bar, summed volume. Missing bars inside a bucket are not
 * invented; the bucket aggregates the bars that exist, as a venue's own bar would. One pass,
 * O(n).
 */
export function resample(
  columns: CandleColumns,
  from: Timeframe,
  to: Timeframe,
  options: ResampleOptions = {},
): CandleColumns {
  if (!canResample(from, to)) {
    throw new ValidationError(`cannot resample ${from} bars to ${to}: ${to} is not a whole multiple of ${from}`);
  }
  const n = columns.length;
  const { time, open, high, low, close, volume } = columns;
  // At most one bucket per bar, and no more than the time span holds.
  const shortestBucket = to === '1M' ? 28 * DAY : TIMEFRAME_MS[to];
  const span = n === 0 ? 0 : (time[n - 1] as number) - (time[0] as number);
  const out = allocateColumns(Math.min(n, Math.floor(span / shortestBucket) + 2));
  let count = -1;
  let bucketEnd = Number.NaN;
  for (let i = 0; i < n; i++) {
    const t = time[i] as number;
    if (!(t < bucketEnd)) {
      const bucket = bucketStart(t, to, options.weekStart);
      bucketEnd = nextBucketStart(bucket, to);
      count++;
      out.time[count] = bucket;
      out.open[count] = open[i] as number;
      out.high[count] = high[i] as number;
      out.low[count] = low[i] as number;
      out.volume[count] = 0;
    }
    const h = high[i] as number;
    const l = low[i] as number;
    if (h > (out.high[count] as number)) out.high[count] = h;
    if (l < (out.low[count] as number)) out.low[count] = l;
    out.close[count] = close[i] as number;
    out.volume[count] = (out.volume[count] as number) + (volume[i] as number);
  }
  const total = count + 1;
  if (total === 0 || options.partial === 'keep') return sliceColumns(out, 0, total);
  const step = TIMEFRAME_MS[from];
  const firstPartial = (time[0] as number) > (out.time[0] as number);
  const lastEnd = nextBucketStart(out.time[total - 1] as number, to);
  const lastPartial = (time[n - 1] as number) + step < lastEnd;
  return sliceColumns(out, firstPartial ? 1 : 0, lastPartial ? total - 1 : total);
}
