import { Decimal } from 'decimal.js';
import type { Ticket, TradingState } from '../../../shared/contract/trading.ts';

/** The trade ticket's fields, as typed. */
export interface TicketForm {
  readonly side: 'buy' | 'sell';
  readonly kind: 'market' | 'limit' | 'stop-market';
  /** Size in coins, in USD of notional (converted to coins), or by the risk to the stop (market). */
  readonly sizeBy: 'qty' | 'notional' | 'risk';
  readonly qty: string;
  readonly notional: string;
  readonly riskPercent: string;
  /** Whole-number leverage; empty: the session's. */
  readonly leverage: string;
  readonly limitPrice: string;
  readonly triggerPrice: string;
  readonly stop: string;
  readonly takeProfit: string;
}

/** An empty ticket. */
export const EMPTY_TICKET: TicketForm = {
  side: 'buy',
  kind: 'market',
  sizeBy: 'qty',
  qty: '',
  notional: '',
  riskPercent: '1',
  leverage: '',
  limitPrice: '',
  triggerPrice: '',
  stop: '',
  takeProfit: '',
};

/** Where the fee rates come from (see `TradingState.fees`). */
export type FeeSource = NonNullable<TradingState['fees']>['source'];

/** What the ticket is worked out against: the session's market, account, fees and margin. */
export interface TicketMarket {
  /** Latest price; null before the first. */
  readonly mark: Decimal | null;
  readonly equity: Decimal;
  readonly fees: { readonly maker: Decimal; readonly taker: Decimal; readonly source: FeeSource } | null;
  /** Sizes are whole multiples of 10^-sizeDecimals; null when unknown. */
  readonly sizeDecimals: number | null;
  readonly margin: {
    readonly mode: 'cross' | 'isolated';
    /** The leverage set on the venue; null when the session has not set one. */
    readonly leverage: number | null;
    readonly maxLeverage: number;
    readonly leverageFixed: boolean;
    readonly maintenanceMarginRate: Decimal;
  } | null;
}

/** The session's state as the ticket needs it. */
export function ticketMarketOf(state: TradingState): TicketMarket {
  return {
    mark: state.mark === null ? null : new Decimal(state.mark),
    equity: new Decimal(state.equity),
    fees: state.fees && {
      maker: new Decimal(state.fees.maker),
      taker: new Decimal(state.fees.taker),
      source: state.fees.source,
    },
    sizeDecimals: state.sizeDecimals,
    margin: state.margin && {
      ...state.margin,
      maintenanceMarginRate: new Decimal(state.margin.maintenanceMarginRate),
    },
  };
}

/** How the fee source reads in the ticket. */
export const FEE_SOURCE_LABEL: Readonly<Record<FeeSource, string>> = {
  'paper-account': 'paper account',
  settings: 'Settings',
  'venue-base-tier': 'venue base tier',
};

/** The liquidation price estimate and what backs the position in it. */
export interface LiquidationEstimate {
  /** Null when the position cannot be liquidated (a long backed by more than its value). */
  readonly price: Decimal | null;
  readonly basis: 'cross' | 'isolated';
}

/** What the ticket would do, worked out exactly before it is sent. */
export interface TicketPreview {
  /** Size in coins (estimated from the risk when sized by risk; the engine sizes it exactly). */
  readonly qty: Decimal;
  readonly estimated: boolean;
  /** Price it is expected to fill at. */
  readonly price: Decimal;
  readonly notional: Decimal;
  /** The fee rate used (maker for limit orders, taker otherwise) and where it comes from. */
  readonly feeRate: Decimal;
  readonly feeSource: FeeSource;
  readonly fee: Decimal;
  readonly leverage: number;
  /** Initial margin: notional / leverage. */
  readonly margin: Decimal;
  /** The estimate under the session's margin mode. */
  readonly liquidation: LiquidationEstimate;
  /** The isolated-style estimate (backed by the initial margin alone), whatever the mode. */
  readonly isolatedLiquidation: Decimal | null;
  /** The initial margin and the fee are more than the account's equity: the venue will refuse it. */
  readonly marginAboveEquity: boolean;
  /** Loss if the stop is hit, the entry and exit fees included; null without a stop. */
  readonly riskToStop: Decimal | null;
}

/** Problems by field. */
export type TicketErrors = Partial<Record<keyof TicketForm, string>>;

const DECIMAL = /^\d+(\.\d+)?$/;
const WHOLE = /^\d+$/;

