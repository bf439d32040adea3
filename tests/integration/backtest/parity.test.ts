import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandleFileReader } from '../../../src/adapters/files/candle-file-reader.ts';
import { runBacktest } from '../../../src/engine/backtest/backtest-session.ts';
import { resolveStrategy } from '../../../src/engine/strategy/strategy-registry.ts';
import { runHyperdesk } from '../../helpers/cli-process.ts';
import { ROOT } from '../../helpers/paths.ts';
import { HAS_SHARED_DATA, sharedData } from '../../helpers/shared-data.ts';

/** backtesting.py's run of the same configuration (scripts/peer/backtesting-py-sma-cross.py). */
interface PeerReference {
  dataSha256: string;
  trades: number;
  equityFinal: number;
  winRatePct: number;
  list: [number, number, number, number, number][];
}

const reference = JSON.parse(
  readFileSync(join(ROOT, 'tests', 'golden', 'backtesting-py-sma-cross.json'), 'utf8'),
) as PeerReference;
const FILE = HAS_SHARED_DATA ? sharedData('BTC-PERP_1m_ftx.csv') : '';

describe.skipIf(!HAS_SHARED_DATA)('parity with backtesting.py (sma-cross 10/20 on BTC-PERP_1m_ftx.csv)', () => {
  it('is the same data the reference was made from', () => {
    expect(createHash('sha256').update(readFileSync(FILE)).digest('hex')).toBe(reference.dataSha256);
  });

  it('reproduces every trade: bars, side, entry and exit prices exactly, sizes to the satoshi', async () => {
    const reader = new CandleFileReader(FILE);
    const bars = await reader.readAll();
    const strategy = resolveStrategy('sma-cross', { fast: 10, slow: 20, mode: 'flip' }, { kind: 'all-in' });
    const result = runBacktest(bars, {
      interval: '1m',
      strategy,
      venue: { capital: '100000', makerFee: '0.0005', takerFee: '0.0005' },
    });
    expect(result.trades.count).toBe(reference.trades);
    expect(reference.trades).toBe(2637);
    const last = reference.list.length - 1;
    let sizeMismatches = 0;
    for (let i = 0; i <= last; i++) {
      const [entryBar, exitBar, entryPrice, exitPrice, size] = reference.list[i] as PeerReference['list'][number];
      const t = result.trades.at(i);
      expect({
        i,
        entryBar: t.entryBar,
        exitBar: t.exitBar,
        side: t.side,
        entryPrice: t.entryPrice.toNumber(),
      }).toEqual({
        i,
        entryBar,
        exitBar,
        side: size > 0 ? 'long' : 'short',
        entryPrice,
      });
      // The last trade is closed at the last bar's close (our rule); backtesting.py closes it
      // at that bar's open. Every other exit is the next bar's open in both.
      expect(t.exitPrice.toNumber()).toBe(i === last ? bars.close[bars.length - 1] : exitPrice);
      if (Math.abs(t.qty.toNumber() - Math.abs(size)) > 1e-9) sizeMismatches++;
    }
    // Sizes are floor(equity / (price × 1.0005)) in satoshis; backtesting.py computes the same
    // floor in floats, which may differ by one satoshi where the quotient is within 1e-12 of a whole.
    expect(sizeMismatches).toBeLessThanOrEqual(2);
    const first = result.trades.at(0);
    expect(first.side).toBe('short');
    expect(new Date(first.entryTime).toISOString()).toBe('2021-12-31T23:25:00.000Z');
    expect(first.entryPrice.toNumber()).toBe(46384);
    expect(first.exitPrice.toNumber()).toBe(46416);
    expect(result.stats.winRatePct).toBeCloseTo(20.667, 3);
    expect(result.stats.winRatePct).toBeCloseTo(reference.winRatePct, 9);
    const final = result.stats.equityFinal.toNumber();
    expect(Math.abs(final - 2449.77) / 2449.77).toBeLessThan(0.005);
  });

  it('gives the same run through `hyperdesk backtest --json` with the issue’s flags', async () => {
    const proc = runHyperdesk([
      'backtest',
      '--data',
      FILE,
      '--strategy',
      'sma-cross',
      '--param',
      'fast=10',
      '--param',
      'slow=20',
      '--param',
      'mode=flip',
      '--fill',
      'next-open',
      '--fee-bps',
      '5',
      '--sizing',
      'all-in',
      '--capital',
      '100000',
      '--json',
    ]);
    expect(await proc.exited).toBe(0);
    const report = JSON.parse(proc.stdout()) as {
      stats: { trades: number; winRatePct: number; equityFinal: number };
      trades: {
        side: string;
        entryTime: number;
        exitTime: number;
        entryPrice: number;
        exitPrice: number;
        qty: number;
        pnl: number;
        returnPct: number;
        fees: number;
      }[];
    };
    expect(report.stats.trades).toBe(2637);
    expect(report.trades).toHaveLength(2637);
    const first = report.trades[0];
    expect(first).toMatchObject({
      side: 'short',
      entryTime: Date.parse('2021-12-31T23:25:00Z'),
      exitTime: Date.parse('2021-12-31T23:37:00Z'),
      entryPrice: 46384,
      exitPrice: 46416,
      qty: 2.15483841,
    });
    // Net of both fees: 2.15483841 × (46384 − 46416) − 0.0005 × 2.15483841 × (46384 + 46416).
    expect(first?.pnl).toBeCloseTo(-168.939331344, 9);
    expect(first?.fees).toBeCloseTo(99.984502224, 9);
    expect(first?.returnPct).toBeCloseTo(-168.939331344 / (2.15483841 * 46384), 12);
    expect(Math.abs(report.stats.equityFinal - 2449.77) / 2449.77).toBeLessThan(0.005);
    expect(report.stats.winRatePct).toBeCloseTo(20.667, 3);
  });
});
