import { z } from 'zod';
import { CandleSchema } from '../values/candle.ts';
import { TimeframeSchema } from '../values/timeframe.ts';

/** Coin name as Hyperliquid spells it (`BTC`, `ETH`, `kPEPE`...) or a dataset's own symbol. */
export const CoinSchema = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_\-./:]*$/, 'must be letters, digits and _-./: only');

/** Where a candle series comes from. */
export const CandleSourceSchema = z.discriminatedUnion('kind', [
  /** A dataset bundled with the app, by name. */
  z.object({ kind: z.literal('sample'), name: z.string().min(1).max(128) }),
  /** A CSV or JSON candle file on the engine host, inside one of its allowed data folders. */
  z.object({ kind: z.literal('file'), path: z.string().min(1).max(4096) }),
  /** A series already in the candle cache (imported, downloaded or recorded), by its source. */
  z.object({ kind: z.literal('cache'), source: z.string().min(1).max(256) }),
]);

/** Where a candle series comes from. */
export type CandleSourceRef = z.infer<typeof CandleSourceSchema>;

/** Identifies a loaded series; stable for the same source, coin and interval. */
export const SeriesIdSchema = z.string().min(1).max(256);

/** What the engine knows about a loaded series. */
export const SeriesInfoSchema = z.object({
  seriesId: SeriesIdSchema,
  /** Where the bars come from: `hyperliquid`, `binance`, `import`, `sample:<name>`… */
  source: z.string().min(1),
  coin: CoinSchema,
  interval: TimeframeSchema,
  /** Human label, e.g. the file name. */
  label: z.string(),
  /** True when the data was generated, not recorded: the UI must say so. */
  synthetic: z.boolean(),
  count: z.number().int().nonnegative(),
  /** Open time of the first bar, unix ms, or null when empty. */
  first: z.number().int().nullable(),
  /** Open time of the last bar, unix ms, or null when empty. */
  last: z.number().int().nullable(),
});

/** What the engine knows about a loaded series. */
export type SeriesInfo = z.infer<typeof SeriesInfoSchema>;

/** The public id of the series of `coin` at `interval` from `source`. */
export function seriesIdOf(key: { readonly source: string; readonly coin: string; readonly interval: string }): string {
  return `${key.source}:${key.coin}:${key.interval}`;
}

/** Candles on the wire. */
export const CandleListSchema = z.array(CandleSchema);