function positive(text: string): Decimal | null {
  const t = text.trim();
  if (!DECIMAL.test(t)) return null;
  const d = new Decimal(t);
  return d.gt(0) ? d : null;
}

/**
 * The size in coins a notional (USD) buys at `price`: notional / price, exactly, rounded DOWN
 * onto the venue's size step (10^-sizeDecimals), so the order never exceeds the notional.
 */
export function qtyForNotional(notional: Decimal, price: Decimal, sizeDecimals: number): Decimal {
  return notional.div(price).toDecimalPlaces(sizeDecimals, Decimal.ROUND_DOWN);
}

/**
 * The liquidation price of a position opened at `entry`, as an estimate. Hyperliquid's formula
 * (its docs, "Liquidations"):
 *
 *   liq = entry − side × marginAvailable / size / (1 − mmr × side)
 *
 * with side +1 long / −1 short, mmr the maintenance margin rate (half the initial margin rate
 * at the asset's maximum leverage) and marginAvailable = backing − mmr × size × entry. The
 * backing is the initial margin (notional / leverage) in isolated margin, and the account's
 * equity (less the entry fee) in cross margin. Assumptions: the ticket's position is the
 * account's only one (another position in cross margin shares the equity), it fills at
 * `entry`, and funding and later fees are left out. A long backed by more than its value
 * cannot be liquidated: null.
 */
export function liquidationPrice(
  side: 'buy' | 'sell',
  entry: Decimal,
  qty: Decimal,
  backing: Decimal,
  maintenanceMarginRate: Decimal,
): Decimal | null {
  if (qty.lte(0)) return null;
  const s = side === 'buy' ? 1 : -1;
  const available = backing.minus(maintenanceMarginRate.times(qty).times(entry));
  const price = entry.minus(
    available
      .times(s)
      .div(qty)
      .div(new Decimal(1).minus(maintenanceMarginRate.times(s))),
  );
  return price.gt(0) ? price : null;
}

/**
 * Checks the ticket and works out its size, notional, fees, margin and liquidation estimate
 * with exact decimals (no floating point) from the session's `market`. Returns the preview
 * and the ticket to send, or the problems by field.
 */
