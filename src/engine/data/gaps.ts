import type { Timeframe } from '../../shared/values/timeframe.ts';
import { timeGrid, type TimeGrid } from './time-grid.ts';

/** A run of missing bars: open times of the first and last missing bar, and how many. */
export interface Gap {
  readonly from: number;
  readonly to: number;
  readonly bars: number;
}

/** What a series looks like: size, span, interval and every hole in it. */
export interface GapReport {
  readonly rows: number;
  readonly first: number | null;
  readonly last: number | null;
  readonly interval: Timeframe;
  readonly missingBars: number;
  readonly gaps: readonly Gap[];
}

/**
 * Finds missing bars while times stream past, one at a time, in O(1) per bar. Times must be
 * ascending and on the interval's grid; it throws on one that is not (readers validate first).
 * Nothing is filled: a gap is reported, never invented over.
 */
export class GapTracker {
  private grid: TimeGrid | null = null;
  private previousSlot = 0;
  private rows = 0;
  private first: number | null = null;
  private last: number | null = null;
  private missing = 0;
  private readonly gaps: Gap[] = [];
  private readonly interval: Timeframe;

  constructor(interval: Timeframe) {
    this.interval = interval;
  }

  /** Records the next bar's open time. */
  push(t: number): void {
    this.grid ??= timeGrid(this.interval, t);
    const slot = this.grid.slot(t);
    if (slot === null) throw new RangeError(`time ${t} is not on the ${this.interval} grid`);
    if (this.rows > 0) {
      if (slot <= this.previousSlot) throw new RangeError(`time ${t} does not come after ${String(this.last)}`);
      const bars = slot - this.previousSlot - 1;
      if (bars > 0) {
        this.gaps.push({ from: this.grid.timeOf(this.previousSlot + 1), to: this.grid.timeOf(slot - 1), bars });
        this.missing += bars;
      }
    } else {
      this.first = t;
    }
    this.previousSlot = slot;
    this.last = t;
    this.rows++;
  }

  /** The report so far. */
  report(): GapReport {
    return {
      rows: this.rows,
      first: this.first,
      last: this.last,
      interval: this.interval,
      missingBars: this.missing,
      gaps: [...this.gaps],
    };
  }
}

/** Gap report of a whole ascending list of open times. */
export function findGaps(times: ArrayLike<number>, interval: Timeframe): GapReport {
  const tracker = new GapTracker(interval);
  for (let i = 0; i < times.length; i++) tracker.push(times[i] as number);
  return tracker.report();
}
