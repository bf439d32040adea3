import { z } from 'zod';
import { CandleSchema } from '../values/candle.ts';
import { DecimalStringSchema } from '../values/decimal-values.ts';
import { LiquiditySchema, OrderKindSchema, TimeInForceSchema } from '../values/order.ts';
import { SideSchema } from '../values/side.ts';
import { TimeframeSchema } from '../values/timeframe.ts';

/** Identifies one trading session: a backtest, a replay, a paper or a live run. */
export const SessionIdSchema = z.string().min(1).max(64);

const at = z.number().int();
const decimal = DecimalStringSchema;

/** An order as the venue holds it. Decimal fields are plain decimal strings. */
export const OrderSnapshotSchema = z.object({
  orderId: z.string().min(1),
  clientId: z.string().nullable(),
  kind: OrderKindSchema,
  side: SideSchema,
  qty: decimal,
  limitPrice: decimal.nullable(),
  triggerPrice: decimal.nullable(),
  tif: TimeInForceSchema,
  reduceOnly: z.boolean(),
  /** One-cancels-other group: the stop and take-profit of a bracket share it. */
  group: z.string().nullable(),
  tag: z.string().nullable(),
});

/** An order as the venue holds it. */
export type OrderSnapshot = z.infer<typeof OrderSnapshotSchema>;

const DetectionFieldSchema = z.union([
  z.number(),
  z.string(),
  z.null(),
  z.array(z.number()).readonly(),
  z.array(z.object({ name: z.string(), value: z.number(), weight: z.number() }).readonly()).readonly(),
]);

/**
 * A detection as the detection engine reports it: `kind`, `time` (the bar that confirmed it)
 * and `tf`, plus the fields of its kind (see the engine's detection events).
 */
export const DetectionSchema = z
  .object({
    kind: z.enum(['pattern', 'swing', 'trend', 'bos', 'choch', 'range', 'liquidity-pool', 'sweep', 'phase', 'setup']),
    time: at,
    tf: TimeframeSchema,
  })
  .catchall(DetectionFieldSchema);

/**
 * Events every trading session emits, whatever drives it: a backtest, a replay, paper or live
 * trading. A replay therefore shows a past session exactly as it would have happened live.
 * `at` is the session's time (the simulated time in a backtest or replay), unix ms.
 */
export const SessionEvents = {
  /** A bar closed; `at` is its close time. */
  CandleClosed: z.object({ sessionId: SessionIdSchema, at, candle: CandleSchema }),
  /** The detection engine reported something at this bar. */
  DetectionRaised: z.object({ sessionId: SessionIdSchema, at, detection: DetectionSchema }),
  /** The strategy asked to enter or exit. */
  SignalRaised: z.object({
    sessionId: SessionIdSchema,
    at,
    strategy: z.string(),
    action: z.enum(['enter', 'exit']),
    side: SideSchema.nullable(),
    stop: z.number().nullable(),
    takeProfit: z.number().nullable(),
    reason: z.string(),
  }),
  /** The risk rules refused a signal; `rule` names the rule. */
  RiskRejected: z.object({ sessionId: SessionIdSchema, at, rule: z.string(), message: z.string() }),
  OrderAccepted: z.object({ sessionId: SessionIdSchema, at, order: OrderSnapshotSchema }),
  OrderRejected: z.object({ sessionId: SessionIdSchema, at, order: OrderSnapshotSchema, reason: z.string() }),
  /** A stop or take-profit reached its trigger price and became a market or limit order. */
  OrderTriggered: z.object({ sessionId: SessionIdSchema, at, orderId: z.string(), price: decimal }),
  OrderCanceled: z.object({ sessionId: SessionIdSchema, at, orderId: z.string(), reason: z.string() }),
  OrderFilled: z.object({
    sessionId: SessionIdSchema,
    at,
    orderId: z.string(),
    side: SideSchema,
    price: decimal,
    qty: decimal,
    fee: decimal,
    liquidity: LiquiditySchema,
    /** Profit or loss realised by this fill, before fees. */
    realizedPnl: decimal,
    /** Signed position after the fill (negative = short). */
    position: decimal,
  }),
  /** Hourly funding settled on the position; `amount` is negative when paid. */
  FundingPaid: z.object({
    sessionId: SessionIdSchema,
    at,
    rate: decimal,
    price: decimal,
    position: decimal,
    amount: decimal,
  }),
  /** The position fell through its maintenance margin and was closed by the venue. */
  PositionLiquidated: z.object({ sessionId: SessionIdSchema, at, price: decimal, position: decimal }),
  /** Account value at a bar's close. */
  EquityUpdated: z.object({
    sessionId: SessionIdSchema,
    at,
    equity: decimal,
    cash: decimal,
    position: decimal,
    unrealizedPnl: decimal,
  }),
} as const satisfies Record<string, z.ZodType>;

/** Name of a session event. */
export type SessionEventName = keyof typeof SessionEvents;

/** A typed session event: `{ event, payload }`, the same shape as every engine event. */
export type SessionEvent = {
  [E in SessionEventName]: { event: E; payload: z.output<(typeof SessionEvents)[E]> };
}[SessionEventName];
