import { afterEach, describe, expect, it } from 'vitest';
import { runBacktest } from '../../../src/engine/backtest/backtest-session.ts';
import { columnsFromCandles, columnsToCandles } from '../../../src/engine/data/candle-columns.ts';
import { resample } from '../../../src/engine/data/resample.ts';
import { resolveStrategy } from '../../../src/engine/strategy/strategy-registry.ts';
import { parseSizing } from '../../../src/engine/trading/sizing.ts';
import type { Timeframe } from '../../../src/shared/values/timeframe.ts';
import { sampleBars } from '../../helpers/backtest.ts';
import { ManualScheduler, startBacktestEngine } from '../../helpers/backtest-engine.ts';
import { startContractEngine } from '../../helpers/contract-driver.ts';
import { detectColumns } from '../../helpers/detect.ts';
import { SAMPLE_CANDLES, SAMPLE_LOAD } from '../../helpers/engine-config.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The engine the worker runs: `createEngine`, started, with the sample loaded. */
async function startEngine() {
  const d = await startContractEngine();
  cleanups.push(d.close);
  const info = await d.call('LoadCandles', SAMPLE_LOAD);
  return { ...d, info };
}

/**
 * The same market data and backtest service as `createEngine` wires, with a hand-run
 * scheduler and small slices, so a run can be watched (and canceled) between slices.
 */
async function startSlicedEngine(sliceBars: number) {
  const scheduler = new ManualScheduler();
  const d = await startBacktestEngine(scheduler, { sliceBars });
  cleanups.push(d.close);
  const info = await d.call('LoadCandles', SAMPLE_LOAD);
  return { ...d, info, scheduler };
}

const SMA = { id: 'sma-cross', params: { fast: 5, slow: 20 } };
const CONFLUENCE = { id: 'confluence', params: { timeframes: ['1h', '4h'], minScore: 0.5 }, sizing: 'risk:1' };

/** What `runBacktest` gives on the sample, in the wire shape of `BacktestFinished.trades`. */
async function expectedRun(choice: { id: string; params: Record<string, unknown>; sizing?: string }, venue: object) {
  const bars = await sampleBars();
  expect(bars.length).toBe(SAMPLE_CANDLES);
  const strategy = resolveStrategy(
    choice.id,
    choice.params,
    choice.sizing === undefined ? undefined : parseSizing(choice.sizing),
  );
  const result = runBacktest(bars, { interval: '1h', strategy, venue });
  const trades = result.trades.toArray().map((t) => ({
    side: t.side,
    entryTime: t.entryTime,
    exitTime: t.exitTime,
    entryPrice: t.entryPrice.toFixed(),
    exitPrice: t.exitPrice.toFixed(),
    qty: t.qty.toFixed(),
    pnl: t.pnl.toFixed(),
    rMultiple: t.rMultiple,
    exitReason: t.exitReason,
    tag: t.tag,
  }));
  return { result, trades };
}

describe('QueryCandles with an interval', () => {
  it('returns the series resampled exactly as resample() does, and the bars themselves without one', async () => {
    const { call, info } = await startEngine();
    const base = await call('QueryCandles', { seriesId: info.seriesId });
    expect(base.candles).toHaveLength(SAMPLE_CANDLES);
    const same = await call('QueryCandles', { seriesId: info.seriesId, interval: '1h' });
    expect(same.candles).toEqual(base.candles);
    const columns = columnsFromCandles(base.candles);
    for (const interval of ['2h', '4h', '1d', '1w'] as const) {
      const got = await call('QueryCandles', { seriesId: info.seriesId, interval });
      const want = columnsToCandles(resample(columns, '1h', interval));
      expect(want.length).toBeGreaterThan(0);
      expect(got.candles).toEqual(want);
    }
    // from/to/limit apply to the resampled bars.
    const all4h = columnsToCandles(resample(columns, '1h', '4h'));
    const from = all4h[10]!.time;
    const to = all4h[30]!.time;
    const ranged = await call('QueryCandles', { seriesId: info.seriesId, interval: '4h', from, to, limit: 5 });
    expect(ranged.candles).toEqual(all4h.slice(26, 31));
  });

  it('refuses an interval the series cannot build, naming both intervals', async () => {
    const { fail, info } = await startEngine();
    const finer = await fail('QueryCandles', { seriesId: info.seriesId, interval: '30m' });
    expect(finer.code).toBe('VALIDATION');
    expect(finer.message).toMatch(/interval: 30m bars cannot be built from the 1h bars/);
    const unknown = await fail('QueryCandles', { seriesId: info.seriesId, interval: '2d' });
    expect(unknown).toMatchObject({ code: 'VALIDATION' });
    expect(unknown.message).toContain('interval');
    const missing = await fail('QueryCandles', { seriesId: 'nope:BTC:1h', interval: '4h' });
    expect(missing).toMatchObject({ code: 'NOT_FOUND' });
    expect(missing.message).toContain('nope:BTC:1h');
  });
});

