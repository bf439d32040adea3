import { z } from 'zod';
import { DecimalStringSchema } from '../values/decimal-values.ts';

/*
 * The hard limits of a trading session, in the contract so that the engine's risk manager,
 * the settings kept in the store and the Settings panel share one definition. Each field is
 * declared once without its default, so a partial update (`RiskRulesPatchSchema`) can leave a
 * field out without zod filling the default in.
 */
const RULES = {
  /** Equity at risk per trade, to the stop (sizing). */
  riskPercent: z.number().gt(0).max(100),
  /** Largest position notional / equity. */
  maxLeverage: z.number().gt(0).max(100),
  /** Largest notional of one position, in quote currency. */
  maxPositionNotional: DecimalStringSchema,
  /** Most markets with a position at once. */
  maxOpenPositions: z.number().int().min(1).max(100),
  /** Loss (realised PnL net of fees) in one UTC day that stops new entries until the next day. */
  dailyLossLimit: DecimalStringSchema,
  /** This many losing trades in a row stop new entries until reset. */
  maxConsecutiveLosses: z.number().int().min(1).max(1000),
  /** This many venue errors within `errorWindowMs` stop new entries until reset. */
  maxErrors: z.number().int().min(1).max(1000),
  errorWindowMs: z.number().int().min(1000),
  /** Most orders sent in any 60 s. */
  maxOrdersPerMinute: z.number().int().min(1).max(10_000),
  /** Only orders that reduce a position are allowed. */
  reduceOnly: z.boolean(),
};

/** The default hard limits: 2 % risk per trade, 5× leverage, $500 daily loss, 3 positions. */
export const DEFAULT_RISK_RULES = {
  riskPercent: 2,
  maxLeverage: 5,
  maxPositionNotional: '1000000',
  maxOpenPositions: 3,
  dailyLossLimit: '500',
  maxConsecutiveLosses: 5,
  maxErrors: 5,
  errorWindowMs: 300_000,
  maxOrdersPerMinute: 30,
  reduceOnly: false,
} as const satisfies { [K in keyof typeof RULES]: z.output<(typeof RULES)[K]> };

/** The hard limits of a trading session. Every refusal names the rule it broke. */
export const RiskRulesSchema = z
  .object({
    riskPercent: RULES.riskPercent.default(DEFAULT_RISK_RULES.riskPercent),
    maxLeverage: RULES.maxLeverage.default(DEFAULT_RISK_RULES.maxLeverage),
    maxPositionNotional: RULES.maxPositionNotional.default(DEFAULT_RISK_RULES.maxPositionNotional),
    maxOpenPositions: RULES.maxOpenPositions.default(DEFAULT_RISK_RULES.maxOpenPositions),
    dailyLossLimit: RULES.dailyLossLimit.default(DEFAULT_RISK_RULES.dailyLossLimit),
    maxConsecutiveLosses: RULES.maxConsecutiveLosses.default(DEFAULT_RISK_RULES.maxConsecutiveLosses),
    maxErrors: RULES.maxErrors.default(DEFAULT_RISK_RULES.maxErrors),
    errorWindowMs: RULES.errorWindowMs.default(DEFAULT_RISK_RULES.errorWindowMs),
    maxOrdersPerMinute: RULES.maxOrdersPerMinute.default(DEFAULT_RISK_RULES.maxOrdersPerMinute),
    reduceOnly: RULES.reduceOnly.default(DEFAULT_RISK_RULES.reduceOnly),
  })
  .strict();

/** See {@link RiskRulesSchema}. */
export type RiskRules = z.output<typeof RiskRulesSchema>;

/** Some of the risk rules, each validated as in {@link RiskRulesSchema}; absent ones are left as they are. */
export const RiskRulesPatchSchema = z.object(RULES).partial().strict();

/** See {@link RiskRulesPatchSchema}. */
export type RiskRulesPatch = z.output<typeof RiskRulesPatchSchema>;
