import type { Decimal } from 'decimal.js';
import { lotsOf } from '../venue/lots.ts';
import { z } from 'zod';

/**
 * How big an entry is. `all-in` spends the whole equity (times leverage): the setting for
 * comparing with other backtesters. `risk` sizes so that a move to the stop loses `percent` %
 * of equity, fees included.
 */
export type Sizing = { readonly kind: 'all-in' } | { readonly kind: 'risk'; readonly percent: number };

/** The default sizing of strategies that set a stop: 2 % of equity at risk. */
export const DEFAULT_RISK_PERCENT = 2;

/** Reads `all-in`, `risk` (2 %) or `risk:<percent>` (0 < percent ≤ 100). */
export function parseSizing(text: string): Sizing {
  const t = text.trim();
  if (t === 'all-in') return { kind: 'all-in' };
  if (t === 'risk') return { kind: 'risk', percent: DEFAULT_RISK_PERCENT };
  const match = /^risk:(\d+(?:\.\d+)?)%?$/.exec(t);
  const percent = match ? Number(match[1]) : Number.NaN;
  if (!(percent > 0 && percent <= 100)) {
    throw new RangeError(`sizing "${text}" is not all-in or risk:<percent> with 0 < percent ≤ 100 (e.g. risk:2)`);
  }
  return { kind: 'risk', percent };
}

/** Schema of a sizing written as text, for config files and commands. */
export const SizingSchema = z.string().transform((text, ctx) => {
  try {
    return parseSizing(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});

/** Writes a sizing back as text. */
export function formatSizing(sizing: Sizing): string {
  return sizing.kind === 'all-in' ? 'all-in' : `risk:${sizing.percent}`;
}

/** What sizing an entry needs to know. */
export interface SizingInput {
  /** Equity that backs the entry (the balance when flat), as a plain number. */
  readonly equity: number;
  /** Expected fill price, slippage included. */
  readonly price: number;
  readonly stop: number | null;
  readonly takerFee: number;
  readonly leverage: number;
  readonly lot: Decimal;
  readonly lotF: number;
  /** Decimal places of the lot when it is 10^-n, else null (see `powerOfTenPlaces`). */
  readonly lotPlaces: number | null;
}

/** A size, or the rule that refused one. */
export type SizingResult =
  { readonly qty: Decimal; readonly qtyF: number } | { readonly rule: string; readonly message: string };

// Sizes are computed in plain numbers and shaved by this relative margin, so that rounding
// can never make an order cost more than the equity behind it; the venue then checks the
// exact decimal cost. The margin costs at most one lot in a trillion.
const SAFETY = 1 - 1e-12;

/** The entry size under `sizing`, in whole lots. */
export function sizeEntry(sizing: Sizing, input: SizingInput): SizingResult {
  const { equity, price, stop, takerFee, leverage, lotF } = input;
  if (!(equity > 0)) return { rule: 'no-equity', message: 'the account has no equity left' };
  // Initial margin (notional / leverage) plus the entry fee must fit in the equity.
  const maxUnits = Math.floor(((equity / (price * (1 / leverage + takerFee))) * SAFETY) / lotF);
  let units = maxUnits;
  if (sizing.kind === 'risk') {
    if (stop === null) {
      return { rule: 'stop-required', message: `risk:${sizing.percent} sizing needs a stop; this entry has none` };
    }
    const distance = Math.abs(price - stop);
    if (!(distance > 0)) return { rule: 'stop-at-entry', message: `the stop ${stop} is at the entry price` };
    // A stopped-out trade loses the distance plus the entry and exit fees.
    const perUnit = distance + (price + stop) * takerFee;
    const budget = (equity * sizing.percent) / 100;
    units = Math.min(maxUnits, Math.floor(((budget / perUnit) * SAFETY) / lotF));
  }
  if (!(units >= 1)) {
    return { rule: 'below-lot', message: `the size comes to less than one lot (${input.lot.toFixed()})` };
  }
  return { qty: lotsOf(units, input.lot, input.lotPlaces), qtyF: units * lotF };
}
