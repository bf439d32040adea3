import { z } from 'zod';
import { DecimalStringSchema } from '../values/decimal-values.ts';
import { AddressSchema } from '../values/address.ts';
import { SideSchema } from '../values/side.ts';
import { CoinSchema } from './series.ts';

/** A positive decimal string (sizes and prices on the wire are never floats). */
const PositiveDecimalSchema = DecimalStringSchema.refine((s) => Number(s) > 0, 'must be greater than 0');

/**
 * The Hyperliquid venue of a session: testnet, mainnet (real money), or a compatible venue at
 * a URL of one's own (signed as testnet), such as `hyperdesk sim-exchange`.
 */
export const TradingNetworkSchema = z.enum(['testnet', 'mainnet', 'custom']);

/** See {@link TradingNetworkSchema}. */
export type TradingNetwork = z.infer<typeof TradingNetworkSchema>;

/**
 * What a trader types to start live trading on mainnet: the coin and MAINNET, e.g. "BTC
 * MAINNET". Typing it, not clicking, is the point: it cannot be done by a slip.
 */
export function mainnetConfirmationPhrase(coin: string): string {
  return `${coin.trim()} MAINNET`;
}

/** True when `typed` is the confirmation phrase for `coin` (spaces around it and case aside). */
export function isMainnetConfirmation(coin: string, typed: string | undefined): boolean {
  if (typed === undefined) return false;
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toUpperCase();
  return coin.trim() !== '' && norm(typed) === norm(mainnetConfirmationPhrase(coin));
}

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

/** See {@link TradingOrderSchema}. */
export type TradingOrder = z.infer<typeof TradingOrderSchema>;

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
  /** Paper (simulated account) or live (real orders on the venue). */
  mode: z.enum(['paper', 'live']),
  /** The venue's network; null while no session was started. */
  network: TradingNetworkSchema.nullable(),
  /** Live: the account address traded (public); null for paper or before a session. */
  account: z.string().nullable(),
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
  /**
   * The venue's price grid for `coin`: at most this many decimals, and at most 5 significant
   * figures unless the price is whole (Hyperliquid's rule). Null while no session runs.
   */
  priceDecimals: z.number().int().min(0).max(12).nullable(),
  /**
   * The venue's size step for `coin`: sizes are whole multiples of 10^-sizeDecimals (a size
   * typed as a notional is rounded down onto it). Null while no session runs.
   */
  sizeDecimals: z.number().int().min(0).max(12).nullable(),
  /**
   * How the session's positions are margined, for the ticket's margin and liquidation
   * estimates. Null while no session runs.
   */
  margin: z
    .object({
      /** Cross: the account's equity backs every position; isolated: only the margin put in. */
      mode: z.enum(['cross', 'isolated']),
      /** The leverage set on the venue for `coin`; null when the session has not set one yet. */
      leverage: z.number().int().min(1).max(100).nullable(),
      /** Highest leverage a ticket may ask for: the risk rules' maximum, and the venue's for `coin`. */
      maxLeverage: z.number().positive(),
      /** Paper: the account's leverage was fixed when it was opened; a ticket cannot change it. */
      leverageFixed: z.boolean(),
      /**
       * Maintenance margin as a share of the notional (Hyperliquid: half the initial margin at
       * the asset's maximum leverage; paper: the paper account's rate).
       */
      maintenanceMarginRate: DecimalStringSchema,
    })
    .nullable(),
  /**
   * How much of the venue's request budget is in use: the request weight of the last minute
   * against what the session's client allows itself, and (live) the address's action budget.
   * `ratio` is the larger share, 0..1. Null while no session runs.
   */
  /**
   * Fee rates the session's orders pay (fractions: 0.00045 = 4.5 bps) and where they come from:
   * the paper account's own, the Settings panel's fixed fees, or the venue's base tier (live,
   * when the settings leave fees to the venue). Null while no session runs.
   */
  fees: z
    .object({
      maker: DecimalStringSchema,
      taker: DecimalStringSchema,
      source: z.enum(['paper-account', 'settings', 'venue-base-tier']),
    })
    .nullable(),
  rateLimit: z
    .object({
      weightUsed: z.number().int().nonnegative(),
      weightLimit: z.number().int().positive(),
      addressUsed: z.number().int().nonnegative().nullable(),
      addressCap: z.number().int().nonnegative().nullable(),
      ratio: z.number().min(0).max(1),
    })
    .nullable(),
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
    /**
     * Leverage for `coin`, set on the venue (cross margin) before the order when it differs
     * from the session's; at most the risk rules' `maxLeverage`. Default: the session's.
     */
    leverage: z.number().int().min(1).max(100).optional(),
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

