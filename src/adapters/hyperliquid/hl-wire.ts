import { Decimal } from 'decimal.js';
import { ValidationError } from '../../shared/contract/errors.ts';

/** Hyperliquid allows this many decimals in a price, minus the asset's size decimals. */
const MAX_PRICE_DECIMALS = { perp: 6, spot: 8 } as const;
/** …and at most this many significant figures (integers are always allowed). */
const MAX_SIGNIFICANT = 5;

/** Which way a price or size is rounded onto the venue's grid. */
export type WireRounding = 'down' | 'up';

/** An asset as the wire rules need it. */
export interface WireAsset {
  readonly szDecimals: number;
  readonly kind?: 'perp' | 'spot';
}

/** A decimal written the way Hyperliquid signs it: plain notation, no trailing zeros. */
export function wireDecimal(value: Decimal): string {
  const text = value.toFixed();
  return text === '-0' ? '0' : text;
}

function roundingMode(rounding: WireRounding, negative: boolean): Decimal.Rounding {
  // "Down" means towards zero for a positive price: the direction that never pays more.
  if (rounding === 'down') return negative ? Decimal.ROUND_CEIL : Decimal.ROUND_FLOOR;
  return negative ? Decimal.ROUND_FLOOR : Decimal.ROUND_CEIL;
}

/**
 * `price` on the venue's price grid: at most 6 (perp) or 8 (spot) minus `szDecimals`
 * decimals, then at most 5 significant figures unless it is an integer. `down` truncates
 * (what the TypeScript SDK does; a buy never pays more than asked), `up` rounds away (a sell
 * never gets less). Refuses a price that rounds to zero.
 */
export function roundPrice(price: Decimal, asset: WireAsset, rounding: WireRounding = 'down'): Decimal {
  if (!price.isFinite()) throw new ValidationError(`price ${price.toString()} is not a number`);
  const mode = roundingMode(rounding, price.isNegative());
  const decimals = Math.max(MAX_PRICE_DECIMALS[asset.kind ?? 'perp'] - asset.szDecimals, 0);
  let p = price.toDecimalPlaces(decimals, mode);
  if (!p.isInteger()) p = p.toSignificantDigits(MAX_SIGNIFICANT, mode);
  if (p.isZero()) throw new ValidationError(`price ${price.toFixed()} rounds to 0 on the venue's grid`);
  return p;
}

/** `size` with at most `szDecimals` decimals (truncated: never more than asked). */
export function roundSize(size: Decimal, asset: WireAsset): Decimal {
  if (!size.isFinite()) throw new ValidationError(`size ${size.toString()} is not a number`);
  const s = size.toDecimalPlaces(asset.szDecimals, Decimal.ROUND_DOWN);
  if (s.isZero()) throw new ValidationError(`size ${size.toFixed()} rounds to 0 at ${asset.szDecimals} decimals`);
  return s;
}

/** True when `price` is already on the grid (the venue would accept it as is). */
export function isValidPrice(price: Decimal, asset: WireAsset): boolean {
  if (!price.isFinite() || price.lte(0)) return false;
  const decimals = Math.max(MAX_PRICE_DECIMALS[asset.kind ?? 'perp'] - asset.szDecimals, 0);
  if (price.decimalPlaces() > decimals) return false;
  return price.isInteger() || price.precision(true) <= MAX_SIGNIFICANT;
}

/** True when `size` has no more decimals than the asset allows and is positive. */
export function isValidSize(size: Decimal, asset: WireAsset): boolean {
  return size.isFinite() && size.gt(0) && size.decimalPlaces() <= asset.szDecimals;
}

/** A limit order's type on the wire. */
export type WireOrderType =
  | { readonly limit: { readonly tif: 'Gtc' | 'Ioc' | 'Alo' } }
  | { readonly trigger: { readonly isMarket: boolean; readonly triggerPx: string; readonly tpsl: 'tp' | 'sl' } };

/** One order on the wire, keys in the order the signature commits to: a, b, p, s, r, t, c. */
export interface WireOrder {
  readonly a: number;
  readonly b: boolean;
  readonly p: string;
  readonly s: string;
  readonly r: boolean;
  readonly t: WireOrderType;
  readonly c?: string;
}

/** Builds an order in wire form with its keys in signing order. */
export function wireOrder(order: {
  asset: number;
  isBuy: boolean;
  price: Decimal;
  size: Decimal;
  reduceOnly: boolean;
  type: WireOrderType;
  cloid?: string | null;
}): WireOrder {
  const t: WireOrderType =
    'limit' in order.type
      ? { limit: { tif: order.type.limit.tif } }
      : {
          trigger: {
            isMarket: order.type.trigger.isMarket,
            triggerPx: order.type.trigger.triggerPx,
            tpsl: order.type.trigger.tpsl,
          },
        };
  const wire = {
    a: order.asset,
    b: order.isBuy,
    p: wireDecimal(order.price),
    s: wireDecimal(order.size),
    r: order.reduceOnly,
    t,
  };
  return order.cloid ? { ...wire, c: order.cloid.toLowerCase() } : wire;
}
