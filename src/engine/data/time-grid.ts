import { TIMEFRAME_MS, type Timeframe } from '../../shared/values/timeframe.ts';

const DAY = 86_400_000;
// 1970-01-01 was a Thursday; Hyperliquid's weeks start on Monday 00:00 UTC (1970-01-05).
const MONDAY_OFFSET = 4 * DAY;

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/**
 * Open time of the bucket of interval `tf` that contains `t`, on Hyperliquid's grid:
 * intraday and daily intervals and 3d are aligned to the Unix epoch, weeks start on Monday
 * 00:00 UTC, months on the 1st at 00:00 UTC.
 */
export function bucketStart(t: number, tf: Timeframe): number {
  if (tf === '1M') {
    const d = new Date(t);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  if (tf === '1w') return t - mod(t - MONDAY_OFFSET, TIMEFRAME_MS['1w']);
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
 * - Intraday, daily and weekly bars must sit on Hyperliquid's grid (see {@link bucketStart}).
 * - 3d bars are spaced by 3 days from the first bar: venues anchor them differently.
 * - Monthly bars must open at 00:00 UTC, one per calendar month; both month-start labels and
 *   month-end labels (the first bar decides) are accepted, because data sets use both.
 */
export function timeGrid(tf: Timeframe, anchor: number): TimeGrid {
  if (tf === '1M') return monthGrid(anchor);
  const size = TIMEFRAME_MS[tf];
  const offset = tf === '3d' ? mod(anchor, size) : tf === '1w' ? MONDAY_OFFSET : 0;
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
  return {
    interval: '1M',
    slot: (t) => {
      if (mod(t, DAY) !== 0) return null;
      const d = new Date(t);
      return d.getUTCFullYear() * 12 + d.getUTCMonth();
    },
    timeOf: (n) => {
      const year = Math.floor(n / 12);
      const month = n - year * 12;
      const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
      return Date.UTC(year, month, endLabels ? last : Math.min(day, last));
    },
  };
}

function isLastDayOfMonth(d: Date): boolean {
  return new Date(d.getTime() + DAY).getUTCDate() === 1;
}
