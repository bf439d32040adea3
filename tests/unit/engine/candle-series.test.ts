import { describe, expect, it } from 'vitest';
import { CandleSeries } from '../../../src/engine/data/candle-series.ts';
import type { Candle } from '../../../src/shared/values/candle.ts';

const bar = (time: number, close = 100): Candle => ({ time, open: 100, high: 101, low: 99, close, volume: 1 });

describe('CandleSeries', () => {
  const series = CandleSeries.fromCandles([bar(10), bar(20), bar(30), bar(40), bar(50)]);

  it('stores columns and rebuilds bars', () => {
    expect(series.length).toBe(5);
    expect(series.columns.time).toBeInstanceOf(Float64Array);
    expect(Array.from(series.columns.time)).toEqual([10, 20, 30, 40, 50]);
    expect(series.at(2)).toEqual(bar(30));
    expect(() => series.at(5)).toThrow(/out of range/);
  });

  it('slices by inclusive time range and keeps the most recent bars under a limit', () => {
    expect(series.slice(20, 40).map((c) => c.time)).toEqual([20, 30, 40]);
    expect(series.slice(15, 35).map((c) => c.time)).toEqual([20, 30]);
    expect(series.slice(undefined, undefined, 2).map((c) => c.time)).toEqual([40, 50]);
    expect(series.slice(10, 30, 10).map((c) => c.time)).toEqual([10, 20, 30]);
    expect(series.slice(60)).toEqual([]);
    expect(series.lowerBound(0)).toBe(0);
    expect(series.lowerBound(55)).toBe(5);
  });

  it('refuses unsorted or duplicate times', () => {
    expect(() => CandleSeries.fromCandles([bar(10), bar(10)])).toThrow(/candle 1: time 10 is not after/);
    expect(() => CandleSeries.fromCandles([bar(20), bar(10)])).toThrow(/candle 1/);
    expect(CandleSeries.fromCandles([]).length).toBe(0);
  });
});
