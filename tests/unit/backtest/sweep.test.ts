import { describe, expect, it } from 'vitest';
import { expandGrid, parseGridOption } from '../../../src/engine/backtest/param-grid.ts';
import { heatmapOf, parseObjective, rankRows, sweep, type SweepRow } from '../../../src/engine/backtest/sweep.ts';
import { planWindows, walkForward } from '../../../src/engine/backtest/walk-forward.ts';
import { runBacktest } from '../../../src/engine/backtest/backtest-session.ts';
import { sliceColumns } from '../../../src/engine/data/candle-columns.ts';
import { resolveStrategy } from '../../../src/engine/strategy/strategy-registry.ts';
import { runJobsInline } from '../../../src/host/backtest-pool.ts';
import { ValidationError } from '../../../src/shared/contract/errors.ts';
import { barsOf, sampleBars } from '../../helpers/backtest.ts';

const ALL_IN = { kind: 'all-in' } as const;

describe('parameter grids', () => {
  it('reads ranges, lists and single values', () => {
    expect(parseGridOption('fast=5:25:5')).toEqual(['fast', [5, 10, 15, 20, 25]]);
    expect(parseGridOption('minScore=0.5:0.7:0.1')).toEqual(['minScore', [0.5, 0.6, 0.7]]);
    expect(parseGridOption('mode=flip,long-only')).toEqual(['mode', ['flip', 'long-only']]);
    expect(parseGridOption('fresh=false')).toEqual(['fresh', [false]]);
    expect(() => parseGridOption('fast')).toThrow(/name=start:stop:step/);
    expect(() => parseGridOption('fast=10:5:1')).toThrow(/start ≤ stop/);
  });

  it('skips the combinations the strategy refuses, with the reason (the 24-point grid)', () => {
    const grid = { fast: [5, 10, 15, 20, 25], slow: [10, 20, 30, 40, 50, 60] };
    const expanded = expandGrid('sma-cross', {}, grid, ALL_IN);
    expect(expanded.combos).toHaveLength(24);
    expect(expanded.skipped).toHaveLength(6);
    expect(expanded.skipped[0]?.reason).toMatch(/fast must be shorter than slow/);
    expect(expanded.combos.every((c) => (c.fast as number) < (c.slow as number))).toBe(true);
    expect(expanded.varying).toEqual(['fast', 'slow']);
  });

  it('names an unknown parameter instead of skipping everything', () => {
    expect(() => expandGrid('sma-cross', {}, { fats: [1, 2] }, ALL_IN)).toThrow(/unknown parameter "fats"/);
  });

  it('objectives: a statistic to maximise, or minimise with a minus', () => {
    expect(parseObjective('sharpe')).toEqual({ key: 'sharpe', minimize: false });
    expect(parseObjective('-maxDrawdownPct')).toEqual({ key: 'maxDrawdownPct', minimize: true });
    expect(() => parseObjective('luck')).toThrow(/objective "luck" is not one of/);
  });

  it('ranks best first, unmeasurable last, and maps the best of each cell', () => {
    const row = (fast: number, slow: number, objective: number | null) =>
      ({ params: { fast, slow }, objective, stats: {} }) as unknown as SweepRow;
    const rows = [row(1, 2, 0.5), row(1, 3, null), row(2, 3, 1.5), row(1, 2, 0.9)];
    expect(rankRows(rows, { key: 'sqn', minimize: false }).map((r) => r.objective)).toEqual([1.5, 0.9, 0.5, null]);
    expect(rankRows(rows, { key: 'sqn', minimize: true }).map((r) => r.objective)).toEqual([0.5, 0.9, 1.5, null]);
    const heat = heatmapOf(rows, 'fast', 'slow', { key: 'sqn', minimize: false });
    expect(heat).toEqual({
      x: 'fast',
      y: 'slow',
      xs: [1, 2],
      ys: [2, 3],
      values: [
        [0.9, null],
        [null, 1.5],
      ],
    });
  });
});

describe('sweep', () => {
  it('runs every valid combination and agrees with single backtests', async () => {
    const bars = await sampleBars();
    const strategy = resolveStrategy('sma-cross', {}, ALL_IN);
    const venue = { capital: '10000' };
    const result = await sweep(
      {
        strategy,
        grid: { fast: [5, 10], slow: [10, 30] },
        venue,
        objective: { key: 'returnPct', minimize: false },
        start: 0,
        end: bars.length,
      },
      runJobsInline(bars, '1h'),
    );
    expect(result.rows).toHaveLength(3);
    expect(result.skipped).toHaveLength(1);
    for (const row of result.rows) {
      const single = runBacktest(bars, { interval: '1h', strategy: { ...strategy, params: row.params }, venue });
      expect(row.stats.returnPct).toBe(single.stats.returnPct);
      expect(row.stats.equityFinal).toBe(single.stats.equityFinal.toFixed());
      expect(row.objective).toBe(single.stats.returnPct);
    }
    expect(result.rows[0]!.objective).toBeGreaterThanOrEqual(result.rows[2]!.objective!);
  });

  it('refuses a grid with no valid combination', async () => {
    const bars = await sampleBars();
    await expect(
      sweep(
        {
          strategy: resolveStrategy('sma-cross', {}, ALL_IN),
          grid: { fast: [50], slow: [10] },
          venue: {},
          objective: { key: 'sqn', minimize: false },
          start: 0,
          end: bars.length,
        },
        runJobsInline(bars, '1h'),
      ),
    ).rejects.toThrow(ValidationError);
  });
});

