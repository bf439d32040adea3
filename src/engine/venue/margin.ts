import { Decimal } from 'decimal.js';
import { compareSizes, type Account, type PricedFill } from './account.ts';

const ZERO = new Decimal(0);
/**
 * Plain-number checks with this much room are decided without decimals: their rounding
 * error is about 1e-15, so a margin of 1e-9 cannot be crossed by it.
 */
const CLEARLY = 1e-9;

/**
 * The isolated margin a fill puts up (zero in cross margin), or null when the account
 * cannot afford it: initial margin (value / leverage) plus the fee must be covered by
 * equity (cross) or by the balance not already backing the position (isolated). A fill
 * that only reduces the position is always affordable.
 */
export function marginFor(
  account: Account,
  fill: PricedFill,
  leverageF: number,
  leverage: Decimal,
  isolated: boolean,
): Decimal | null {
  const held = account.size;
  const heldF = Math.abs(account.qtyF);
  const flat = heldF === 0;
  const adding = flat || account.long === fill.buy;
  if (!adding && compareSizes(fill.size, fill.sizeF, held, heldF) <= 0) return ZERO;
  if (flat) {
    // The common case. Plain numbers settle it unless it is within rounding of the limit.
    const initialF = fill.valueF / leverageF;
    if (!isolated && initialF + fill.feeF < account.cashF * (1 - CLEARLY)) return ZERO;
    const initial = leverageF === 1 ? fill.value : fill.value.div(leverage);
    if (initial.plus(fill.fee).gt(account.cash)) return null;
    return isolated ? initial : ZERO;
  }
  const after = adding ? held.plus(fill.size) : fill.size.minus(held);
  if (isolated) {
    const opening = adding ? fill.size : after;
    const initial = opening.times(fill.price).div(leverage);
    const free = adding
      ? account.cash.minus(account.isolatedMargin)
      : account.cash.plus(account.unrealizedAt(fill.price));
    return initial.plus(fill.fee).gt(free) ? null : initial;
  }
  const required = after.times(fill.price).div(leverage);
  return required.plus(fill.fee).gt(account.equityAt(fill.price)) ? null : ZERO;
}

/**
 * The price at which the position's backing (equity in cross, its margin in isolated) falls
 * to the maintenance margin, NaN when there is none. For a long of size q and entry value V
 * backed by M: (V − M) / (q (1 − mmr)); for a short: (M + V) / (q (1 + mmr)). A plain
 * number: it only decides when to liquidate; the liquidation itself is booked exactly.
 */
export function liquidationPrice(account: Account, isolated: boolean, mmr: number): number {
  const q = account.qtyF;
  if (q === 0) return Number.NaN;
  const backing = isolated ? account.isolatedMargin.toNumber() : account.cashF;
  const size = Math.abs(q);
  const cost = Math.abs(account.costF);
  const price = q > 0 ? (cost - backing) / (size * (1 - mmr)) : (backing + cost) / (size * (1 + mmr));
  return price > 0 && Number.isFinite(price) ? price : Number.NaN;
}
