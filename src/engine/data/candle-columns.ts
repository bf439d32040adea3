import type { Candle } from '../../shared/values/candle.ts';

/**
 * Bars stored column by column, one Float64Array per field: the layout indicators, detectors,
 * resampling and the store read and write fastest. `time` is the open time in unix ms.
 */
export interface CandleColumns {
  readonly length: number;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** The six fields of a bar, in storage order. */
export const CANDLE_FIELDS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;

/** Allocates zero-filled columns for `length` bars. */
export function allocateColumns(length: number): CandleColumns {
  return {
    length,
    time: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
  };
}

/** Columns holding no bars. */
export const EMPTY_COLUMNS: CandleColumns = allocateColumns(0);

/** Bars `start` (inclusive) to `end` (exclusive) as views on the same memory. */
export function sliceColumns(columns: CandleColumns, start: number, end: number): CandleColumns {
  const s = Math.max(0, start);
  const e = Math.min(columns.length, Math.max(s, end));
  return {
    length: e - s,
    time: columns.time.subarray(s, e),
    open: columns.open.subarray(s, e),
    high: columns.high.subarray(s, e),
    low: columns.low.subarray(s, e),
    close: columns.close.subarray(s, e),
    volume: columns.volume.subarray(s, e),
  };
}

/** Bar `i` as an object. */
export function candleAt(columns: CandleColumns, i: number): Candle {
  return {
    time: columns.time[i] as number,
    open: columns.open[i] as number,
    high: columns.high[i] as number,
    low: columns.low[i] as number,
    close: columns.close[i] as number,
    volume: columns.volume[i] as number,
  };
}

/** Every bar as an object, for the wire. */
export function columnsToCandles(columns: CandleColumns): Candle[] {
  const out = new Array<Candle>(columns.length);
  for (let i = 0; i < columns.length; i++) out[i] = candleAt(columns, i);
  return out;
}

/** Columns from bar objects. */
export function columnsFromCandles(candles: readonly Candle[]): CandleColumns {
  const columns = allocateColumns(candles.length);
  candles.forEach((c, i) => writeBar(columns, i, c.time, c.open, c.high, c.low, c.close, c.volume));
  return columns;
}

/** Writes bar `i` (the arrays are mutable even though the interface is read-only). */
export function writeBar(
  columns: CandleColumns,
  i: number,
  time: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
): void {
  columns.time[i] = time;
  columns.open[i] = open;
  columns.high[i] = high;
  columns.low[i] = low;
  columns.close[i] = close;
  columns.volume[i] = volume;
}

/** Copies bar `from` of `source` to bar `to` of `target`. */
export function copyBar(source: CandleColumns, from: number, target: CandleColumns, to: number): void {
  for (const field of CANDLE_FIELDS) target[field][to] = source[field][from] as number;
}

/** Index of the first bar with time ≥ `t` (binary search; times must be ascending). */
export function lowerBound(columns: CandleColumns, t: number): number {
  let lo = 0;
  let hi = columns.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((columns.time[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Grows columns bar by bar with amortised O(1) appends (capacity doubles), for readers that
 * do not know the final length.
 */
export class CandleColumnsBuilder {
  private columns: CandleColumns;
  private count = 0;

  constructor(initialCapacity = 1024) {
    this.columns = allocateColumns(Math.max(1, initialCapacity));
  }

  /** Bars appended so far. */
  get length(): number {
    return this.count;
  }

  /** Appends one bar. */
  push(time: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (this.count === this.columns.length) this.grow(this.count * 2);
    writeBar(this.columns, this.count++, time, open, high, low, close, volume);
  }

  /** Appends every bar of `other`. */
  append(other: CandleColumns): void {
    if (this.count + other.length > this.columns.length) this.grow(Math.max(this.count * 2, this.count + other.length));
    for (const field of CANDLE_FIELDS) this.columns[field].set(other[field].subarray(0, other.length), this.count);
    this.count += other.length;
  }

  /** The bars so far, as views (valid until the next append). */
  view(): CandleColumns {
    return sliceColumns(this.columns, 0, this.count);
  }

  /** Empties the builder, keeping its memory. */
  clear(): void {
    this.count = 0;
  }

  private grow(capacity: number): void {
    const next = allocateColumns(capacity);
    for (const field of CANDLE_FIELDS) next[field].set(this.columns[field].subarray(0, this.count));
    this.columns = next;
  }
}
