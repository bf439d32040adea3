import type { UTCTimestamp } from 'lightweight-charts';

/**
 * The one conversion from engine time (unix ms) to the chart's time (unix seconds, UTC).
 * Everything drawn on a chart goes through here.
 */
export function toChartTime(ms: number): UTCTimestamp {
  return Math.floor(ms / 1000) as UTCTimestamp;
}
