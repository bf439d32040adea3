import { z } from 'zod';

/**
 * One OHLCV bar. `time` is the bar's OPEN time in unix milliseconds, UTC, as Hyperliquid
 * reports it. Prices are plain numbers: candles feed indicators and detection, never
 * accounting (money uses the decimal value types).
 */
export interface Candle {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const positive = finite.refine((n) => n > 0, 'must be greater than 0');

/** Schema for {@link Candle}, including OHLC sanity. */
export const CandleSchema = z
  .object({
    time: z.number().int().nonnegative(),
    open: positive,
    high: positive,
    low: positive,
    close: positive,
    volume: finite.refine((n) => n >= 0, 'must not be negative'),
  })
  .superRefine((c, ctx) => {
    if (c.low > Math.min(c.open, c.close)) {
      ctx.addIssue({ code: 'custom', path: ['low'], message: 'low is above min(open, close)' });
    }
    if (c.high < Math.max(c.open, c.close)) {
      ctx.addIssue({ code: 'custom', path: ['high'], message: 'high is below max(open, close)' });
    }
  });
