import type { IntrabarMode } from '../../shared/contract/venue-config.ts';

/**
 * The two extremes of a bar in the order price is assumed to visit them, after the open and
 * before the close. Candles do not say which came first, so the choice is a rule:
 * - `open-proximity`: the extreme nearer the open first (the high on a tie);
 * - `pessimistic`: the extreme against the position first, so a stop is hit before its
 *   take-profit; without a position, as `open-proximity`.
 * Returns true for open → high → low → close, false for open → low → high → close.
 */
export function highFirst(mode: IntrabarMode, position: number, open: number, high: number, low: number): boolean {
  if (mode === 'pessimistic' && position !== 0) return position < 0;
  return high - open <= open - low;
}
