import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { DecimalStringSchema, money, type Money } from '../../../shared/values/decimal-values.ts';

/** USD per million tokens of each kind, as decimal strings. */
export const ModelPricingSchema = z
  .object({
    inputPerMTok: DecimalStringSchema,
    outputPerMTok: DecimalStringSchema,
    /** Writing the prompt cache with the default 5-minute lifetime (the only one this adapter uses). */
    cacheWritePerMTok: DecimalStringSchema,
    cacheReadPerMTok: DecimalStringSchema,
  })
  .strict();
/** See {@link ModelPricingSchema}. */
export type ModelPricing = z.infer<typeof ModelPricingSchema>;

/**
 * Anthropic's list prices (USD per million tokens, standard tier, 5-minute cache writes) for the
 * models this adapter is expected to run with, as published in November 2026. Prices change:
 * the trader's configuration can override any entry or add a model. Claude Haiku 5.5 is priced
 * in two bands; this is the band for prompts up to 100k tokens, which a chunk never exceeds.
 */
export const DEFAULT_PRICING: Readonly<Record<string, ModelPricing>> = {
  'claude-sonnet-5-5': { inputPerMTok: '2', outputPerMTok: '10', cacheWritePerMTok: '2.5', cacheReadPerMTok: '0.1' },
  'claude-sonnet-5': { inputPerMTok: '2', outputPerMTok: '10', cacheWritePerMTok: '2.5', cacheReadPerMTok: '0.2' },
  'claude-opus-5-5': { inputPerMTok: '4', outputPerMTok: '20', cacheWritePerMTok: '5', cacheReadPerMTok: '0.2' },
  'claude-haiku-5-5': {
    inputPerMTok: '0.1',
    outputPerMTok: '0.5',
    cacheWritePerMTok: '0.125',
    cacheReadPerMTok: '0.01',
  },
  'claude-haiku-4-5': { inputPerMTok: '1', outputPerMTok: '5', cacheWritePerMTok: '1.25', cacheReadPerMTok: '0.1' },
};

/** Token counts of one response, as the API reports them. */
export interface TokenUsage {
  /** Input tokens that were neither written to nor read from the cache. */
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheWriteTokens: number;
  readonly cacheReadTokens: number;
}

const MILLION = new Decimal(1_000_000);

/** What `usage` cost at `pricing`, exact. */
export function costOf(usage: TokenUsage, pricing: ModelPricing): Money {
  const sum = new Decimal(usage.inputTokens)
    .times(pricing.inputPerMTok)
    .plus(new Decimal(usage.outputTokens).times(pricing.outputPerMTok))
    .plus(new Decimal(usage.cacheWriteTokens).times(pricing.cacheWritePerMTok))
    .plus(new Decimal(usage.cacheReadTokens).times(pricing.cacheReadPerMTok));
  return money(sum.dividedBy(MILLION));
}
