import { Decimal } from 'decimal.js';
import { z } from 'zod';

/**
 * Significant digits decimal.js keeps. Its default, 20, would round a balance of 1e5 with a
 * fee of 17 digits; 60 keeps every sum, product and fee of realistic sizes and prices exact.
 * Only divisions (an averaged entry price, a share of a fee) round, at the 60th digit, half to
 * even. Set once, here, in the module every money path imports.
 */
export const MONEY_PRECISION = 60;
Decimal.set({ precision: MONEY_PRECISION, rounding: Decimal.ROUND_HALF_EVEN });

declare const brand: unique symbol;

/** A value of type `T` that the type checker keeps apart from other `T`s by its unit `B`. */
export type Branded<T, B extends string> = T & { readonly [brand]: B };

/** A price in quote currency (USD on Hyperliquid), exact. */
export type Price = Branded<Decimal, 'Price'>;
/** An order or position size in base units, exact. */
export type Quantity = Branded<Decimal, 'Quantity'>;
/** An amount of money in quote currency, exact: balances, PnL, fees, funding. */
export type Money = Branded<Decimal, 'Money'>;

/** What a decimal value may be built from. Strings are preferred: they are exact. */
export type DecimalInput = string | number | Decimal;

// Plain decimal notation only: exponents, hex, NaN and Infinity never reach money code.
const DECIMAL_STRING = /^-?(?:0|[1-9]\d*)(?:\.\d+)?$/;

function toFiniteDecimal(value: DecimalInput, unit: string): Decimal {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new RangeError(`${unit} must be a finite number, got ${String(value)}`);
  }
  if (typeof value === 'string' && !DECIMAL_STRING.test(value)) {
    throw new RangeError(`${unit} must be a decimal string like "123.45", got "${value}"`);
  }
  const d = new Decimal(value);
  if (!d.isFinite()) throw new RangeError(`${unit} must be finite, got ${d.toString()}`);
  return d;
}

/** Builds a {@link Price}; rejects NaN, Infinity, malformed strings and values ≤ 0. */
export function price(value: DecimalInput): Price {
  const d = toFiniteDecimal(value, 'Price');
  if (d.lte(0)) throw new RangeError(`Price must be greater than 0, got ${d.toString()}`);
  return d as Price;
}

/** Builds a {@link Quantity}; rejects NaN, Infinity, malformed strings and negative values. */
export function quantity(value: DecimalInput): Quantity {
  const d = toFiniteDecimal(value, 'Quantity');
  if (d.isNegative()) throw new RangeError(`Quantity must not be negative, got ${d.toString()}`);
  return d as Quantity;
}

/** Builds a {@link Money} amount (may be negative: losses, fees paid); rejects NaN and Infinity. */
export function money(value: DecimalInput): Money {
  return toFiniteDecimal(value, 'Money') as Money;
}

/** Wire form of every decimal value: a plain decimal string, never a float. */
export const DecimalStringSchema = z.string().regex(DECIMAL_STRING, 'must be a decimal string like "123.45"');

function decimalSchema<T extends Decimal>(build: (s: string) => T) {
  return DecimalStringSchema.transform((s, ctx) => {
    try {
      return build(s);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  });
}

/** Parses a wire decimal string into a {@link Price}. */
export const PriceSchema = decimalSchema(price);
/** Parses a wire decimal string into a {@link Quantity}. */
export const QuantitySchema = decimalSchema(quantity);
/** Parses a wire decimal string into {@link Money}. */
export const MoneySchema = decimalSchema(money);

/** Writes a decimal value in wire form (plain notation, no exponent). */
export function toWire(value: Decimal): string {
  return value.toFixed();
}
