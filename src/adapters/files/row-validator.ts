import { timeGrid, type TimeGrid } from '../../engine/data/time-grid.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';

/**
 * Checks one bar against the rules every imported bar must meet, and against the bar before
 * it. Returns the reason a bar is refused, or null when it is accepted (and becomes "the bar
 * before" for the next call).
 */
export class RowValidator {
  private previous = Number.NEGATIVE_INFINITY;
  private previousSlot = Number.NEGATIVE_INFINITY;
  private grid: TimeGrid | null = null;
  private interval: Timeframe | null;

  constructor(interval: Timeframe | null) {
    this.interval = interval;
  }

  /** Sets the interval once it has been detected (before any bar was checked against it). */
  setInterval(interval: Timeframe | null): void {
    this.interval = interval;
    this.grid = null;
  }

  check(time: number, open: number, high: number, low: number, close: number, volume: number): string | null {
    if (Number.isNaN(time)) return 'time is not a valid timestamp';
    if (Number.isNaN(open) || Number.isNaN(high) || Number.isNaN(low) || Number.isNaN(close)) {
      return 'a price is not a finite number';
    }
    if (Number.isNaN(volume)) return 'volume is not a finite number';
    if (!(open > 0 && high > 0 && low > 0 && close > 0)) return 'prices must be greater than 0';
    if (volume < 0) return 'volume must not be negative';
    if (low > Math.min(open, close)) return 'low is above min(open, close)';
    if (high < Math.max(open, close)) return 'high is below max(open, close)';
    if (time === this.previous) return `time ${iso(time)} is a duplicate of the bar before`;
    if (time < this.previous)
      return `time ${iso(time)} is earlier than the bar before (${iso(this.previous)}): the file is not sorted`;
    if (this.interval) {
      this.grid ??= timeGrid(this.interval, time);
      const slot = this.grid.slot(time);
      if (slot === null) return `time ${iso(time)} is not on the ${this.interval} grid (wrong interval spacing)`;
      if (slot === this.previousSlot)
        return `time ${iso(time)} falls in the same ${this.interval} bar as the bar before`;
      this.previousSlot = slot;
    }
    this.previous = time;
    return null;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
