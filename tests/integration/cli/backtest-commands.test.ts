import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hyperdesk } from '../../helpers/cli-process.ts';
import { SAMPLE_CSV } from '../../helpers/backtest.ts';
import { tempDir } from '../../helpers/paths.ts';

const tmp = tempDir();
afterAll(() => tmp.remove());

const cli = hyperdesk;

interface Report {
  version: number;
  strategy: { id: string; params: Record<string, unknown>; sizing: string };
  stats: Record<string, unknown>;
  trades: Record<string, unknown>[];
  notes: string[];
}

describe('hyperdesk backtest', () => {
  it('prints one JSON object with stats and trades (times in ms, returnPct a fraction net of fees)', async () => {
    const { code, out } = await cli(
      'backtest',
      '--data',
      SAMPLE_CSV,
      '--strategy',
      'ema-cross',
      '--param',
      'fast=8',
      '--param',
      'slow=21',
      '--json',
    );
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(1);
    const report = JSON.parse(out) as Report;
    expect(report.strategy).toMatchObject({ id: 'ema-cross', params: { fast: 8, slow: 21 }, sizing: 'all-in' });
    expect(report.trades.length).toBeGreaterThan(10);
    expect(report.stats.trades).toBe(report.trades.length);
    for (const t of report.trades) {
      expect(Object.keys(t).slice(0, 9)).toEqual([
        'side',
        'entryTime',
        'exitTime',
        'entryPrice',
        'exitPrice',
        'qty',
        'pnl',
        'returnPct',
        'fees',
      ]);
      expect(Number.isInteger(t.entryTime)).toBe(true);
      expect(t.exitTime as number).toBeGreaterThanOrEqual(t.entryTime as number);
      const value = (t.qty as number) * (t.entryPrice as number);
      expect(t.returnPct as number).toBeCloseTo((t.pnl as number) / value, 9);
    }
    // The default fees are Hyperliquid's base tier: 4.5 bps a side on these market fills.
    const t = report.trades[0]!;
    const fees = 0.00045 * (t.qty as number) * ((t.entryPrice as number) + (t.exitPrice as number));
    expect(t.fees as number).toBeCloseTo(fees, 6);
    expect(Object.values(report.stats).every((v) => v === null || typeof v !== 'number' || Number.isFinite(v))).toBe(
      true,
    );
  });

  it('reads a strategy file, with --param and --sizing on top', async () => {
    const file = join(tmp.dir, 'my-strategy.json');
    writeFileSync(
      file,
      JSON.stringify({
        strategy: 'sma-cross',
        name: 'mine',
        params: { fast: 7, slow: 30, mode: 'long-only' },
        sizing: 'all-in',
      }),
    );
    const { code, out } = await cli(
      'backtest',
      '--data',
      SAMPLE_CSV,
      '--strategy',
      file,
      '--param',
      'slow=40',
      '--json',
    );
    expect(code).toBe(0);
    const report = JSON.parse(out) as Report;
    expect(report.strategy.params).toMatchObject({ fast: 7, slow: 40, mode: 'long-only' });
    expect(report.trades.every((t) => t.side === 'long')).toBe(true);
  });

  it('runs the confluence strategy with risk sizing and writes a self-contained HTML report', async () => {
    const html = join(tmp.dir, 'report.html');
    const { code, out } = await cli(
      'backtest',
      '--data',
      SAMPLE_CSV,
      '--strategy',
      'confluence',
      '--param',
      'timeframes=1h,4h',
      '--param',
      'minScore=0.5',
      '--sizing',
      'risk:1',
      '--slippage-bps',
      '2',
      '--funding-rate',
      '0.0000125',
      '--report',
      html,
    );
    expect(code).toBe(0);
    expect(out).toMatch(/^confluence on BTC-SYNTH_1h_synthetic\.csv/);
    expect(out).toMatch(/Sharpe Ratio/);
    expect(out).toMatch(/report written to/);
    const page = readFileSync(html, 'utf8');
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toMatch(/<script|https?:\/\/|src=/i);
    expect(page).toMatch(/<svg[^>]*aria-label="Equity"/);
    expect(page).toMatch(/aria-label="Drawdown"/);
    expect(page).toMatch(/Trade returns \(\d+ trades\)/);
    expect(page).toMatch(/Funding Paid/);
  });

  const bad: [string, string[], RegExp][] = [
    [
      'an unknown strategy',
      ['--strategy', 'moon'],
      /unknown strategy "moon"; the built-in strategies are sma-cross, ema-cross, confluence/,
    ],
    ['a bad parameter', ['--strategy', 'sma-cross', '--param', 'fast=ten'], /strategy sma-cross: params: fast: /],
    [
      'an unknown parameter',
      ['--strategy', 'sma-cross', '--param', 'speed=3'],
      /unknown parameter "speed"; it takes fast, slow, mode/,
    ],
    [
      'parameters out of range',
      ['--strategy', 'sma-cross', '--param', 'fast=50', '--param', 'slow=20'],
      /fast must be shorter than slow/,
    ],
    ['a malformed --param', ['--strategy', 'sma-cross', '--param', 'fast'], /--param: "fast" is not key=value/],
    ['a bad sizing', ['--strategy', 'sma-cross', '--sizing', 'risk:200'], /--sizing: sizing "risk:200"/],
    ['both fee styles', ['--strategy', 'sma-cross', '--fee-bps', '5', '--taker-bps', '4'], /--fee-bps sets both fees/],
    ['a bad fill mode', ['--strategy', 'sma-cross', '--fill', 'tomorrow'], /venue: fill: /],
    ['a negative capital', ['--strategy', 'sma-cross', '--capital', '-5'], /venue: capital: capital must be between/],
    [
      'a time range without bars',
      ['--strategy', 'sma-cross', '--from', '2030-01-01'],
      /has no bars between --from and --to/,
    ],
  ];
  for (const [what, args, message] of bad) {
    it(`refuses ${what} with a clear error`, async () => {
      const { code, err, out } = await cli('backtest', '--data', SAMPLE_CSV, ...args);
      expect(code).toBe(1);
      expect(out).toBe('');
      expect(err).toMatch(message);
      expect(err).not.toMatch(/\n\s+at /);
    });
  }

  it('refuses empty data and a missing strategy file', async () => {
    const empty = join(tmp.dir, 'empty.csv');
    writeFileSync(empty, 'time,open,high,low,close,volume\n');
    const a = await cli('backtest', '--data', empty, '--strategy', 'sma-cross');
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/empty\.csv: the file has no candles/);
    const b = await cli('backtest', '--data', SAMPLE_CSV, '--strategy', join(tmp.dir, 'missing.json'));
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/strategy file missing\.json cannot be read/);
    const broken = join(tmp.dir, 'broken.json');
    writeFileSync(broken, JSON.stringify({ strategy: 'sma-cross', params: { fast: 3 }, sizing: 'risk:x' }));
    const c = await cli('backtest', '--data', SAMPLE_CSV, '--strategy', broken);
    expect(c.code).toBe(1);
    expect(c.err).toMatch(/strategy file broken\.json: sizing: /);
  });
});

