import { afterEach, describe, expect, it } from 'vitest';
import { TimerScheduler } from '../../../src/adapters/timer-scheduler.ts';
import { runBacktest } from '../../../src/engine/backtest/backtest-session.ts';
import type { JobRunnerFactory } from '../../../src/engine/backtest/research-runs.ts';
import { parseObjective } from '../../../src/engine/backtest/sweep.ts';
import { walkForward } from '../../../src/engine/backtest/walk-forward.ts';
import type { Scheduler } from '../../../src/engine/ports.ts';
import { resolveStrategy } from '../../../src/engine/strategy/strategy-registry.ts';
import { poolJobRunner, runJobsInline } from '../../../src/host/backtest-pool.ts';
import { sampleBars } from '../../helpers/backtest.ts';
import { ManualScheduler, startBacktestEngine } from '../../helpers/backtest-engine.ts';
import { SAMPLE_LOAD } from '../../helpers/engine-config.ts';
import { waitFor } from '../../helpers/wait-for.ts';

/*
 * RunSweep and RunWalkForward through `dispatchRequest`, as the engine worker answers them:
 * results equal to running each combination directly, progress, cancel, and bad requests.
 */

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startEngine(options: { scheduler?: Scheduler; jobRunner?: JobRunnerFactory } = {}) {
  const scheduler = options.scheduler ?? new TimerScheduler();
  const engine = await startBacktestEngine(scheduler, options.jobRunner ? { jobRunner: options.jobRunner } : {});
  cleanups.push(engine.close);
  const { call, fail, of, waitForEvent } = engine;
  const info = await call('LoadCandles', SAMPLE_LOAD);
  return { call, fail, of, waitForEvent, info };
}

const STRATEGY = { id: 'sma-cross', params: {} };
const GRID = { fast: [5, 10, 15], slow: [20, 40] };

describe('RunSweep', () => {
  it('runs every combination with the same statistics as a direct backtest, best first', async () => {
    const engine = await startEngine();
    const { runId } = await engine.call('RunSweep', {
      seriesId: engine.info.seriesId,
      strategy: STRATEGY,
      grid: GRID,
      venue: { capital: '5000' },
      objective: { key: 'sharpe', minimize: false },
    });
    const done = await engine.waitForEvent('SweepFinished', runId, 60_000);
    expect(done.params).toEqual(['fast', 'slow']);
    expect(done.rows).toHaveLength(6);
    const bars = await sampleBars();
    for (const row of done.rows) {
      const strategy = resolveStrategy('sma-cross', row.params);
      const direct = runBacktest(bars, { interval: '1h', strategy, venue: { capital: '5000' } });
      expect(row.stats.sharpe).toBe(direct.stats.sharpe);
      expect(row.stats.equityFinal).toBe(direct.stats.equityFinal.toFixed());
      expect(row.objective).toBe(direct.stats.sharpe);
    }
    const measured = done.rows.map((r) => r.objective).filter((v): v is number => v !== null);
    expect(measured).toEqual([...measured].sort((a, b) => b - a));
    const progress = engine.of('BacktestProgress', runId);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ done: 6, total: 6 });
  });

  it('gives the same rows on worker threads as in the engine thread', async () => {
    const pooled = await startEngine({ jobRunner: poolJobRunner({ workers: 2 }) });
    const inline = await startEngine();
    const request = { seriesId: pooled.info.seriesId, strategy: STRATEGY, grid: { fast: [5, 8, 12] } };
    const a = await pooled.call('RunSweep', request);
    const b = await inline.call('RunSweep', request);
    const rowsOf = (engine: typeof pooled, runId: string) =>
      waitFor(() => engine.of('SweepFinished', runId)[0]?.rows, 60_000);
    expect(await rowsOf(pooled, a.runId)).toEqual(await rowsOf(inline, b.runId));
  });

  it('stops when canceled: BacktestFailed "canceled" and no result', async () => {
    const scheduler = new ManualScheduler();
    const engine = await startEngine({ scheduler });
    const { runId } = await engine.call('RunSweep', {
      seriesId: engine.info.seriesId,
      strategy: STRATEGY,
      grid: GRID,
    });
    scheduler.runNext();
    scheduler.runNext();
    expect(engine.of('BacktestProgress', runId).at(-1)).toMatchObject({ done: 2, total: 6 });
    expect(await engine.call('CancelBacktest', { runId })).toEqual({ runId, canceled: true });
    while (scheduler.runNext());
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(engine.of('BacktestFailed', runId)).toEqual([expect.objectContaining({ error: 'canceled' })]);
    expect(engine.of('SweepFinished', runId)).toEqual([]);
    expect(await engine.call('CancelBacktest', { runId })).toEqual({ runId, canceled: false });
  });

  it('refuses bad grids naming the field', async () => {
    const engine = await startEngine();
    const seriesId = engine.info.seriesId;
    const three = await engine.fail('RunSweep', {
      seriesId,
      strategy: STRATEGY,
      grid: { fast: [5], slow: [20], x: [1] },
    });
    expect(three).toMatchObject({ code: 'VALIDATION' });
    expect(three.message).toMatch(/grid.*1 or 2 parameters/);
    const unknown = await engine.fail('RunSweep', { seriesId, strategy: STRATEGY, grid: { nope: [1, 2] } });
    expect(unknown.message).toMatch(/nope/);
    const none = await engine.fail('RunSweep', { seriesId, strategy: STRATEGY, grid: { fast: [50], slow: [20] } });
    expect(none.message).toMatch(/grid: no combination is valid/);
    const big = await engine.fail('RunSweep', {
      seriesId,
      strategy: STRATEGY,
      grid: { fast: Array.from({ length: 30 }, (_, i) => i + 1), slow: Array.from({ length: 30 }, (_, i) => i + 40) },
    });
    expect(big.message).toMatch(/900 combinations; at most 400/);
    const objective = await engine.fail('RunSweep', {
      seriesId,
      strategy: STRATEGY,
      grid: GRID,
      objective: { key: 'x' },
    });
    expect(objective.message).toMatch(/objective\.key/);
  });
});