describe('walk-forward', () => {
  it('plans rolling and anchored windows whose test periods follow each other', () => {
    expect(planWindows(100, { inSample: 40, outOfSample: 20 })).toEqual([
      { index: 0, isStart: 0, isEnd: 40, oosStart: 40, oosEnd: 60 },
      { index: 1, isStart: 20, isEnd: 60, oosStart: 60, oosEnd: 80 },
      { index: 2, isStart: 40, isEnd: 80, oosStart: 80, oosEnd: 100 },
    ]);
    expect(
      planWindows(95, { inSample: 40, outOfSample: 20, anchored: true }).map((w) => [w.isStart, w.isEnd, w.oosEnd]),
    ).toEqual([
      [0, 40, 60],
      [0, 60, 80],
      [0, 80, 95],
    ]);
    expect(() => planWindows(50, { inSample: 40, outOfSample: 20 })).toThrow(/needs 60/);
    expect(() => planWindows(500, { inSample: 40, outOfSample: 20, step: 10 })).toThrow(/may not overlap/);
  });

  it('optimises in-sample, tests the winner out-of-sample and stitches the tests with equity carried over', async () => {
    const bars = await sampleBars();
    const strategy = resolveStrategy('sma-cross', {}, ALL_IN);
    const venue = { capital: '10000' };
    const objective = { key: 'returnPct', minimize: false } as const;
    const grid = { fast: [5, 10], slow: [20, 40] };
    const result = await walkForward(
      bars,
      '1h',
      { strategy, grid, venue, objective, inSample: 600, outOfSample: 300 },
      runJobsInline(bars, '1h'),
    );
    expect(result.combinations).toBe(4);
    const windows = planWindows(bars.length, { inSample: 600, outOfSample: 300 });
    expect(result.windows).toHaveLength(windows.length);
    let capital = '10000';
    let equity: number[] = [];
    for (const outcome of result.windows) {
      const w = outcome.window;
      // The winner is the best in-sample run of the grid.
      const inSample = [5, 10].flatMap((fast) =>
        [20, 40].map((slow) =>
          runBacktest(sliceColumns(bars, w.isStart, w.isEnd), {
            interval: '1h',
            strategy: { ...strategy, params: { ...strategy.params, fast, slow } },
            venue,
          }),
        ),
      );
      const best = Math.max(...inSample.map((r) => r.stats.returnPct));
      expect(outcome.inSample?.returnPct).toBe(best);
      // The test starts from the previous test's final equity, warmed up on the in-sample bars.
      const oos = runBacktest(sliceColumns(bars, w.isStart, w.oosEnd), {
        interval: '1h',
        strategy: { ...strategy, params: outcome.best ?? {} },
        venue: { ...venue, capital },
        historyBars: w.oosStart - w.isStart,
      });
      expect(outcome.outOfSample?.stats.equityFinal.toFixed()).toBe(oos.stats.equityFinal.toFixed());
      capital = oos.stats.equityFinal.toFixed();
      equity = [...equity, ...oos.equity];
    }
    expect(result.stitched.stats.equityFinal.toFixed()).toBe(capital);
    expect(Array.from(result.stitched.equity)).toEqual(equity);
    expect(result.stitched.time.length).toBe(bars.length - 600);
    expect(result.stitched.trades.count).toBe(
      result.windows.reduce((n, o) => n + (o.outOfSample?.trades.count ?? 0), 0),
    );
    expect(result.stitched.stats.capital.toFixed()).toBe('10000');
  });
});

describe('walk-forward after a ruin', () => {
  it('stops trading once an out-of-sample period ruins the account, instead of failing', async () => {
    // A steady climb with one dip early in the second test period (a cross down, then up: a
    // 10× long), then the market opens 70 % lower.
    const ohlc: [number, number, number, number][] = [];
    let price = 100;
    for (let i = 0; i < 400; i++) {
      const open = i === 250 ? price * 0.3 : price;
      price = open * (i >= 205 && i < 208 ? 0.99 : 1.004);
      ohlc.push([open, Math.max(open, price), Math.min(open, price), price]);
    }
    const bars = barsOf(ohlc);
    const strategy = resolveStrategy('sma-cross', { mode: 'long-only', priceScale: 1 }, ALL_IN);
    const result = await walkForward(
      bars,
      '1h',
      {
        strategy,
        grid: { fast: [2, 3], slow: [5, 8] },
        venue: { capital: '1000', leverage: 10 },
        objective: { key: 'returnPct', minimize: false },
        inSample: 100,
        outOfSample: 100,
      },
      runJobsInline(bars, '1h'),
    );
    expect(result.windows).toHaveLength(3);
    expect(result.stitched.notes.some((n) => n.startsWith('window 2:') && n.includes('ruined'))).toBe(true);
    expect(result.windows[2]?.outOfSample).toBeNull();
    expect(result.stitched.notes).toContain('window 3: the account was ruined in an earlier window; no trading');
    expect(result.stitched.stats.equityFinal.isNegative()).toBe(true);
    expect(result.stitched.equity.length).toBe(300);
  });
});
