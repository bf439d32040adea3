import { describe, expect, it } from 'vitest';
import { CandleColumnsBuilder, columnsToCandles, type CandleColumns } from '../../../src/engine/data/candle-columns.ts';
import { canResample, resample } from '../../../src/engine/data/resample.ts';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;

/** Bars at the given open times; bar i has open i+1, high i+2, low i+0.5, close i+1.5, volume 1. */
function bars(times: number[]): CandleColumns {
  const b = new CandleColumnsBuilder();
  times.forEach((t, i) => b.push(t, i + 1, i + 2, i + 0.5, i + 1.5, 1));
  return b.view();
}

describe('resample', () => {
  it('aggregates open/high/low/close/volume per bucket', () => {
    const out = resample(bars([0, M, 2 * M, 3 * M, 4 * M]), '1m', '5m');
    expect(columnsToCandles(out)).toEqual([{ time: 0, open: 1, high: 6, low: 0.5, close: 5.5, volume: 5 }]);
  });

  it('drops buckets the data only partly covers at either end, unless asked to keep them', () => {
    const times = [3 * M, 4 * M, 5 * M, 6 * M, 7 * M, 8 * M, 9 * M, 10 * M];
    expect(Array.from(resample(bars(times), '1m', '5m').time)).toEqual([5 * M]);
    expect(Array.from(resample(bars(times), '1m', '5m', { partial: 'keep' }).time)).toEqual([0, 5 * M, 10 * M]);
  });

  it('aggregates the bars that exist when some are missing inside a bucket (never invents bars)', () => {
    const out = resample(bars([0, M, 3 * M, 4 * M]), '1m', '5m');
    expect(columnsToCandles(out)).toEqual([{ time: 0, open: 1, high: 5, low: 0.5, close: 4.5, volume: 4 }]);
  });

  it('builds weeks from Monday and months from the 1st', () => {
    // 2024-05-13 is a Monday: 7 daily bars from it make exactly one week.
    const monday = Date.UTC(2024, 4, 13);
    const week = resample(bars(Array.from({ length: 7 }, (_, i) => monday + i * D)), '1d', '1w');
    expect(Array.from(week.time)).toEqual([monday]);
    const feb = Date.UTC(2024, 1, 1);
    const month = resample(bars(Array.from({ length: 29 }, (_, i) => feb + i * D)), '1d', '1M');
    expect(columnsToCandles(month)).toEqual([{ time: feb, open: 1, high: 30, low: 0.5, close: 29.5, volume: 29 }]);
  });

  it('builds Thursday weeks on request (epoch-aligned, as Hyperliquid 1w candles)', () => {
    const thursday = Date.UTC(2025, 9, 30);
    const week = resample(bars(Array.from({ length: 7 }, (_, i) => thursday + i * D)), '1d', '1w', {
      weekStart: 'thursday',
    });
    expect(Array.from(week.time)).toEqual([thursday]);
    expect(resample(bars(Array.from({ length: 7 }, (_, i) => thursday + i * D)), '1d', '1w').length).toBe(0);
  });

  it('refuses intervals that do not tile', () => {
    expect(canResample('1m', '5m')).toBe(true);
    expect(canResample('3m', '5m')).toBe(false);
    expect(canResample('3d', '1w')).toBe(false);
    expect(canResample('1d', '1M')).toBe(true);
    expect(canResample('1h', '1h')).toBe(false);
    expect(() => resample(bars([0]), '1h', '1m')).toThrow('cannot resample 1h bars to 1m');
  });

  it('handles empty input and a million bars in one pass', () => {
    expect(resample(bars([]), '1m', '1h').length).toBe(0);
    const b = new CandleColumnsBuilder(1_000_000);
    for (let i = 0; i < 1_000_000; i++) b.push(i * M, 1, 2, 0.5, 1.5, 1);
    const hourly = resample(b.view(), '1m', '1h');
    expect(hourly.length).toBe(Math.floor(1_000_000 / 60));
    expect(hourly.volume[0]).toBe(60);
  });
});
