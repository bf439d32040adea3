import type { Candle } from '../../shared/values/candle.ts';

/**
 * Candles stored column by column (one Float64Array per field), the layout detectors and
 * indicators scan fastest. Times are ascending and unique; the constructor checks it.
 */
export class CandleSeries {
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;

  constructor(candles: readonly Candle[]) {
    const n = candles.length;
    this.time = new Float64Array(n);
    this.open = new Float64Array(n);
    this.high = new Float64Array(n);
    this.low = new Float64Array(n);
    this.close = new Float64Array(n);
    this.volume = new Float64Array(n);
    let previous = -Infinity;
    for (let i = 0; i < n; i++) {
      const c = candles[i] as Candle;
      if (!(c.time > previous)) {
        throw new RangeError(`candle ${i}: time ${c.time} is not after the previous bar (${previous})`);
      }
      previous = c.time;
      this.time[i] = c.time;
      this.open[i] = c.open;
      this.high[i] = c.high;
      this.low[i] = c.low;
      this.close[i] = c.close;
      this.volume[i] = c.volume;
    }
  }

  /** Number of bars. */
  get length(): number {
    return this.time.length;
  }

  /** Index of the first bar with time ≥ `t` (binary search). */
  lowerBound(t: number): number {
    let lo = 0;
    let hi = this.time.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.time[mid] as number) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The bar at `index` as an object. */
  at(index: number): Candle {
    if (index < 0 || index >= this.length) throw new RangeError(`bar ${index} is out of range`);
    return {
      time: this.time[index] as number,
      open: this.open[index] as number,
      high: this.high[index] as number,
      low: this.low[index] as number,
      close: this.close[index] as number,
      volume: this.volume[index] as number,
    };
  }

  /**
   * Bars with `from ≤ time ≤ to`, oldest first; with `limit`, only the most recent `limit`
   * of them (what a chart wants when it opens).
   */
  slice(from?: number, to?: number, limit?: number): Candle[] {
    const start = from === undefined ? 0 : this.lowerBound(from);
    const end = to === undefined ? this.length : this.lowerBound(to + 1);
    const first = limit === undefined ? start : Math.max(start, end - limit);
    const out: Candle[] = [];
    for (let i = first; i < end; i++) out.push(this.at(i));
    return out;
  }
}
