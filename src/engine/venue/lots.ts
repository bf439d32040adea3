import { Decimal } from 'decimal.js';

/**
 * `units` lots as a decimal. A lot of 10^-n is written out directly (one parse instead of a
 * parse and a multiplication: this runs for every entry).
 */
export function lotsOf(units: number, lot: Decimal, places: number | null): Decimal {
  if (places === null || !Number.isSafeInteger(units)) return new Decimal(units).times(lot);
  if (places === 0) return new Decimal(units);
  const digits = String(units).padStart(places + 1, '0');
  return new Decimal(`${digits.slice(0, -places)}.${digits.slice(-places)}`);
}

/** Decimal places of `lot` when it is 10^-n (n ≥ 0), else null. */
export function powerOfTenPlaces(lot: Decimal): number | null {
  const places = lot.decimalPlaces();
  return lot.eq(new Decimal(10).pow(-places)) ? places : null;
}