/**
 * The verdict of the pre-trade check (`CheckTicket`): whether the ticket passes the session's
 * rules, and what it comes to as the session sizes it (exact decimal strings; null when the
 * check stopped before sizing it).
 */
export const TicketCheckSchema = z.object({
  allowed: z.boolean(),
  /** The refusing rule (e.g. `max-leverage`), null when allowed. */
  rule: z.string().nullable(),
  /** Why, for people; null when allowed. */
  reason: z.string().nullable(),
  /** Size in coins as the session sizes the ticket. */
  sizedQty: DecimalStringSchema.nullable(),
  /** Size times the expected price, in USD. */
  notional: DecimalStringSchema.nullable(),
  /** Loss if the stop is hit, entry and exit fees included; null without a stop. */
  riskToStop: DecimalStringSchema.nullable(),
});

/** See {@link TicketCheckSchema}. */
export type TicketCheck = z.infer<typeof TicketCheckSchema>;

/** The start of a paper or live session (see `StartTradingSession`). */
export const StartTradingSessionSchema = z
  .object({
    mode: z.enum(['paper', 'live']),
    coin: CoinSchema,
    network: TradingNetworkSchema,
    /** The venue's API URL: required for `custom`, not given otherwise. */
    apiUrl: z.string().url().optional(),
    /** Live: the account traded when the stored key is an agent's (default: the key's own address). */
    account: AddressSchema.optional(),
    /** Paper: starting balance of a new account. */
    capital: PositiveDecimalSchema.optional(),
    leverage: z.number().int().min(1).max(100).optional(),
    /** Live on mainnet: the phrase of {@link mainnetConfirmationPhrase}, typed. */
    confirmation: z.string().max(100).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.network === 'custom' && r.apiUrl === undefined)
      ctx.addIssue({ code: 'custom', message: 'a custom venue needs apiUrl', path: ['apiUrl'] });
    if (r.network !== 'custom' && r.apiUrl !== undefined)
      ctx.addIssue({
        code: 'custom',
        message: `apiUrl is only for a custom venue, not ${r.network}`,
        path: ['apiUrl'],
      });
    if (r.mode === 'paper' && r.account !== undefined)
      ctx.addIssue({ code: 'custom', message: 'account is for live sessions', path: ['account'] });
    if (r.mode === 'live' && r.capital !== undefined)
      ctx.addIssue({ code: 'custom', message: 'capital is for paper accounts', path: ['capital'] });
    if (r.mode === 'live' && r.network === 'mainnet' && !isMainnetConfirmation(r.coin, r.confirmation))
      ctx.addIssue({
        code: 'custom',
        message: `live trading on mainnet needs the typed confirmation "${mainnetConfirmationPhrase(r.coin)}"`,
        path: ['confirmation'],
      });
  });

/** See {@link StartTradingSessionSchema}. */
export type StartTradingSession = z.infer<typeof StartTradingSessionSchema>;

/** Manual trading commands: one session at a time, on one market of a Hyperliquid-compatible venue. */
export const TradingCommands = {
  /**
   * Opens a paper or live session on `coin`. Paper: the paper account `hyperdesk trade --mode
   * paper` uses on this data folder. Live: real orders with the signing key of the engine's
   * secret store ('signing-key', as `hyperdesk keys set signing-key` writes it); on mainnet only
   * with the typed confirmation phrase.
   */
  StartTradingSession: {
    request: StartTradingSessionSchema,
    response: TradingStateSchema,
  },
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
  /** Stops the session, paper or live (working orders stay on the venue). */
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
  /**
   * The pre-trade check of a ticket: the session's sizing, leverage bound and risk rules run on
   * it as `SubmitTicket` would, and nothing is sent (a dry run: no order, no leverage change,
   * nothing journaled). `allowed: false` names the refusing `rule` and its `reason`.
   */
  CheckTicket: {
    request: TicketSchema,
    response: TicketCheckSchema,
  },
  /**
   * Moves a working order (limit, stop, take-profit) to a new limit or trigger price: the
   * venue's modify (cancel-and-replace under the same client order id), journaled by the
   * order manager. A refusal is an answer: `modified: false` with the venue's reason.
   */
  ModifyOrder: {
    request: z
      .object({
        cloid: z.string().min(1).max(66),
        limitPrice: PositiveDecimalSchema.optional(),
        triggerPrice: PositiveDecimalSchema.optional(),
      })
      .strict()
      .refine((r) => (r.limitPrice === undefined) !== (r.triggerPrice === undefined), {
        message: 'give exactly one of limitPrice or triggerPrice',
        path: ['limitPrice'],
      }),
    response: z.object({
      cloid: z.string(),
      modified: z.boolean(),
      reason: z.string().nullable(),
      order: TradingOrderSchema.nullable(),
    }),
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
