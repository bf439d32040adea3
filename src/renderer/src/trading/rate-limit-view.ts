import type { TradingState } from '../../../shared/contract/trading.ts';

/** Above this share of the venue's request budget the status bar warns. */
export const RATE_LIMIT_WARN = 0.8;

/** How the status bar shows the venue request budget in use: short text, warning, details. */
export function rateLimitView(use: NonNullable<TradingState['rateLimit']>): {
  text: string;
  warn: boolean;
  title: string;
} {
  const warn = use.ratio > RATE_LIMIT_WARN;
  const address =
    use.addressUsed !== null && use.addressCap !== null
      ? `; address actions ${use.addressUsed} of ${use.addressCap}`
      : '';
  return {
    text: `API ${Math.round(use.ratio * 100)} %${warn ? ' ⚠' : ''}`,
    warn,
    title: `Venue request budget: weight ${use.weightUsed} of ${use.weightLimit} this minute${address}`,
  };
}
