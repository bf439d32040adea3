import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { DecimalStringSchema } from '../../shared/values/decimal-values.ts';

/** When a market order decided at a bar's close is filled: at the next bar's open, or at that close. */
export const FillModeSchema = z.enum(['next-open', 'close']);
/** See {@link FillModeSchema}. */
export type FillMode = z.infer<typeof FillModeSchema>;

/**
 * The path price is assumed to take inside a bar, which decides whether a stop or a
 * take-profit is reached first. `pessimistic`: the extreme against the open position first
 * (its stop before its take-profit); `open-proximity`: the extreme nearer the open first.
 */
export const IntrabarModeSchema = z.enum(['pessimistic', 'open-proximity']);
/** See {@link IntrabarModeSchema}. */
export type IntrabarMode = z.infer<typeof IntrabarModeSchema>;

/** Cross: the whole account backs the position. Isolated: only the margin put into it. */
export const MarginModeSchema = z.enum(['cross', 'isolated']);
/** See {@link MarginModeSchema}. */
export type MarginMode = z.infer<typeof MarginModeSchema>;

function decimalIn(min: Decimal.Value, max: Decimal.Value, what: string) {
  // A string that is not a decimal was already reported by the regex (zod runs both checks).
  const inRange = (s: string) =>
    !DecimalStringSchema.safeParse(s).success || (new Decimal(s).gte(min) && new Decimal(s).lte(max));
  return DecimalStringSchema.refine(inRange, {
    message: `${what} must be between ${String(min)} and ${String(max)}`,
  });
}

const FeeRateSchema = decimalIn('-0.001', '0.01', 'a fee rate (a fraction: 0.00045 = 4.5 bps)');

/** One funding rate of a funding series: `rate` per hour, from `time` (unix ms). */
export const FundingPointSchema = z.object({
  time: z.number().int().nonnegative(),
  rate: decimalIn('-0.05', '0.05', 'an hourly funding rate'),
});

/**
 * Hourly funding. Positive rates: longs pay shorts. `series` takes, for each hour, the rate
 * stamped within a minute of it (venues stamp funding a few seconds after the hour); an hour
 * without one is charged nothing and counted in the run's notes.
 */
export const FundingSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('constant'), ratePerHour: decimalIn('-0.05', '0.05', 'an hourly funding rate') }).strict(),
  z
    .object({ kind: z.literal('series'), points: z.array(FundingPointSchema).min(1) })
    .strict()
    .refine((f) => f.points.every((p, i) => i === 0 || p.time > (f.points[i - 1]?.time ?? 0)), {
      message: 'funding points must be in increasing time order',
      path: ['points'],
    }),
]);
/** See {@link FundingSchema}. */
export type FundingConfig = z.infer<typeof FundingSchema>;

/**
 * The simulated venue's rules and the account it starts with. Money and rates are decimal
 * strings: they are exact. Defaults are Hyperliquid's base fee tier and one-times leverage.
 */
export const VenueConfigSchema = z
  .object({
    /** Starting balance in quote currency. */
    capital: decimalIn('0.01', '1e15', 'capital').default('10000'),
    /** Fee rate of fills that add liquidity (a fraction: 0.00015 = 1.5 bps). */
    makerFee: FeeRateSchema.default('0.00015'),
    /** Fee rate of fills that take liquidity. */
    takerFee: FeeRateSchema.default('0.00045'),
    /** Extra cost of taker fills, in basis points of price, against the trader. */
    slippageBps: z.number().min(0).max(1000).default(0),
    fill: FillModeSchema.default('next-open'),
    intrabar: IntrabarModeSchema.default('pessimistic'),
    /** Initial margin = notional / leverage. */
    leverage: z.number().int().min(1).max(100).default(1),
    marginMode: MarginModeSchema.default('cross'),
    /**
     * Equity (cross) or position margin (isolated) below this share of the notional is
     * liquidated. Hyperliquid uses half the initial margin at the asset's maximum leverage:
     * 1.25 % for a 40× asset.
     */
    maintenanceMarginRate: decimalIn('0', '0.5', 'the maintenance margin rate').default('0.0125'),
    /** Order sizes are whole multiples of this (the asset's size step). */
    lotSize: decimalIn('1e-12', '1e6', 'the lot size').default('0.00000001'),
    funding: FundingSchema.default({ kind: 'none' }),
  })
  .strict()
  .refine((c) => c.leverage * Number(c.maintenanceMarginRate) < 1, {
    message: 'leverage × maintenance margin rate must be below 1: the position would open already liquidatable',
    path: ['leverage'],
  });

/** Venue settings as written (defaults may be left out). */
export type VenueConfigInput = z.input<typeof VenueConfigSchema>;
/** Venue settings with defaults applied. */
export type VenueConfig = z.output<typeof VenueConfigSchema>;
