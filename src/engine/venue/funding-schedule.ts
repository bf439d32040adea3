import { Decimal } from 'decimal.js';
import type { FundingConfig } from '../../shared/contract/venue-config.ts';

/** Funding is settled on the hour. */
export const FUNDING_PERIOD_MS = 3_600_000;
/** A series rate applies to the hour it is stamped within a minute of (venues stamp a little late). */
const STAMP_TOLERANCE_MS = 60_000;

/**
 * Which hourly funding rate applies at which hour. Holds a cursor so that walking forward in
 * time costs O(1) per hour.
 */
export class FundingSchedule {
  /** True when no funding is ever charged. */
  readonly none: boolean;
  private readonly constant: Decimal | null;
  private readonly times: readonly number[];
  private readonly rates: readonly Decimal[];
  private cursor = -1;

  constructor(config: FundingConfig) {
    this.none = config.kind === 'none' || (config.kind === 'constant' && new Decimal(config.ratePerHour).isZero());
    this.constant = config.kind === 'constant' ? new Decimal(config.ratePerHour) : null;
    this.times = config.kind === 'series' ? config.points.map((p) => p.time) : [];
    this.rates = config.kind === 'series' ? config.points.map((p) => new Decimal(p.rate)) : [];
  }

  /** The rate for the hour starting at `hour`, or null when the series has none yet. Hours must not go back. */
  rateAt(hour: number): Decimal | null {
    if (this.constant) return this.constant;
    const limit = hour + STAMP_TOLERANCE_MS;
    while (this.cursor + 1 < this.times.length && (this.times[this.cursor + 1] as number) <= limit) this.cursor++;
    if (this.cursor < 0) return null;
    // The point must be this hour's: within a minute of it. Otherwise the series has a hole.
    return Math.abs((this.times[this.cursor] as number) - hour) <= STAMP_TOLERANCE_MS
      ? (this.rates[this.cursor] as Decimal)
      : null;
  }
}

/** The first funding hour strictly after `time`. */
export function nextFundingHour(time: number): number {
  return Math.floor(time / FUNDING_PERIOD_MS) * FUNDING_PERIOD_MS + FUNDING_PERIOD_MS;
}