describe('RunWalkForward', () => {
  it('reports each window and the stitched out-of-sample run as walkForward() computes them', async () => {
    const engine = await startEngine();
    const plan = { inSample: 600, outOfSample: 300 };
    const { runId } = await engine.call('RunWalkForward', {
      seriesId: engine.info.seriesId,
      strategy: STRATEGY,
      grid: GRID,
      objective: { key: 'returnPct', minimize: false },
      ...plan,
    });
    const done = await engine.waitForEvent('WalkForwardFinished', runId, 60_000);
    const bars = await sampleBars();
    const direct = await walkForward(
      bars,
      '1h',
      {
        ...plan,
        strategy: resolveStrategy('sma-cross', {}),
        grid: GRID,
        venue: {},
        objective: parseObjective('returnPct'),
      },
      runJobsInline(bars, '1h'),
    );
    expect(done.windows).toHaveLength(direct.windows.length);
    expect(done.windows.length).toBeGreaterThanOrEqual(4);
    done.windows.forEach((w, k) => {
      const d = direct.windows[k]!;
      expect(w.params).toEqual(d.best);
      expect(w.inSampleFrom).toBe(bars.time[d.window.isStart]);
      expect(w.outOfSampleFrom).toBe(bars.time[d.window.oosStart]);
      expect(w.outOfSampleTo).toBe(bars.time[d.window.oosEnd - 1]);
      expect(w.inSampleObjective).toBe(d.inSample?.returnPct ?? null);
      expect(w.outOfSample?.returnPct).toBe(d.outOfSample?.stats.returnPct);
      expect(w.outOfSample?.trades).toBe(d.outOfSample?.stats.trades);
    });
    expect(done.stats.equityFinal).toBe(direct.stitched.stats.equityFinal.toFixed());
    expect(done.trades).toHaveLength(direct.stitched.trades.toArray().length);
    expect(done.equity.time[0]).toBe(bars.time[600]);
    expect(engine.of('BacktestProgress', runId).at(-1)).toMatchObject({ total: done.windows.length * 6 });
  });

  it('refuses a plan the series cannot hold, before starting', async () => {
    const engine = await startEngine();
    const error = await engine.fail('RunWalkForward', {
      seriesId: engine.info.seriesId,
      strategy: STRATEGY,
      grid: GRID,
      inSample: 1800,
      outOfSample: 300,
    });
    expect(error).toMatchObject({ code: 'VALIDATION' });
    expect(error.message).toMatch(/2000 bars; one in-sample plus one out-of-sample period needs 2100/);
    const missing = await engine.fail('RunWalkForward', {
      seriesId: engine.info.seriesId,
      strategy: STRATEGY,
      grid: GRID,
    });
    expect(missing.message).toMatch(/inSample/);
  });
});
