/**
 * Backtest targets: the sma-cross 10/20 parity run on BTC-PERP_1m_ftx.csv against
 * backtesting.py (≥ 20×, ≤ 13 ms engine time; the peer runs when python3 can import
 * `backtesting`, e.g. HYPERDESK_PYTHON=/path/to/python), nautilus_trader's published EMA
 * workload (first 10,000 rows, ≤ 10 ms), the 24-point grid on both cores (≤ 0.3 s), and
 * memory: a 1,000,000-bar run under 300 MB RSS and no growth over 100 runs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runBacktest } from '../../src/engine/backtest/backtest-session.ts';
import { sweep } from '../../src/engine/backtest/sweep.ts';
import { sliceColumns } from '../../src/engine/data/candle-columns.ts';
import { Sma } from '../../src/engine/detect/indicators/sma.ts';
import { resolveStrategy } from '../../src/engine/strategy/strategy-registry.ts';
import { BacktestPool, runJobsInline } from '../../src/host/backtest-pool.ts';
import { FTX, minuteBars } from '../bars.ts';
import { measure, summarize, type BenchRow, type Timing } from '../stats.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PARITY_VENUE = { capital: '100000', makerFee: '0.0005', takerFee: '0.0005' };
const MB = 1024 * 1024;

function fixed(ms: number): Timing {
  return { median: ms, p99: ms, runs: 0 };
}

/** backtesting.py's run() time on the same file, or null when it is not installed. */
function peerRun(): { seconds: number; trades: number } | null {
  const python = process.env.HYPERDESK_PYTHON ?? 'python3';
  const probe = spawnSync(python, ['-c', 'import backtesting, pandas'], { stdio: 'ignore' });
  if (probe.status !== 0 || !existsSync(FTX)) return null;
  const out = execFileSync(python, [`${ROOT}scripts/peer/backtesting-py-sma-cross.py`, FTX, '--repeat', '5'], {
    encoding: 'utf8',
    maxBuffer: 64 * MB,
  });
  const parsed = JSON.parse(out) as { runSeconds: number; trades: number };
  return { seconds: parsed.runSeconds, trades: parsed.trades };
}

/** Whole-process time of `hyperdesk backtest --json` on the parity run (start-up, parse, run, output). */
function processMs(): Timing {
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    execFileSync(
      process.execPath,
      [
        `${ROOT}bin/hyperdesk.js`,
        'backtest',
        '--data',
        FTX,
        '--strategy',
        'sma-cross',
        '--fee-bps',
        '5',
        '--capital',
        '100000',
        '--json',
      ],
      { maxBuffer: 64 * MB, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}

function probe(mode: string): Record<string, number> {
  const out = execFileSync(process.execPath, ['--expose-gc', `${ROOT}bench/backtest-memory-probe.ts`, mode], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as Record<string, number>;
}

/** Runs the backtest suite. */
export async function backtestSuite(): Promise<BenchRow[]> {
  const suite = 'backtest';
  const rows: BenchRow[] = [];
  const { bars: all, origin: source } = await minuteBars(45_031);
  const origin = source.replace(' repeated', '');
  const sma = resolveStrategy('sma-cross', { fast: 10, slow: 20, mode: 'flip' }, { kind: 'all-in' });
  let trades = 0;
  const engine = await measure(() => {
    trades = runBacktest(all, { interval: '1m', strategy: sma, venue: PARITY_VENUE }).trades.count;
  }, 30);
  const peer = peerRun();
  const indicatorsOnly = await measure(() => {
    const a = new Sma(10);
    const b = new Sma(20);
    for (let i = 0; i < all.length; i++) {
      a.update(all.close[i]! * 1e-8);
      b.update(all.close[i]! * 1e-8);
    }
  }, 30);
  const whole = existsSync(FTX) ? processMs() : null;
  rows.push({
    suite,
    name: `sma-cross 10/20 flip, all-in, 5 bps, 45,031 bars (${origin}): engine time`,
    subject: engine,
    referenceName: peer
      ? `backtesting.py run() (${peer.trades} trades)`
      : 'the two SMAs alone (backtesting.py not installed)',
    reference: peer ? fixed(peer.seconds * 1000) : indicatorsOnly,
    targetMs: 13,
    notes: [
      `${trades} trades`,
      peer
        ? `${((peer.seconds * 1000) / engine.median).toFixed(1)}× backtesting.py (target ≥ 20×)`
        : 'backtesting.py not installed: ratio not measured',
      whole ? `whole process (start, read CSV, run, JSON out): ${whole.median.toFixed(0)} ms` : '',
    ]
      .filter(Boolean)
      .join('; '),
  });

  const first10k = sliceColumns(all, 0, 10_000);
  const ema = resolveStrategy('ema-cross', { fast: 10, slow: 20 }, { kind: 'all-in' });
  rows.push({
    suite,
    name: 'ema-cross 10/20 on the first 10,000 bars (nautilus_trader’s published workload)',
    subject: await measure(() => runBacktest(first10k, { interval: '1m', strategy: ema, venue: PARITY_VENUE }), 50),
    referenceName: 'nautilus_trader, published (64-core workstation)',
    reference: fixed(37.3),
    targetMs: 10,
  });

  const grid = { fast: [5, 10, 15, 20, 25], slow: [10, 20, 30, 40, 50, 60] };
  const options = {
    strategy: sma,
    grid,
    venue: PARITY_VENUE,
    objective: { key: 'sqn', minimize: false } as const,
    start: 0,
    end: all.length,
  };
  const coldStart = performance.now();
  const pool = new BacktestPool({ bars: all, interval: '1m', workers: 2 });
  try {
    await sweep(options, pool.run);
    const cold = performance.now() - coldStart;
    rows.push({
      suite,
      name: '24-point grid (fast 5..25 × slow 10..60, fast < slow) on 45,031 bars, 2 worker threads',
      subject: await measure(() => sweep(options, pool.run), 10, 1),
      referenceName: 'the same 24 runs one after another in this thread',
      reference: await measure(() => sweep(options, runJobsInline(all, '1m')), 3, 1),
      targetMs: 300,
      notes: `cold (start the workers, first sweep): ${cold.toFixed(0)} ms`,
    });
  } finally {
    await pool.close();
  }

  const million = probe('million');
  const repeat = probe('repeat');
  rows.push({
    suite,
    name: 'a 1,000,000-bar backtest (sma-cross 10/20), own process',
    subject: fixed(million.ms as number),
    referenceName: 'the 45,031-bar run scaled by bar count',
    reference: fixed((engine.median * 1_000_000) / all.length),
    notes: `${million.trades} trades; peak RSS ${((million.maxRss as number) / MB).toFixed(0)} MB (target < 300 MB); 100 repeated runs: heap ${(
      (repeat.heapAfter10 as number) / MB
    ).toFixed(1)} MB after 10, ${((repeat.heapAfter100 as number) / MB).toFixed(1)} MB after 100`,
  });
  return rows;
}