describe('hyperdesk sweep and walkforward', () => {
  it('sweeps a grid on worker threads and returns ranked rows and a heatmap', async () => {
    const { code, out } = await cli(
      'sweep',
      '--data',
      SAMPLE_CSV,
      '--strategy',
      'sma-cross',
      '--grid',
      'fast=5:15:5',
      '--grid',
      'slow=10,30',
      '--objective',
      'returnPct',
      '--workers',
      '2',
      '--json',
    );
    expect(code).toBe(0);
    const result = JSON.parse(out) as {
      rows: { params: { fast: number; slow: number }; objective: number }[];
      skipped: unknown[];
      heatmap: { xs: number[]; ys: number[]; values: (number | null)[][] };
    };
    expect(result.rows).toHaveLength(4);
    expect(result.skipped).toHaveLength(2);
    const objectives = result.rows.map((r) => r.objective);
    expect(objectives).toEqual([...objectives].sort((a, b) => b - a));
    expect(result.heatmap.xs).toEqual([5, 10, 15]);
    expect(result.heatmap.ys).toEqual([10, 30]);
    expect(result.heatmap.values[0]).toEqual([expect.any(Number), null, null]);
  });

  it('walks forward and reports windows and the stitched out-of-sample run', async () => {
    const html = join(tmp.dir, 'wf.html');
    const { code, out } = await cli(
      'walkforward',
      '--data',
      SAMPLE_CSV,
      '--strategy',
      'sma-cross',
      '--grid',
      'fast=5,10',
      '--grid',
      'slow=20,40',
      '--in-sample',
      '30d',
      '--out-of-sample',
      '10d',
      '--workers',
      '2',
      '--json',
      '--report',
      html,
    );
    expect(code).toBe(0);
    const result = JSON.parse(out) as {
      windows: { oosStart: number; oosEnd: number; best: Record<string, unknown> }[];
      stitched: { stats: { bars: number; trades: number }; trades: unknown[] };
    };
    expect(result.windows.length).toBeGreaterThan(1);
    for (let i = 1; i < result.windows.length; i++) {
      expect(result.windows[i]!.oosStart).toBe(result.windows[i - 1]!.oosEnd);
    }
    expect(result.stitched.stats.bars).toBe(result.windows.at(-1)!.oosEnd - result.windows[0]!.oosStart);
    expect(result.stitched.trades).toHaveLength(result.stitched.stats.trades);
    expect(readFileSync(html, 'utf8')).toMatch(/Stitched out-of-sample periods/);
  });

  it('refuses a sweep without a grid and windows that do not fit', async () => {
    const a = await cli('sweep', '--data', SAMPLE_CSV, '--strategy', 'sma-cross');
    expect(a.code).toBe(1);
    expect(a.err).toMatch(/--grid: give at least one parameter to vary/);
    const b = await cli(
      'walkforward',
      '--data',
      SAMPLE_CSV,
      '--strategy',
      'sma-cross',
      '--grid',
      'fast=5,10',
      '--in-sample',
      '3000',
      '--out-of-sample',
      '2000',
    );
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/one in-sample plus one out-of-sample period needs 5000/);
  });
});
