import { z } from 'zod';
import { DecimalStringSchema } from '../values/decimal-values.ts';
import { SideSchema } from '../values/side.ts';
import { CoinSchema } from './series.ts';

/** A positive decimal string (sizes and prices on the wire are never floats). */
const PositiveDecimalSchema = DecimalStringSchema.refine((s) => Number(s) > 0, 'must be greater than 0');

/** Where a manual trading session is. */
export const TradingStatusSchema = z.enum(['idle', 'starting', 'running', 'stopping', 'failed']);

/** An open order of the session, as its order manager tracks it. */
export const TradingOrderSchema = z.object({
  cloid: z.string(),
  side: SideSchema,
  /** market, limit, stop-market, take-profit-market, … */
  kind: z.string(),
  qty: DecimalStringSchema,
  filledQty: DecimalStringSchema,
  limitPrice: DecimalStringSchema.nullable(),
  triggerPrice: DecimalStringSchema.nullable(),
  reduceOnly: z.boolean(),
  /** submitted, accepted, partially-filled. */
  status: z.string(),
  submittedAt: z.number().int(),
});

/** A fill of the session's account. */
export const TradingFillSchema = z.object({
  tid: z.number().int(),
  cloid: z.string().nullable(),
  side: SideSchema,
  price: DecimalStringSchema,
  qty: DecimalStringSchema,
  fee: DecimalStringSchema,
  /** Profit or loss the fill realised, before its fee. */
  closedPnl: DecimalStringSchema,
  time: z.number().int(),
});

/**
 * The manual (paper) trading session as the venue and the session see it. Money, prices and
 * sizes are exact decimal strings.
 */
export const TradingStateSchema = z.object({
  mode: z.literal('paper'),
  /** The market traded; null while no session was started. */
  coin: CoinSchema.nullable(),
  /** The venue's API URL; null while no session was started. */
  apiUrl: z.string().nullable(),
  status: TradingStatusSchema,
  /** Why the session failed (status `failed`), else null. */
  error: z.string().nullable(),
  /** Account value, unrealised result included. */
  equity: DecimalStringSchema,
  /** Latest price the paper venue fills market orders at; null before the first. */
  mark: DecimalStringSchema.nullable(),
  position: z.object({
    /** Signed size: positive long, negative short, 0 flat. */
    qty: DecimalStringSchema,
    entryPrice: DecimalStringSchema.nullable(),
    unrealized: DecimalStringSchema,
  }),
  /** Realised result of the fills listed, net of their fees. */
  realized: DecimalStringSchema,
  orders: z.array(TradingOrderSchema),
  /** The latest 200 fills, oldest first. */
  fills: z.array(TradingFillSchema).max(200),
  /** Why trading is halted (the kill switch), or null. */
  halted: z.string().nullable(),
});

/** See {@link TradingStateSchema}. */
export type TradingState = z.infer<typeof TradingStateSchema>;

/** An order ticket: what the trader asks for, sized by quantity or by the risk to its stop. */
export const TicketSchema = z
  .object({
    side: SideSchema,
    kind: z.enum(['market', 'limit', 'stop-market']),
    /** Size in coins; or `riskPercent`. */
    qty: PositiveDecimalSchema.optional(),
    /** Size so that a move to `stop` loses this % of equity, fees included (market only). */
    riskPercent: z.number().gt(0).max(100).optional(),
    /** Limit orders: their price. */
    limitPrice: PositiveDecimalSchema.optional(),
    /** Stop-market orders: the price that triggers them. */
    triggerPrice: PositiveDecimalSchema.optional(),
    /** Market entries: a protective stop placed once the entry filled. */
    stop: PositiveDecimalSchema.optional(),
    /** Market entries: a take-profit placed once the entry filled. */
    takeProfit: PositiveDecimalSchema.optional(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if ((t.qty === undefined) === (t.riskPercent === undefined))
      ctx.addIssue({ code: 'custom', message: 'give exactly one of qty or riskPercent', path: ['qty'] });
    if (t.kind === 'limit' && t.limitPrice === undefined)
      ctx.addIssue({ code: 'custom', message: 'a limit order needs limitPrice', path: ['limitPrice'] });
    if (t.kind === 'stop-market' && t.triggerPrice === undefined)
      ctx.addIssue({ code: 'custom', message: 'a stop-market order needs triggerPrice', path: ['triggerPrice'] });
    if (t.kind !== 'market' && (t.stop !== undefined || t.takeProfit !== undefined || t.riskPercent !== undefined))
      ctx.addIssue({
        code: 'custom',
        message: 'stop, takeProfit and riskPercent are for market orders',
        path: ['kind'],
      });
    if (t.riskPercent !== undefined && t.stop === undefined)
      ctx.addIssue({ code: 'custom', message: 'riskPercent sizing needs a stop', path: ['stop'] });
  });

/** See {@link TicketSchema}. */
export type Ticket = z.infer<typeof TicketSchema>;

/** Manual paper trading commands: one session at a time, on one market of a Hyperliquid-compatible venue. */
export const TradingCommands = {
  /**
   * Opens the paper account of `coin` on the venue at `apiUrl` (the same account `hyperdesk
   * trade --mode paper` uses on this data folder) and follows the venue's candles; the account
   * resumes from its journal. `capital` and `leverage` only apply to a new account.
   */
  StartPaperSession: {
    request: z
      .object({
        coin: CoinSchema,
        apiUrl: z.string().url(),
        capital: PositiveDecimalSchema.optional(),
        leverage: z.number().int().min(1).max(100).optional(),
      })
      .strict(),
    response: TradingStateSchema,
  },
  /** Stops following the venue (orders stay on the paper account). */
  StopPaperSession: {
    request: z.object({}).strict(),
    response: TradingStateSchema,
  },
  /**
   * Sends an order ticket through the session's trader (sizing, risk rules, order manager).
   * A refusal by a risk rule or by the venue is an answer, not an error: `accepted: false` with
   * the reason (the rule's name, or the venue's text).
   */
  SubmitTicket: {
    request: TicketSchema,
    response: z.object({ accepted: z.boolean(), reason: z.string().nullable() }),
  },
  /** Cancels an open order by its client order id. */
  CancelOrder: {
    request: z.object({ cloid: z.string().min(1).max(66) }).strict(),
    response: z.object({ cloid: z.string(), canceled: z.boolean() }),
  },
  /** The kill switch: cancel every order, flatten the position, halt new entries. */
  KillSwitch: {
    request: z.object({ reason: z.string().max(200).optional() }).strict(),
    response: TradingStateSchema,
  },
  GetTradingState: {
    request: z.object({}).strict(),
    response: TradingStateSchema,
  },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

/** Events of the manual trading session. */
export const TradingEvents = {
  /** The session's state changed (an order, a fill, a price, a halt); at most 10 a second. */
  TradingStateChanged: TradingStateSchema.extend({ at: z.number().int() }),
} as const satisfies Record<string, z.ZodType>;
