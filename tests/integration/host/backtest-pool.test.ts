import { afterAll, describe, expect, it } from 'vitest';
import { jobFor } from '../../../src/engine/backtest/backtest-job.ts';
import { resolveStrategy } from '../../../src/engine/strategy/strategy-registry.ts';
import { BacktestPool, runJobsInline } from '../../../src/host/backtest-pool.ts';
import { ValidationError } from '../../../src/shared/contract/errors.ts';
import { sampleBars } from '../../helpers/backtest.ts';

const bars = await sampleBars();
const pool = new BacktestPool({ bars, interval: '1h', workers: 2 });
afterAll(() => pool.close());

const strategy = resolveStrategy('sma-cross', {}, { kind: 'all-in' });
const jobs = [5, 8, 12, 20].flatMap((fast, i) =>
  [0, 1].map((part) =>
    jobFor(
      i * 2 + part,
      { ...strategy, params: { ...strategy.params, fast, slow: 30 } },
      { capital: '5000' },
      part * 800,
      part * 800 + 1200,
    ),
  ),
);

describe('backtest pool', () => {
  it('gives the same results as running the jobs in this thread, in job order', async () => {
    const progress: number[] = [];
    const pooled = await pool.run(jobs, (done) => progress.push(done));
    const inline = await runJobsInline(bars, '1h')(jobs);
    expect(pooled).toEqual(inline);
    expect(pooled.map((r) => r.id)).toEqual(jobs.map((_, i) => i));
    expect(progress).toEqual(jobs.map((_, i) => i + 1));
    expect(pool.size).toBe(2);
  });

  it('fails a run with the job’s own error, and serves the next run', async () => {
    const bad = jobFor(0, { ...strategy, params: { ...strategy.params, fast: 50, slow: 10 } }, {}, 0, 500);
    await expect(pool.run([bad, ...jobs])).rejects.toSatisfy(
      (e: unknown) =>
        e instanceof Error && e.name === 'ValidationError' && /fast must be shorter than slow/.test(e.message),
    );
    expect(ValidationError.name).toBe('ValidationError');
    await expect(pool.run(jobs.slice(0, 2))).resolves.toHaveLength(2);
  });

  it('answers an empty run at once', async () => {
    await expect(pool.run([])).resolves.toEqual([]);
  });
});