export function previewTicket(
  form: TicketForm,
  market: TicketMarket,
): { preview: TicketPreview; ticket: Ticket } | { errors: TicketErrors } {
  const errors: TicketErrors = {};
  const limit = form.kind === 'limit' ? positive(form.limitPrice) : null;
  const trigger = form.kind === 'stop-market' ? positive(form.triggerPrice) : null;
  if (form.kind === 'limit' && !limit) errors.limitPrice = 'a positive limit price';
  if (form.kind === 'stop-market' && !trigger) errors.triggerPrice = 'a positive trigger price';
  const isMarket = form.kind === 'market';
  const stop = isMarket && form.stop.trim() !== '' ? positive(form.stop) : null;
  const takeProfit = isMarket && form.takeProfit.trim() !== '' ? positive(form.takeProfit) : null;
  if (isMarket && form.stop.trim() !== '' && !stop) errors.stop = 'a positive price, or empty';
  if (isMarket && form.takeProfit.trim() !== '' && !takeProfit) errors.takeProfit = 'a positive price, or empty';
  const sizeBy = form.sizeBy === 'risk' && !isMarket ? 'qty' : form.sizeBy;
  const step = market.sizeDecimals;
  const qty = sizeBy === 'qty' ? positive(form.qty) : null;
  const notionalTyped = sizeBy === 'notional' ? positive(form.notional) : null;
  const risk = sizeBy === 'risk' ? positive(form.riskPercent) : null;
  if (sizeBy === 'qty' && !qty) errors.qty = 'a positive size';
  if (sizeBy === 'qty' && qty && step !== null && qty.decimalPlaces() > step)
    errors.qty = `at most ${step} decimals (the venue's size step)`;
  if (sizeBy === 'notional' && !notionalTyped) errors.notional = 'a positive amount in USD';
  if (sizeBy === 'notional' && step === null) errors.notional = "the venue's size step is not known yet";
  if (sizeBy === 'risk' && (!risk || risk.gt(100))) errors.riskPercent = 'a percentage above 0, at most 100';
  if (sizeBy === 'risk' && !stop) errors.stop = 'sizing by risk needs a stop';
  const margin = market.margin;
  const leverage = leverageOf(form.leverage, margin, errors);
  const price = limit ?? trigger ?? market.mark;
  const sizeField = sizeBy === 'risk' ? 'riskPercent' : sizeBy;
  if (!price) errors[sizeField] = errors[sizeField] ?? 'no price yet: wait for the venue';
  if (!market.fees || !margin)
    errors[sizeField] = errors[sizeField] ?? 'no fee rates or margin yet: wait for the session';
  const long = form.side === 'buy';
  if (isMarket && price && stop && (long ? stop.gte(price) : stop.lte(price)))
    errors.stop = long ? 'below the price for a buy' : 'above the price for a sell';
  if (isMarket && price && takeProfit && (long ? takeProfit.lte(price) : takeProfit.gte(price)))
    errors.takeProfit = long ? 'above the price for a buy' : 'below the price for a sell';
  if (Object.keys(errors).length > 0 || !price || !market.fees || !margin || leverage === null) return { errors };
  const fees = market.fees;
  const feeRate = form.kind === 'limit' ? fees.maker : fees.taker;
  let size: Decimal;
  if (sizeBy === 'risk' && risk && stop) {
    // Loss per coin at the stop: the distance plus the entry and exit fees.
    const perCoin = price.minus(stop).abs().plus(price.plus(stop).times(fees.taker));
    size = market.equity.times(risk).div(100).div(perCoin);
    if (step !== null) size = size.toDecimalPlaces(step, Decimal.ROUND_DOWN);
  } else if (sizeBy === 'notional' && notionalTyped && step !== null) {
    size = qtyForNotional(notionalTyped, price, step);
    if (size.isZero())
      return { errors: { notional: `less than one size step (${stepText(step)}) at ${price.toString()}` } };
  } else {
    size = qty ?? new Decimal(0);
  }
  const notional = size.times(price);
  const fee = notional.times(feeRate);
  const initialMargin = notional.div(leverage);
  const backing = margin.mode === 'cross' ? market.equity.minus(fee) : initialMargin;
  const liquidation: LiquidationEstimate = {
    price: liquidationPrice(form.side, price, size, backing, margin.maintenanceMarginRate),
    basis: margin.mode,
  };
  const isolatedLiquidation = liquidationPrice(form.side, price, size, initialMargin, margin.maintenanceMarginRate);
  const riskToStop = stop
    ? size.times(price.minus(stop).abs()).plus(fee).plus(size.times(stop).times(fees.taker))
    : null;
  // Leverage goes along when it changes the venue's setting (or none was set yet).
  const sendLeverage = !margin.leverageFixed && leverage !== margin.leverage;
  const ticket: Ticket = {
    side: form.side,
    kind: form.kind,
    ...(sizeBy === 'risk' ? { riskPercent: Number(risk?.toString()) } : { qty: size.toFixed() }),
    ...(limit ? { limitPrice: limit.toString() } : {}),
    ...(trigger ? { triggerPrice: trigger.toString() } : {}),
    ...(stop ? { stop: stop.toString() } : {}),
    ...(takeProfit ? { takeProfit: takeProfit.toString() } : {}),
    ...(sendLeverage ? { leverage } : {}),
  };
  return {
    preview: {
      qty: size,
      estimated: sizeBy === 'risk',
      price,
      notional,
      feeRate,
      feeSource: fees.source,
      fee,
      leverage,
      margin: initialMargin,
      liquidation,
      isolatedLiquidation,
      marginAboveEquity: initialMargin.plus(fee).gt(market.equity),
      riskToStop,
    },
    ticket,
  };
}

/** The leverage the ticket uses: typed (whole, 1..max), or the session's (1 when none was set). */
function leverageOf(text: string, margin: TicketMarket['margin'], errors: TicketErrors): number | null {
  const current = margin?.leverage ?? 1;
  const t = text.trim();
  if (t === '' || margin?.leverageFixed === true) return current;
  if (!WHOLE.test(t) || Number(t) < 1) {
    errors.leverage = 'a whole number from 1';
    return null;
  }
  const value = Number(t);
  if (margin && value > margin.maxLeverage) {
    errors.leverage = `at most ${margin.maxLeverage}× (the risk rules and the venue)`;
    return null;
  }
  return value;
}

function stepText(decimals: number): string {
  return new Decimal(10).pow(-decimals).toFixed(decimals);
}

/** A money amount for display: 2 decimals, exact rounding. */
export function usd(value: Decimal | string): string {
  return `$${new Decimal(value).toFixed(2)}`;
}

/** A fee rate for display in basis points (0.00045 → "4.5 bps"). */
export function bps(rate: Decimal): string {
  return `${rate.times(10_000).toSignificantDigits(6).toString()} bps`;
}
