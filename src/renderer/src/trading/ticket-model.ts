import { Decimal } from 'decimal.js';
import type { Ticket } from '../../../shared/contract/trading.ts';

/** The trade ticket's fields, as typed. */
export interface TicketForm {
  readonly side: 'buy' | 'sell';
  readonly kind: 'market' | 'limit' | 'stop-market';
  readonly sizeBy: 'qty' | 'risk';
  readonly qty: string;
  readonly riskPercent: string;
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
  riskPercent: '1',
  limitPrice: '',
  triggerPrice: '',
  stop: '',
  takeProfit: '',
};

/** Hyperliquid's base tier (the paper venue's defaults). */
export const TAKER_FEE = new Decimal('0.00045');
export const MAKER_FEE = new Decimal('0.00015');

/** What the ticket would do, worked out exactly before it is sent. */
export interface TicketPreview {
  /** Size in coins (estimated from the risk when sized by risk; the engine sizes it exactly). */
  readonly qty: Decimal;
  readonly estimated: boolean;
  /** Price it is expected to fill at. */
  readonly price: Decimal;
  readonly notional: Decimal;
  readonly fee: Decimal;
  /** Loss if the stop is hit, the entry and exit fees included; null without a stop. */
  readonly riskToStop: Decimal | null;
}

const DECIMAL = /^\d+(\.\d+)?$/;

function positive(text: string): Decimal | null {
  const t = text.trim();
  if (!DECIMAL.test(t)) return null;
  const d = new Decimal(t);
  return d.gt(0) ? d : null;
}

/**
 * Checks the ticket and works out its size, notional and fees with exact decimals (no
 * floating point), from the latest price `mark` and the account's `equity`. Returns the
 * preview, or the problems by field.
 */
export function previewTicket(
  form: TicketForm,
  mark: Decimal | null,
  equity: Decimal,
): { preview: TicketPreview; ticket: Ticket } | { errors: Partial<Record<keyof TicketForm, string>> } {
  const errors: Partial<Record<keyof TicketForm, string>> = {};
  const limit = form.kind === 'limit' ? positive(form.limitPrice) : null;
  const trigger = form.kind === 'stop-market' ? positive(form.triggerPrice) : null;
  if (form.kind === 'limit' && !limit) errors.limitPrice = 'a positive limit price';
  if (form.kind === 'stop-market' && !trigger) errors.triggerPrice = 'a positive trigger price';
  const market = form.kind === 'market';
  const stop = market && form.stop.trim() !== '' ? positive(form.stop) : null;
  const takeProfit = market && form.takeProfit.trim() !== '' ? positive(form.takeProfit) : null;
  if (market && form.stop.trim() !== '' && !stop) errors.stop = 'a positive price, or empty';
  if (market && form.takeProfit.trim() !== '' && !takeProfit) errors.takeProfit = 'a positive price, or empty';
  const byRisk = market && form.sizeBy === 'risk';
  const qty = byRisk ? null : positive(form.qty);
  const risk = byRisk ? positive(form.riskPercent) : null;
  if (!byRisk && !qty) errors.qty = 'a positive size';
  if (byRisk && (!risk || risk.gt(100))) errors.riskPercent = 'a percentage above 0, at most 100';
  if (byRisk && !stop) errors.stop = 'sizing by risk needs a stop';
  const price = limit ?? trigger ?? mark;
  if (!price) errors.qty = errors.qty ?? 'no price yet: wait for the venue';
  const long = form.side === 'buy';
  if (market && price && stop && (long ? stop.gte(price) : stop.lte(price)))
    errors.stop = long ? 'below the price for a buy' : 'above the price for a sell';
  if (market && price && takeProfit && (long ? takeProfit.lte(price) : takeProfit.gte(price)))
    errors.takeProfit = long ? 'above the price for a buy' : 'below the price for a sell';
  if (Object.keys(errors).length > 0 || !price) return { errors };
  const feeRate = form.kind === 'limit' ? MAKER_FEE : TAKER_FEE;
  let size: Decimal;
  if (byRisk && risk && stop) {
    // Loss per coin at the stop: the distance plus the entry and exit fees.
    const perCoin = price.minus(stop).abs().plus(price.plus(stop).times(TAKER_FEE));
    size = equity.times(risk).div(100).div(perCoin);
  } else {
    size = qty ?? new Decimal(0);
  }
  const notional = size.times(price);
  const riskToStop = stop
    ? size.times(price.minus(stop).abs()).plus(notional.times(feeRate)).plus(size.times(stop).times(TAKER_FEE))
    : null;
  const ticket: Ticket = {
    side: form.side,
    kind: form.kind,
    ...(byRisk ? { riskPercent: Number(risk?.toString()) } : { qty: qty?.toString() }),
    ...(limit ? { limitPrice: limit.toString() } : {}),
    ...(trigger ? { triggerPrice: trigger.toString() } : {}),
    ...(stop ? { stop: stop.toString() } : {}),
    ...(takeProfit ? { takeProfit: takeProfit.toString() } : {}),
  };
  return {
    preview: { qty: size, estimated: byRisk, price, notional, fee: notional.times(feeRate), riskToStop },
    ticket,
  };
}

/** A money amount for display: 2 decimals, exact rounding. */
export function usd(value: Decimal | string): string {
  return `$${new Decimal(value).toFixed(2)}`;
}
