import type { BarState } from './bar-state.ts';
import type { DetectionConfig } from './detection-config.ts';

/** A swing found by a {@link SwingFinder}. */
export interface FoundSwing {
  readonly side: 'high' | 'low';
  readonly price: number;
  /** Open time of the swing bar. */
  readonly time: number;
}

/** Finds swing highs and lows one bar at a time; returns those this bar confirms. */
export interface SwingFinder {
  update(bar: BarState, found: FoundSwing[]): void;
}

/**
 * Fractal swings: a high above the `n` highs before it and not below the `n` highs after it
 * (and the mirror for lows). Confirmed `n` bars after the swing bar. O(n) per bar.
 */
export class FractalSwings implements SwingFinder {
  private readonly n: number;
  private readonly size: number;
  private readonly highs: Float64Array;
  private readonly lows: Float64Array;
  private readonly times: Float64Array;

  constructor(n: number) {
    this.n = n;
    this.size = 2 * n + 1;
    this.highs = new Float64Array(this.size);
    this.lows = new Float64Array(this.size);
    this.times = new Float64Array(this.size);
  }

  update(bar: BarState, found: FoundSwing[]): void {
    const k = bar.count - 1;
    const size = this.size;
    const slot = k % size;
    this.highs[slot] = bar.high;
    this.lows[slot] = bar.low;
    this.times[slot] = bar.time;
    if (bar.count < size) return;
    const centre = (k - this.n) % size;
    const ch = this.highs[centre] as number;
    const cl = this.lows[centre] as number;
    let isHigh = true;
    let isLow = true;
    for (let d = 1; d <= this.n && (isHigh || isLow); d++) {
      const before = (k - this.n - d) % size;
      const after = (k - this.n + d) % size;
      if (!(ch > (this.highs[before] as number) && ch >= (this.highs[after] as number))) isHigh = false;
      if (!(cl < (this.lows[before] as number) && cl <= (this.lows[after] as number))) isLow = false;
    }
    const time = this.times[centre] as number;
    if (isHigh) found.push({ side: 'high', price: ch, time });
    if (isLow) found.push({ side: 'low', price: cl, time });
  }
}

/**
 * Zig-zag swings: the extreme since the last swing becomes a swing once price has come back
 * from it by `k` ATRs. O(1) per bar; confirmed when the reversal completes.
 */
export class ZigzagSwings implements SwingFinder {
  private readonly k: number;
  private direction: 0 | 1 | -1 = 0;
  private maxPrice = Number.NEGATIVE_INFINITY;
  private maxTime = 0;
  private minPrice = Number.POSITIVE_INFINITY;
  private minTime = 0;
  /** Lowest low since the running maximum was set (and the mirror), to start the next leg. */
  private lowAfterMax = Number.POSITIVE_INFINITY;
  private lowAfterMaxTime = 0;
  private highAfterMin = Number.NEGATIVE_INFINITY;
  private highAfterMinTime = 0;

  constructor(k: number) {
    this.k = k;
  }

  update(bar: BarState, found: FoundSwing[]): void {
    if (bar.high > this.maxPrice) {
      this.maxPrice = bar.high;
      this.maxTime = bar.time;
      this.lowAfterMax = bar.low;
      this.lowAfterMaxTime = bar.time;
    } else if (bar.low < this.lowAfterMax) {
      this.lowAfterMax = bar.low;
      this.lowAfterMaxTime = bar.time;
    }
    if (bar.low < this.minPrice) {
      this.minPrice = bar.low;
      this.minTime = bar.time;
      this.highAfterMin = bar.high;
      this.highAfterMinTime = bar.time;
    } else if (bar.high > this.highAfterMin) {
      this.highAfterMin = bar.high;
      this.highAfterMinTime = bar.time;
    }
    const threshold = this.k * bar.atr;
    if (!(threshold > 0)) return;
    if (this.direction >= 0 && this.maxPrice - this.lowAfterMax >= threshold && this.maxTime < bar.time) {
      found.push({ side: 'high', price: this.maxPrice, time: this.maxTime });
      this.direction = -1;
      this.minPrice = this.lowAfterMax;
      this.minTime = this.lowAfterMaxTime;
      this.highAfterMin = Number.NEGATIVE_INFINITY;
      this.maxPrice = Number.NEGATIVE_INFINITY;
    } else if (this.direction <= 0 && this.highAfterMin - this.minPrice >= threshold && this.minTime < bar.time) {
      found.push({ side: 'low', price: this.minPrice, time: this.minTime });
      this.direction = 1;
      this.maxPrice = this.highAfterMin;
      this.maxTime = this.highAfterMinTime;
      this.lowAfterMax = Number.POSITIVE_INFINITY;
      this.minPrice = Number.POSITIVE_INFINITY;
    }
  }
}

/** The swing finder the configuration asks for. */
export function swingFinder(config: DetectionConfig['structure']): SwingFinder {
  return config.swingMode === 'zigzag' ? new ZigzagSwings(config.zigzagAtr) : new FractalSwings(config.swingBars);
}
