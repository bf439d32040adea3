import type { Decimal } from 'decimal.js';
import { toWire } from '../../shared/values/decimal-values.ts';
import { hasLimitPrice, isTriggerKind } from '../../shared/values/order.ts';
import type { OrderRequest } from './working-order.ts';

/**
 * True when `qty` is a whole number of lots. Lots are powers of ten on Hyperliquid, where
 * counting decimal places answers exactly and fast; other lots take the exact remainder.
 */
export function onLot(qty: Decimal, lot: Decimal, lotPlaces: number | null): boolean {
  return lotPlaces === null ? qty.mod(lot).isZero() : qty.decimalPlaces() <= lotPlaces;
}

/**
 * Why the venue refuses `request`, or null when it takes it: a size that is not a positive
 * whole number of lots, a missing or non-positive limit or trigger price, a post-only market
 * order, a reduce-only order with nothing to reduce (`reduceOnlyBlocked`).
 */
export function orderProblem(
  request: OrderRequest,
  lot: Decimal,
  lotPlaces: number | null,
  reduceOnlyBlocked: boolean,
): string | null {
  const { kind, qty } = request;
  if (!qty.isFinite() || qty.lte(0)) return 'size must be greater than 0';
  if (!onLot(qty, lot, lotPlaces)) return `size ${toWire(qty)} is not a multiple of the lot ${toWire(lot)}`;
  if (hasLimitPrice(kind) && !(request.limitPrice && request.limitPrice.gt(0))) {
    return `${kind} order needs a limit price > 0`;
  }
  if (isTriggerKind(kind) && !(request.triggerPrice && request.triggerPrice.gt(0))) {
    return `${kind} order needs a trigger price > 0`;
  }
  if (kind === 'market' && request.tif === 'alo') return 'a market order cannot be post-only';
  if (request.reduceOnly && reduceOnlyBlocked) return 'reduce-only order would open a position';
  return null;
}
