import { describe, expect, it } from 'vitest';
import { toChartTime } from '../../../src/renderer/src/chart/chart-time.ts';
import { pricePrecision } from '../../../src/renderer/src/chart/price-precision.ts';

const bar = (open: number, close = open) => ({
  time: 0,
  open,
  high: Math.max(open, close),
  low: Math.min(open, close),
  close,
  volume: 1,
});

describe('chart helpers', () => {
  it('convert engine milliseconds to chart seconds', () => {
    expect(toChartTime(1_704_067_200_000)).toBe(1_704_067_200);
    expect(toChartTime(1_704_067_200_999)).toBe(1_704_067_200);
  });

  it('pick the price precision the data uses, capped at 8', () => {
    expect(pricePrecision([bar(43250), bar(43251)])).toBe(0);
    expect(pricePrecision([bar(3320.6, 3323.35)])).toBe(2);
    expect(pricePrecision([bar(0.004512)])).toBe(6);
    expect(pricePrecision([bar(0.1234567891)])).toBe(8);
    expect(pricePrecision([])).toBe(0);
  });
});