describe('QueryDetections', () => {
  it('returns what the detection engine finds in the series, for the series interval by default', async () => {
    const { call, info } = await startEngine();
    const bars = await sampleBars();
    const direct = JSON.parse(JSON.stringify(detectColumns(bars, { base: '1h' }))) as unknown[];
    const got = await call('QueryDetections', { seriesId: info.seriesId });
    expect(got.events.length).toBeGreaterThan(0);
    expect(got.truncated).toBe(false);
    expect(got.events).toEqual(direct);
    expect(new Set(got.events.map((e) => e.tf))).toEqual(new Set(['1h']));
  });

  it('analyses several timeframes, keeps the most recent `limit` and filters by time', async () => {
    const { call, info } = await startEngine();
    const bars = await sampleBars();
    const timeframes: Timeframe[] = ['1h', '4h'];
    const direct = JSON.parse(JSON.stringify(detectColumns(bars, { base: '1h', timeframes }))) as {
      time: number;
      tf: string;
    }[];
    expect(new Set(direct.map((e) => e.tf))).toEqual(new Set(['1h', '4h']));
    const limited = await call('QueryDetections', { seriesId: info.seriesId, timeframes, limit: 100 });
    expect(limited.truncated).toBe(true);
    expect(limited.events).toEqual(direct.slice(-100));
    const from = (info.first as number) + 500 * 3_600_000;
    const to = (info.first as number) + 900 * 3_600_000;
    const ranged = await call('QueryDetections', { seriesId: info.seriesId, timeframes, from, to });
    const want = direct.filter((e) => e.time >= from && e.time <= to);
    expect(want.length).toBeGreaterThan(0);
    expect(ranged).toEqual({ events: want, truncated: false });
  });

  it('refuses unknown series and timeframes the series cannot build', async () => {
    const { fail, info } = await startEngine();
    await expect(fail('QueryDetections', { seriesId: 'nope:BTC:1h' })).resolves.toMatchObject({ code: 'NOT_FOUND' });
    const finer = await fail('QueryDetections', { seriesId: info.seriesId, timeframes: ['1h', '15m'] });
    expect(finer.code).toBe('VALIDATION');
    expect(finer.message).toMatch(/timeframes: 15m cannot be built from the 1h bars/);
    const empty = await fail('QueryDetections', { seriesId: info.seriesId, timeframes: [] });
    expect(empty.code).toBe('VALIDATION');
    expect(empty.message).toContain('timeframes');
  });
});

