import type { Candle } from '../../shared/values/candle.ts';
import {
  candleAt,
  columnsFromCandles,
  columnsToCandles,
  lowerBound,
  sliceColumns,
  type CandleColumns,
} from './candle-columns.ts';

/**
 * A loaded series: its bars in columns (the layout detectors and indicators scan fastest),
 * with time-range queries. Times are ascending and unique; the constructor checks it.
 */
export class CandleSeries {
  readonly columns: CandleColumns;

  constructor(columns: CandleColumns) {
    let previous = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < columns.length; i++) {
      const t = columns.time[i] as number;
      if (!(t > previous)) throw new RangeError(`candle ${i}: time ${t} is not after the previous bar (${previous})`);
      previous = t;
    }
    this.columns = columns;
  }

  /** A series from bar objects. */
  static fromCandles(candles: readonly Candle[]): CandleSeries {
    return new CandleSeries(columnsFromCandles(candles));
  }

  /** Number of bars. */
  get length(): number {
    return this.columns.length;
  }

  /** Index of the first bar with time ≥ `t`. */
  lowerBound(t: number): number {
    return lowerBound(this.columns, t);
  }

  /** The bar at `index` as an object. */
  at(index: number): Candle {
    if (index < 0 || index >= this.length) throw new RangeError(`bar ${index} is out of range`);
    return candleAt(this.columns, index);
  }

  /** Bars with `from ≤ time ≤ to` as columns (views); with `limit`, only the most recent ones. */
  range(from?: number, to?: number, limit?: number): CandleColumns {
    const start = from === undefined ? 0 : this.lowerBound(from);
    const end = to === undefined ? this.length : this.lowerBound(to + 1);
    return sliceColumns(this.columns, limit === undefined ? start : Math.max(start, end - limit), end);
  }

  /** Bars with `from ≤ time ≤ to` as objects, oldest first (what a chart wants). */
  slice(from?: number, to?: number, limit?: number): Candle[] {
    return columnsToCandles(this.range(from, to, limit));
  }
}
