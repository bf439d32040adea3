import { z } from 'zod';

/**
 * The order types a venue accepts. Stops trigger when price moves against the order's side
 * (a sell stop below the market), take-profits when it moves in favour (a sell take-profit
 * above the market); both turn into a market or a limit order when triggered.
 */
export const OrderKindSchema = z.enum([
  'market',
  'limit',
  'stop-market',
  'stop-limit',
  'take-profit-market',
  'take-profit-limit',
]);

/** An order type, see {@link OrderKindSchema}. */
export type OrderKind = z.infer<typeof OrderKindSchema>;

/**
 * Time in force of a limit order, as Hyperliquid names them: `gtc` rests until filled or
 * canceled, `ioc` fills what it can at once and cancels the rest, `alo` (add liquidity only,
 * post-only) is rejected when it would take liquidity.
 */
export const TimeInForceSchema = z.enum(['gtc', 'ioc', 'alo']);

/** A time in force, see {@link TimeInForceSchema}. */
export type TimeInForce = z.infer<typeof TimeInForceSchema>;

/** Whether a fill added liquidity (maker fee) or took it (taker fee). */
export const LiquiditySchema = z.enum(['maker', 'taker']);

/** See {@link LiquiditySchema}. */
export type Liquidity = z.infer<typeof LiquiditySchema>;

/** True for order kinds that wait for a trigger price. */
export function isTriggerKind(kind: OrderKind): boolean {
  return kind !== 'market' && kind !== 'limit';
}

/** True for order kinds that become (or are) a limit order with a limit price. */
export function hasLimitPrice(kind: OrderKind): boolean {
  return kind === 'limit' || kind === 'stop-limit' || kind === 'take-profit-limit';
}
