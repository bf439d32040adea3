import { TIMEFRAME_MS, type Timeframe } from '../../shared/values/timeframe.ts';

const DAY = 86_400_000;
// 1970-01-01 was a Thursday: epoch-aligned weeks start on Thursday, Monday weeks 4 days later.
const MONDAY_OFFSET = 4 * DAY;

/**
 * The day weekly buckets start on, 00:00 UTC. Monday is the calendar week of TradingView and
 * Binance (and of the product spec); Thursday is the epoch-aligned week, which is how
 * Hyperliquid's own 1w candles are reported to open. Resampling takes either.
 */
export type WeekStart = 'monday' | 'thursday';

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/**
 * Open time of the bucket of interval `tf` that contains `t`: intraday and daily intervals
 * and 3d are aligned to the Unix epoch, weeks start on `weekStart` (Monday by default) at
 * 00:00 UTC, months on the 1st at 00:00 UTC.
 */
export function bucketStart(t: number, tf: Timeframe, weekStart: WeekStart = 'monday'): number {
  if (tf === '1M') {
    const d = new Date(t);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  if (tf === '1w') return t - mod(t - (weekStart === 'monday' ? MONDAY_OFFSET : 0), TIMEFRAME_MS['1w']);
  return t - mod(t, TIMEFRAME_MS[tf]);
}

/** Open time of the bucket after the one that opens at `start`. */
export function nextBucketStart(start: number, tf: Timeframe): number {
  if (tf === '1M') {
    const d = new Date(start);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return start + TIMEFRAME_MS[tf];
}

/**
 * Numbers the bar slots of one series: consecutive bars have consecutive slots, so a jump of
 * k means k − 1 missing bars. `slot` returns null for a time that is not on the grid.
 */
export interface TimeGrid {
  readonly interval: Timeframe;
  slot(t: number): number | null;
  /** Open time of slot `n` (in the labelling style of the series). */
  timeOf(n: number): number;
}

/**
 * The grid of a series of interval `tf` whose first bar opens at `anchor`.
 *
 * - Intraday and daily bars must sit on the epoch-aligned grid (see {@link bucketStart}).
 * - 3d and weekly bars are spaced from the first bar: venues anchor them on different days
 *   (weeks on Monday or Thursday, 3d from a listing date), so only the spacing is checked.
 * - Monthly bars must open at 00:00 UTC, one per calendar month, all labelled like the first
 *   bar: on the same day of the month, or on the last day of each month (data sets use both).
 */
export function timeGrid(tf: Timeframe, anchor: number): TimeGrid {
  if (tf === '1M') return monthGrid(anchor);
  const size = TIMEFRAME_MS[tf];
  const offset = tf === '3d' || tf === '1w' ? mod(anchor, size) : 0;
  return {
    interval: tf,
    slot: (t) => {
      const n = (t - offset) / size;
      return Number.isInteger(n) ? n : null;
    },
    timeOf: (n) => n * size + offset,
  };
}

function monthGrid(anchor: number): TimeGrid {
  const first = new Date(anchor);
  const endLabels = isLastDayOfMonth(first);
  const day = first.getUTCDate();
  const timeOf = (n: number) => {
    const year = Math.floor(n / 12);
    const month = n - year * 12;
    const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    return Date.UTC(year, month, endLabels ? last : Math.min(day, last));
  };
  return {
    interval: '1M',
    slot: (t) => {
      const d = new Date(t);
      const n = d.getUTCFullYear() * 12 + d.getUTCMonth();
      return timeOf(n) === t ? n : null;
    },
    timeOf,
  };
}

function isLastDayOfMonth(d: Date): boolean {
  return new Date(d.getTime() + DAY).getUTCDate() === 1;
}
