import type { Candle } from '../../../shared/values/candle.ts';

/**
 * Decimals the price axis should show: as many as the data itself uses (up to 8), so BTC
 * reads "43250" and a small coin "0.004512", instead of a fixed two decimals for everything.
 */
export function pricePrecision(candles: readonly Candle[], sample = 500): number {
  let decimals = 0;
  const step = Math.max(1, Math.floor(candles.length / sample));
  for (let i = 0; i < candles.length; i += step) {
    const c = candles[i] as Candle;
    for (const value of [c.open, c.high, c.low, c.close]) {
      const text = String(value);
      const dot = text.indexOf('.');
      if (dot >= 0) decimals = Math.max(decimals, text.length - dot - 1);
    }
  }
  return Math.min(decimals, 8);
}
