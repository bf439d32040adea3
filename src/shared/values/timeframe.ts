import { z } from 'zod';

/**
 * Every candle interval Hyperliquid serves, in the venue's own spelling.
 * `1m` is one minute and `1M` one calendar month; the case matters.
 */
export const TIMEFRAMES = [
  '1m',
  '3m',
  '5m',
  '15m',
  '30m',
  '1h',
  '2h',
  '4h',
  '8h',
  '12h',
  '1d',
  '3d',
  '1w',
  '1M',
] as const;

/** A Hyperliquid candle interval. */
export type Timeframe = (typeof TIMEFRAMES)[number];

/** Schema for {@link Timeframe}. */
export const TimeframeSchema = z.enum(TIMEFRAMES);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Nominal length of each interval in milliseconds. `1M` is a calendar month and has no fixed
 * length: its entry is 30 days, for display and spacing checks only, never for bucketing.
 */
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': HOUR,
  '2h': 2 * HOUR,
  '4h': 4 * HOUR,
  '8h': 8 * HOUR,
  '12h': 12 * HOUR,
  '1d': DAY,
  '3d': 3 * DAY,
  '1w': 7 * DAY,
  '1M': 30 * DAY,
};

/** True for intervals whose length varies (calendar months). */
export function isCalendarTimeframe(tf: Timeframe): boolean {
  return tf === '1M';
}
