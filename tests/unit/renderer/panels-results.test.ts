import { describe, expect, it } from 'vitest';
import {
  equityPath,
  readBacktestFinished,
  readFailure,
  readProgress,
  statRows,
  tradeMarkers,
  tradesCsv,
  drawdownSeries,
} from '../../../src/renderer/src/panels/backtest-results.ts';

const finished = {
  runId: 'bt-1',
  at: 5,
  seriesId: 's',
  strategy: { id: 'sma-cross', params: { fast: 10, slow: 20 }, sizing: 'all-in' },
  stats: { returnPct: 12.345, trades: 2, winRatePct: 50, sharpe: null, equityFinal: '11234.5', start: 0, bars: 100 },
  trades: [
    {
      side: 'long',
      entryTime: 1000,
      exitTime: 5000,
      entryPrice: '100',
      exitPrice: '110',
      qty: '1',
      pnl: '9.5',
      rMultiple: null,
      exitReason: 'signal',
      tag: null,
    },
    {
      side: 'short',
      entryTime: 5000,
      exitTime: 9000,
      entryPrice: '110',
      exitPrice: '115',
      qty: '1',
      pnl: '-5.25',
      rMultiple: -1,
      exitReason: 'stop',
      tag: 'a,"b"',
    },
  ],
  equity: { time: [0, 1, 2], equity: [10000, 10009.5, 10004.25] },
  notes: [],
};

describe('panels: backtest results', () => {
  it('reads a BacktestFinished payload, decimal strings as numbers', () => {
    const result = readBacktestFinished(finished);
    expect(result?.strategy).toBe('sma-cross');
    expect(result?.trades[1]).toMatchObject({ side: 'short', pnl: -5.25, rMultiple: -1, entryPrice: 110 });
    expect(result?.equity.equity).toEqual([10000, 10009.5, 10004.25]);
    expect(readBacktestFinished({ nope: 1 })).toBeNull();
  });

  it('marks long entries below with an up arrow, short entries above, exits as circles with P&L', () => {
    const result = readBacktestFinished(finished);
    const markers = tradeMarkers(result?.trades ?? [], 'backtest');
    expect(markers.map((m) => [m.time, m.shape, m.position, m.text])).toEqual([
      [1000, 'arrowUp', 'belowBar', 'Long'],
      [5000, 'circle', 'aboveBar', '+9.50'],
      [5000, 'arrowDown', 'aboveBar', 'Short'],
      [9000, 'circle', 'belowBar', '−5.25'],
    ]);
    expect(markers.every((m) => m.kind === 'backtest')).toBe(true);
  });

  it('lists the main statistics first and formats them', () => {
    const { main, more } = statRows(finished.stats);
    expect(main.map((r) => [r.label, r.value])).toEqual([
      ['Return', '12.35 %'],
      ['Win rate', '50.00 %'],
      ['Trades', '2'],
      ['Sharpe', '—'],
      ['Final equity', '11,234.50'],
    ]);
    expect(more.map((r) => r.key)).toEqual(['bars']);
  });

  it('exports trades as CSV with quoting', () => {
    const csv = tradesCsv(readBacktestFinished(finished)?.trades ?? []);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('n,side,entry_time,exit_time,entry_price,exit_price,qty,pnl,r_multiple,exit_reason,tag');
    expect(lines[1]).toBe('1,long,1970-01-01T00:00:01.000Z,1970-01-01T00:00:05.000Z,100,110,1,9.5,,signal,');
    expect(lines[2]).toContain(',-1,stop,"a,""b"""');
  });

  it('draws the equity path inside its box and keeps extremes when downsampling', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i === 500 ? 0 : 100 + Math.sin(i)));
    const path = equityPath(values, 100, 50);
    const points = path
      .slice(1)
      .split('L')
      .map((p) => p.split(',').map(Number));
    expect(points.length).toBeLessThanOrEqual(200);
    expect(points.every(([x, y]) => x! >= 0 && x! <= 100 && y! >= 0 && y! <= 50)).toBe(true);
    expect(points.some(([, y]) => y === 50)).toBe(true); // the dip to 0 survives
    expect(equityPath([1], 100, 50)).toBe('');
  });

  it('reads progress and failure events', () => {
    expect(readProgress({ runId: 'r', done: 5, total: 10 })).toEqual({ runId: 'r', done: 5, total: 10 });
    expect(readFailure({ runId: 'r', error: 'canceled' })).toEqual({ runId: 'r', error: 'canceled' });
    expect(readFailure({ runId: 'r', error: '' })?.error).toBe('the backtest failed');
  });
});

describe('drawdownSeries', () => {
  it('measures each point against the highest equity before it', () => {
    expect(drawdownSeries([100, 120, 90, 130, 65])).toEqual([0, 0, 90 / 120 - 1, 0, 65 / 130 - 1]);
    expect(Math.min(...drawdownSeries([100, 120, 90, 130, 65]))).toBeCloseTo(-0.5);
  });

  it('is flat for a rising curve and for an empty one', () => {
    expect(drawdownSeries([1, 2, 3])).toEqual([0, 0, 0]);
    expect(drawdownSeries([])).toEqual([]);
  });
});
