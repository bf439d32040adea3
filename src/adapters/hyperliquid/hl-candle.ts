import { z } from 'zod';
import { CandleColumnsBuilder, type CandleColumns } from '../../engine/data/candle-columns.ts';
import { DecimalStringSchema } from '../../shared/values/decimal-values.ts';
import { TimeframeSchema } from '../../shared/values/timeframe.ts';

/**
 * A candle as Hyperliquid sends it (candleSnapshot and the `candle` subscription): prices and
 * volume as decimal strings (the docs show numbers for WS, the SDK and the venue send strings;
 * both are accepted).
 */
export const HlCandleSchema = z.object({
  t: z.number().int().nonnegative(),
  T: z.number().int().nonnegative(),
  s: z.string(),
  i: TimeframeSchema,
  o: z.union([DecimalStringSchema, z.number()]),
  c: z.union([DecimalStringSchema, z.number()]),
  h: z.union([DecimalStringSchema, z.number()]),
  l: z.union([DecimalStringSchema, z.number()]),
  v: z.union([DecimalStringSchema, z.number()]),
  n: z.number().int().nonnegative().optional(),
});

/** A candle as Hyperliquid sends it. */
export type HlCandle = z.infer<typeof HlCandleSchema>;

/** A candleSnapshot response. */
export const HlCandleListSchema = z.array(HlCandleSchema);

/** Hyperliquid candles (ascending or not, possibly repeated) as sorted, unique columns. */
export function hlCandlesToColumns(candles: readonly HlCandle[]): CandleColumns {
  const sorted = [...candles].sort((a, b) => a.t - b.t);
  const builder = new CandleColumnsBuilder(sorted.length);
  let previous = Number.NEGATIVE_INFINITY;
  for (const c of sorted) {
    if (c.t === previous) continue;
    previous = c.t;
    builder.push(c.t, Number(c.o), Number(c.h), Number(c.l), Number(c.c), Number(c.v));
  }
  return builder.view();
}