describe('RunBacktest', () => {
  it('answers at once, reports progress, then finishes with runBacktest’s trades and stats', async () => {
    const { call, of, waitForEvent, info } = await startEngine();
    const venue = { capital: '10000' };
    const { runId } = await call('RunBacktest', { seriesId: info.seriesId, strategy: SMA, venue });
    expect(of('BacktestFinished', runId)).toHaveLength(0); // it runs on the scheduler, after the answer
    const finished = await waitForEvent('BacktestFinished', runId);
    const progress = of('BacktestProgress', runId);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThanOrEqual(50);
    expect(progress.at(-1)).toMatchObject({ done: SAMPLE_CANDLES, total: SAMPLE_CANDLES });
    expect(of('BacktestFailed', runId)).toHaveLength(0);

    const expected = await expectedRun(SMA, venue);
    expect(expected.trades.length).toBeGreaterThan(2);
    expect(JSON.stringify(finished.trades)).toBe(JSON.stringify(expected.trades));
    expect(finished.strategy).toEqual({ id: 'sma-cross', params: expected.result.strategy.params, sizing: 'all-in' });
    expect(finished.stats).toMatchObject({
      trades: expected.trades.length,
      bars: SAMPLE_CANDLES,
      capital: '10000',
      equityFinal: expected.result.stats.equityFinal.toFixed(),
      feesPaid: expected.result.stats.feesPaid.toFixed(),
      returnPct: expected.result.stats.returnPct,
      sharpe: expected.result.stats.sharpe,
    });
    // 2000 bars fit the curve: every point, as the batch run computed it.
    expect(finished.equity.time).toEqual(Array.from(expected.result.time));
    expect(finished.equity.equity).toEqual(Array.from(expected.result.equity));
  });

  it('runs a detection strategy with its sizing the same way', async () => {
    const { call, waitForEvent, info } = await startEngine();
    const venue = { capital: '50000', slippageBps: 2 };
    const { runId } = await call('RunBacktest', { seriesId: info.seriesId, strategy: CONFLUENCE, venue });
    const finished = await waitForEvent('BacktestFinished', runId);
    const expected = await expectedRun(CONFLUENCE, venue);
    expect(JSON.stringify(finished.trades)).toBe(JSON.stringify(expected.trades));
    expect(finished.strategy.sizing).toBe('risk:1');
  });

  it('can be canceled before its first slice', async () => {
    const { call, of, info } = await startEngine();
    const { runId } = await call('RunBacktest', { seriesId: info.seriesId, strategy: SMA });
    await expect(call('CancelBacktest', { runId })).resolves.toEqual({ runId, canceled: true });
    expect(of('BacktestFailed', runId)).toEqual([expect.objectContaining({ runId, error: 'canceled' })]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(of('BacktestProgress', runId)).toHaveLength(0);
    expect(of('BacktestFinished', runId)).toHaveLength(0);
    await expect(call('CancelBacktest', { runId })).resolves.toEqual({ runId, canceled: false });
  });

  it('refuses bad requests with clear errors', async () => {
    const { fail, info } = await startEngine();
    const unknownSeries = await fail('RunBacktest', { seriesId: 'nope:BTC:1h', strategy: SMA });
    expect(unknownSeries.code).toBe('NOT_FOUND');
    expect(unknownSeries.message).toContain('nope:BTC:1h');
    const unknownStrategy = await fail('RunBacktest', { seriesId: info.seriesId, strategy: { id: 'nope' } });
    expect(unknownStrategy.code).toBe('VALIDATION');
    expect(unknownStrategy.message).toMatch(/unknown strategy "nope"; the built-in strategies are .*sma-cross/);
    const badParam = await fail('RunBacktest', {
      seriesId: info.seriesId,
      strategy: { id: 'sma-cross', params: { fst: 5 } },
    });
    expect(badParam.message).toContain('unknown parameter "fst"');
    const badSizing = await fail('RunBacktest', { seriesId: info.seriesId, strategy: { ...SMA, sizing: 'lots' } });
    expect(badSizing).toMatchObject({ code: 'VALIDATION' });
    expect(badSizing.message).toContain('strategy.sizing');
    const badVenue = await fail('RunBacktest', { seriesId: info.seriesId, strategy: SMA, venue: { capital: 'x' } });
    expect(badVenue).toMatchObject({ code: 'VALIDATION' });
    expect(badVenue.message).toContain('venue.capital');
    const noBars = await fail('RunBacktest', { seriesId: info.seriesId, strategy: SMA, from: 0, to: 1 });
    expect(noBars.message).toContain('has no bars in that range');
    const missing = await fail('RunBacktest', { seriesId: info.seriesId });
    expect(missing.code).toBe('VALIDATION');
    expect(missing.message).toContain('strategy');
  });
});

describe('RunBacktest in slices on the scheduler', () => {
  it('steps only when the scheduler runs it, with at most 50 progress events in order', async () => {
    const { call, of, info, scheduler } = await startSlicedEngine(7);
    const { runId } = await call('RunBacktest', { seriesId: info.seriesId, strategy: SMA });
    expect(of('BacktestProgress', runId)).toHaveLength(0);
    let slices = 0;
    while (scheduler.runNext()) slices++;
    expect(slices).toBe(Math.ceil(SAMPLE_CANDLES / 7));
    const progress = of('BacktestProgress', runId);
    expect(progress.length).toBe(50);
    const done = progress.map((p) => p.done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(progress.every((p) => p.total === SAMPLE_CANDLES)).toBe(true);
    expect(done.at(-1)).toBe(SAMPLE_CANDLES);
    const finished = of('BacktestFinished', runId);
    expect(finished).toHaveLength(1);
    const expected = await expectedRun(SMA, {});
    expect(JSON.stringify(finished[0]!.trades)).toBe(JSON.stringify(expected.trades));
  });

  it('cancels mid-run: BacktestFailed "canceled", nothing after it', async () => {
    const { call, of, events, info, scheduler } = await startSlicedEngine(100);
    const { runId } = await call('RunBacktest', { seriesId: info.seriesId, strategy: SMA });
    scheduler.runNext();
    scheduler.runNext();
    expect(of('BacktestProgress', runId).map((p) => p.done)).toEqual([100, 200]);
    await expect(call('CancelBacktest', { runId })).resolves.toEqual({ runId, canceled: true });
    expect(scheduler.pending).toBe(0);
    const failed = of('BacktestFailed', runId);
    expect(failed).toEqual([expect.objectContaining({ runId, error: 'canceled' })]);
    expect(events.at(-1)?.event).toBe('BacktestFailed');
    while (scheduler.runNext()) {
      // nothing is left to run
    }
    expect(of('BacktestProgress', runId)).toHaveLength(2);
    expect(of('BacktestFinished', runId)).toHaveLength(0);
  });

  it('runs at most two backtests at once and refuses a third clearly', async () => {
    const { call, fail, of, info, scheduler } = await startSlicedEngine(500);
    const a = await call('RunBacktest', { seriesId: info.seriesId, strategy: SMA });
    const b = await call('RunBacktest', { seriesId: info.seriesId, strategy: CONFLUENCE });
    expect(a.runId).not.toBe(b.runId);
    const third = await fail('RunBacktest', { seriesId: info.seriesId, strategy: SMA });
    expect(third.code).toBe('VALIDATION');
    expect(third.message).toContain('2 backtests are already running');
    await call('CancelBacktest', { runId: a.runId });
    const c = await call('RunBacktest', { seriesId: info.seriesId, strategy: SMA });
    while (scheduler.runNext()) {
      // both remaining runs, interleaved slice by slice
    }
    expect(
      of('BacktestFinished')
        .map((f) => f.runId)
        .sort(),
    ).toEqual([b.runId, c.runId].sort());
    expect(of('BacktestFailed').map((f) => f.runId)).toEqual([a.runId]);
  });
});
