import { describe, expect, it } from 'vitest';
import { downsampleEquity } from '../../../src/engine/backtest/backtest-service.ts';
import { MAX_EQUITY_POINTS } from '../../../src/shared/contract/backtest.ts';

describe('downsampleEquity', () => {
  it('keeps every point when they fit', () => {
    const time = [1, 2, 3];
    const equity = [10, 9, 11];
    expect(downsampleEquity(time, equity, MAX_EQUITY_POINTS)).toEqual({ time, equity });
  });

  it('keeps at most the limit: each stretch’s low and high in time order, and the last point', () => {
    const n = 100_003;
    const time = Float64Array.from({ length: n }, (_, i) => 1_000 + i * 60_000);
    const equity = Float64Array.from({ length: n }, (_, i) => 10_000 + 500 * Math.sin(i / 700) + (i % 13));
    const dip = 54_321;
    equity[dip] = 1; // the deepest drawdown must survive
    const peak = 77_777;
    equity[peak] = 50_000;
    const out = downsampleEquity(time, equity, MAX_EQUITY_POINTS);
    expect(out.time.length).toBe(out.equity.length);
    expect(out.time.length).toBeLessThanOrEqual(MAX_EQUITY_POINTS);
    expect(out.time.length).toBeGreaterThan(MAX_EQUITY_POINTS * 0.9);
    for (let i = 1; i < out.time.length; i++) expect(out.time[i]).toBeGreaterThan(out.time[i - 1] as number);
    expect(out.time.at(-1)).toBe(time[n - 1]);
    expect(out.equity.at(-1)).toBe(equity[n - 1]);
    expect(Math.min(...out.equity)).toBe(1);
    expect(Math.max(...out.equity)).toBe(50_000);
    expect(out.time).toContain(time[dip]);
    // Every point kept is a real point of the curve.
    const at = new Map(Array.from(time, (t, i) => [t, equity[i]]));
    out.time.forEach((t, i) => expect(out.equity[i]).toBe(at.get(t)));
  });
});
