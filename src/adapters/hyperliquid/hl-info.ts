import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { ValidationError } from '../../shared/contract/errors.ts';
import { describeIssues } from '../../shared/contract/validation.ts';
import { bookOf, HlDecimalSchema, HlL2BookSchema, type L2Book } from './hl-market-schemas.ts';

/** Whatever answers /info requests (an {@link HlExchangeClient}, with its limiter and retries). */
export interface InfoSource {
  info(body: Record<string, unknown>): Promise<unknown>;
}

const FundingSchema = z.array(
  z
    .object({ coin: z.string(), fundingRate: HlDecimalSchema, premium: HlDecimalSchema, time: z.number().int() })
    .loose(),
);

const AssetCtxSchema = z
  .object({
    dayNtlVlm: HlDecimalSchema,
    funding: HlDecimalSchema,
    impactPxs: z.tuple([HlDecimalSchema, HlDecimalSchema]).nullable(),
    markPx: HlDecimalSchema,
    midPx: HlDecimalSchema.nullable(),
    openInterest: HlDecimalSchema,
    oraclePx: HlDecimalSchema,
    premium: HlDecimalSchema.nullable(),
    prevDayPx: HlDecimalSchema,
    dayBaseVlm: HlDecimalSchema,
  })
  .loose();

const MetaAndCtxsSchema = z.tuple([
  z
    .object({
      universe: z.array(
        z.object({ name: z.string(), szDecimals: z.number().int(), maxLeverage: z.number().int() }).loose(),
      ),
    })
    .loose(),
  z.array(AssetCtxSchema),
]);

/** One hourly funding settlement of a market. */
export interface FundingRecord {
  readonly coin: string;
  /** Rate paid this hour (positive: longs pay shorts). */
  readonly fundingRate: Decimal;
  readonly premium: Decimal;
  readonly time: number;
}

/** A perpetual market with its current context (prices, funding, interest). */
export interface PerpMarketState {
  readonly name: string;
  /** The market's asset id (its index in the venue's universe). */
  readonly asset: number;
  readonly szDecimals: number;
  readonly maxLeverage: number;
  readonly markPrice: Decimal;
  readonly midPrice: Decimal | null;
  readonly oraclePrice: Decimal;
  /** Current hourly funding rate. */
  readonly funding: Decimal;
  readonly premium: Decimal | null;
  readonly openInterest: Decimal;
  readonly prevDayPrice: Decimal;
  readonly dayNotionalVolume: Decimal;
  readonly dayBaseVolume: Decimal;
  /** Prices to buy and sell the impact notional, when the book is deep enough. */
  readonly impactPrices: readonly [Decimal, Decimal] | null;
}

/** The venue answers at most this many items per time-range request. */
const PAGE = 500;
const MAX_PAGES = 200;

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(describeIssues(`venue ${what}`, result.error));
  return result.data;
}

const optional = (text: string | null) => (text === null ? null : new Decimal(text));

/** Typed, validated market info: funding history, market contexts and the order book. */
export class HlInfo {
  private readonly source: InfoSource;

  constructor(source: InfoSource) {
    this.source = source;
  }

  /**
   * Funding settlements of `coin` from `startTime` to `endTime` (ms; default now), oldest
   * first. Time-range answers are capped at 500 items, so long ranges are fetched page by
   * page from the last item's time.
   */
  async fundingHistory(coin: string, startTime: number, endTime?: number): Promise<FundingRecord[]> {
    const out: FundingRecord[] = [];
    let start = startTime;
    for (let page = 0; page < MAX_PAGES; page++) {
      const body: Record<string, unknown> = { type: 'fundingHistory', coin, startTime: start };
      if (endTime !== undefined) body.endTime = endTime;
      const items = parse(FundingSchema, await this.source.info(body), 'fundingHistory');
      for (const f of items) {
        if (f.coin !== coin) continue;
        out.push({ coin, fundingRate: new Decimal(f.fundingRate), premium: new Decimal(f.premium), time: f.time });
      }
      const last = items[items.length - 1];
      if (items.length < PAGE || !last) break;
      start = last.time + 1;
    }
    const seen = new Set<number>();
    return out.filter((f) => !seen.has(f.time) && seen.add(f.time)).sort((a, b) => a.time - b.time);
  }

  /** Every perpetual market with its context (metaAndAssetCtxs), in asset-id order. */
  async metaAndAssetCtxs(): Promise<PerpMarketState[]> {
    const [meta, ctxs] = parse(
      MetaAndCtxsSchema,
      await this.source.info({ type: 'metaAndAssetCtxs' }),
      'metaAndAssetCtxs',
    );
    if (ctxs.length !== meta.universe.length) {
      throw new ValidationError(
        `venue metaAndAssetCtxs: ${meta.universe.length} markets but ${ctxs.length} contexts; cannot pair them`,
      );
    }
    return meta.universe.map((m, asset) => {
      const c = ctxs[asset] as z.infer<typeof AssetCtxSchema>;
      return {
        name: m.name,
        asset,
        szDecimals: m.szDecimals,
        maxLeverage: m.maxLeverage,
        markPrice: new Decimal(c.markPx),
        midPrice: optional(c.midPx),
        oraclePrice: new Decimal(c.oraclePx),
        funding: new Decimal(c.funding),
        premium: optional(c.premium),
        openInterest: new Decimal(c.openInterest),
        prevDayPrice: new Decimal(c.prevDayPx),
        dayNotionalVolume: new Decimal(c.dayNtlVlm),
        dayBaseVolume: new Decimal(c.dayBaseVlm),
        impactPrices: c.impactPxs ? [new Decimal(c.impactPxs[0]), new Decimal(c.impactPxs[1])] : null,
      };
    });
  }

  /** The order book of `coin` (up to 20 levels a side). */
  async l2Book(coin: string): Promise<L2Book> {
    const raw = await this.source.info({ type: 'l2Book', coin });
    if (raw === null) throw new ValidationError(`the venue has no book for ${coin}`);
    return bookOf(parse(HlL2BookSchema, raw, 'l2Book'));
  }
}
