import { describe, expect, it } from 'vitest';
import { frameRateStats } from '../../../src/renderer/src/chart/chart-perf.ts';
import { csvCell, readBacktestFinished, tradesCsv } from '../../../src/renderer/src/panels/backtest-results.ts';
import { escapeHtml, reportHtml } from '../../../src/renderer/src/panels/report-html.ts';
import {
  buildHeatmap,
  heatColor,
  metricOf,
  parseGridValues,
  prefersDarkText,
  readSweepFinished,
  readWalkForwardFinished,
  scaleValue,
  sweepCsv,
  walkForwardCsv,
  walkForwardRows,
  type SweepView,
} from '../../../src/renderer/src/panels/research-model.ts';
import type { ParamSpec } from '../../../src/renderer/src/panels/strategy-form-model.ts';
import type { BacktestStatsWire } from '../../../src/shared/contract/backtest.ts';

const FAST: ParamSpec = {
  key: 'fast',
  label: 'Fast period',
  min: 1,
  max: 1000,
  integer: true,
  step: 1,
  defaultValue: 10,
};
const SCORE: ParamSpec = {
  key: 'minScore',
  label: 'Min score',
  min: 0,
  max: 1,
  integer: false,
  step: 0.05,
  defaultValue: 0.65,
};

/** Statistics of a run, every field the contract wants; `patch` sets the ones a test reads. */
function stats(patch: Partial<BacktestStatsWire> = {}): BacktestStatsWire {
  return {
    start: 0,
    end: 3_600_000,
    durationMs: 3_600_000,
    bars: 2,
    exposurePct: 50,
    capital: '10000',
    equityFinal: '10100.5',
    equityPeak: 10_150,
    returnPct: 1.005,
    buyHoldReturnPct: 2,
    returnAnnPct: null,
    volatilityAnnPct: null,
    cagrPct: null,
    sharpe: 0.5,
    sortino: null,
    calmar: null,
    alphaPct: null,
    beta: null,
    maxDrawdownPct: -3,
    avgDrawdownPct: null,
    maxDrawdownDurationMs: null,
    avgDrawdownDurationMs: null,
    feesPaid: '1.25',
    fundingPaid: '0',
    trades: 3,
    winRatePct: 66.7,
    winRateLongPct: null,
    winRateShortPct: null,
    bestTradePct: null,
    worstTradePct: null,
    avgTradePct: null,
    maxTradeDurationMs: null,
    avgTradeDurationMs: null,
    maxTradeBars: null,
    avgTradeBars: null,
    profitFactor: 1.5,
    expectancyPct: null,
    expectancyR: null,
    sqn: null,
    kelly: null,
    maxConsecutiveWins: 1,
    maxConsecutiveLosses: 1,
    avgRunUpPct: null,
    avgTradeDrawdownPct: null,
    ...patch,
  };
}

describe('parseGridValues', () => {
  it('reads lists and inclusive ranges, without duplicates or drift', () => {
    expect(parseGridValues('5, 10,15', FAST)).toEqual({ values: [5, 10, 15] });
    expect(parseGridValues('5:20:5', FAST)).toEqual({ values: [5, 10, 15, 20] });
    expect(parseGridValues('0.1:0.3:0.1', SCORE)).toEqual({ values: [0.1, 0.2, 0.3] });
    expect(parseGridValues('5,5,6', FAST)).toEqual({ values: [5, 6] });
  });

  it('names the parameter in every error', () => {
    expect(parseGridValues('', FAST)).toEqual({ error: 'Fast period: enter values like 5,10,15 or 5:30:5' });
    expect(parseGridValues('5,x', FAST)).toEqual({ error: 'Fast period: "x" is not a number' });
    expect(parseGridValues('5.5', FAST)).toEqual({ error: 'Fast period: 5.5 is not a whole number' });
    expect(parseGridValues('0,5', FAST)).toEqual({ error: 'Fast period: 0 is outside 1–1,000' });
    expect(parseGridValues('20:5:5', FAST)).toEqual({
      error: 'Fast period: a range needs start ≤ stop and a step above 0',
    });
    expect(parseGridValues('1:100:1', FAST)).toEqual({ error: 'Fast period: 100 values; at most 50' });
  });
});

describe('heatmap scaling and colour', () => {
  it('scales into 0..1, clamped, and 0.5 for a flat grid', () => {
    expect(scaleValue(5, 0, 10)).toBe(0.5);
    expect(scaleValue(-3, -3, 1)).toBe(0);
    expect(scaleValue(1, -3, 1)).toBe(1);
    expect(scaleValue(20, 0, 10)).toBe(1);
    expect(scaleValue(7, 7, 7)).toBe(0.5);
  });

  it('runs red → yellow → green through the ColorBrewer stops, text colour by contrast', () => {
    expect(heatColor(0)).toBe('#d7191c');
    expect(heatColor(0.5)).toBe('#ffffbf');
    expect(heatColor(1)).toBe('#1a9641');
    expect(heatColor(0.125)).toBe('#ea643f'); // halfway between #d7191c and #fdae61
    expect(heatColor(Number.NaN)).toBe('#ffffbf');
    expect(prefersDarkText('#ffffbf')).toBe(true);
    expect(prefersDarkText('#d7191c')).toBe(false);
    // Mid green is light enough for black text (contrast 5.6 against 3.7 for white).
    expect(prefersDarkText('#1a9641')).toBe(true);
    expect(prefersDarkText('#000000')).toBe(false);
  });
});

const SWEEP: SweepView = {
  runId: 'backtest-1',
  strategy: { id: 'sma-cross', params: { fast: 10, slow: 20 }, sizing: 'all-in' },
  params: ['fast', 'slow'],
  rows: [
    { params: { fast: 10, slow: 30 }, stats: stats({ sharpe: 2 }) },
    { params: { fast: 5, slow: 30 }, stats: stats({ sharpe: -1 }) },
    { params: { fast: 5, slow: 20 }, stats: stats({ sharpe: 0.5 }) },
    { params: { fast: 10, slow: 20 }, stats: stats({ sharpe: null }) },
    { params: { fast: 15, slow: 30 }, stats: stats({ sharpe: 1 }) },
  ],
  skipped: 1,
};

describe('buildHeatmap', () => {
  it('lays out x across and y down in value order, coloured from worst to best, labelled', () => {
    const map = buildHeatmap(SWEEP, metricOf('sharpe'));
    expect(map.xs).toEqual([5, 10, 15]);
    expect(map.ys).toEqual([20, 30]);
    expect([map.min, map.max]).toEqual([-1, 2]);
    const [top, bottom] = map.rows;
    expect(top?.map((c) => c.text)).toEqual(['0.50', '—', '']);
    expect(bottom?.map((c) => c.value)).toEqual([-1, 2, 1]);
    expect(bottom?.[0]?.color).toBe('#d7191c');
    expect(bottom?.[1]?.color).toBe('#1a9641');
    expect(top?.[0]?.color).toBe(heatColor(0.5));
    expect(bottom?.[1]?.label).toBe('fast 10, slow 30: Sharpe 2.00');
    expect(bottom?.[1]?.params).toEqual({ fast: 10, slow: 30 });
    // Unmeasurable and never-run cells are grey and say so.
    expect(top?.[1]?.label).toBe('fast 10, slow 20: Sharpe not measurable');
    expect(top?.[2]).toMatchObject({ params: null, label: 'fast 15, slow 20: not run', color: '#5f6b7a' });
    expect(map.legend.map((s) => s.text)).toEqual(['-1.00', '-0.25', '0.50', '1.25', '2.00']);
  });

  it('colours by another metric (drawdowns: the smaller loss is better)', () => {
    const sweep: SweepView = {
      ...SWEEP,
      params: ['fast'],
      rows: [
        { params: { fast: 5 }, stats: stats({ maxDrawdownPct: -30 }) },
        { params: { fast: 10 }, stats: stats({ maxDrawdownPct: -5 }) },
      ],
    };
    const map = buildHeatmap(sweep, metricOf('maxDrawdownPct'));
    expect(map.y).toBeNull();
    expect(map.rows).toHaveLength(1);
    expect(map.rows[0]?.map((c) => [c.label, c.color])).toEqual([
      ['fast 5: Max drawdown -30.00 %', '#d7191c'],
      ['fast 10: Max drawdown -5.00 %', '#1a9641'],
    ]);
  });
});

describe('CSV', () => {
  it('escapes fields by RFC 4180 and defuses spreadsheet formulas, leaving numbers alone', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('-12.50')).toBe('-12.50');
    expect(csvCell(-3.5)).toBe('-3.5');
    expect(csvCell(null)).toBe('');
  });

  it('writes the sweep grid best first with exact money', () => {
    const csv = sweepCsv({ ...SWEEP, rows: SWEEP.rows.slice(0, 2) });
    expect(csv.split('\r\n')).toEqual([
      'fast,slow,return_pct,sharpe,sortino,max_drawdown_pct,win_rate_pct,profit_factor,sqn,trades,equity_final',
      '10,30,1.005,2,,-3,66.7,1.5,,3,10100.5',
      '5,30,1.005,-1,,-3,66.7,1.5,,3,10100.5',
      '',
    ]);
  });

  it('keeps the trade money exactly as the engine sent it', () => {
    const result = readBacktestFinished({
      runId: 'r',
      at: 1,
      strategy: { id: 'sma-cross', params: {}, sizing: 'all-in' },
      stats: {},
      equity: { time: [], equity: [] },
      trades: [
        {
          side: 'long',
          entryTime: 0,
          exitTime: 3_600_000,
          entryPrice: '100.123456789012345678',
          exitPrice: '101',
          qty: '0.000000001',
          pnl: '-0.100000000000000001',
          rMultiple: null,
          exitReason: 'signal',
          tag: '=cmd',
        },
      ],
    });
    const line = tradesCsv(result?.trades ?? []).split('\r\n')[1];
    expect(line).toBe(
      "1,long,1970-01-01T00:00:00.000Z,1970-01-01T01:00:00.000Z,100.123456789012345678,101,0.000000001,-0.100000000000000001,,signal,'=cmd",
    );
  });
});

const WF_PAYLOAD = {
  runId: 'backtest-7',
  at: Date.UTC(2024, 0, 2),
  seriesId: 'sample:BTC:1h',
  strategy: { id: 'sma-cross', params: { fast: 10, slow: 20 }, sizing: 'all-in' },
  objective: { key: 'sharpe', minimize: false },
  params: ['fast', 'slow'],
  combinations: 4,
  windows: [
    {
      index: 0,
      inSampleFrom: Date.UTC(2024, 0, 1, 0),
      inSampleTo: Date.UTC(2024, 0, 1, 9),
      outOfSampleFrom: Date.UTC(2024, 0, 1, 10),
      outOfSampleTo: Date.UTC(2024, 0, 1, 14),
      params: { fast: 5, slow: 30 },
      inSampleObjective: 1.234,
      outOfSample: { returnPct: -2.5, sharpe: null, trades: 2, maxDrawdownPct: -4, equityFinal: '9750.25' },
      efficiency: null,
    },
    {
      index: 1,
      inSampleFrom: Date.UTC(2024, 0, 1, 5),
      inSampleTo: Date.UTC(2024, 0, 1, 14),
      outOfSampleFrom: Date.UTC(2024, 0, 1, 15),
      outOfSampleTo: Date.UTC(2024, 0, 1, 19),
      params: null,
      inSampleObjective: null,
      outOfSample: null,
      efficiency: null,
    },
  ],
  efficiency: null,
  stats: stats(),
  trades: [],
  equity: { time: [1, 2], equity: [10_000, 9_750.25] },
  notes: ['window 2: no parameter set could be measured in-sample; no trading'],
};

describe('walk-forward summary', () => {
  it('reads the event with the contract and refuses something else', () => {
    expect(readWalkForwardFinished(WF_PAYLOAD)?.windows).toHaveLength(2);
    expect(readWalkForwardFinished({ ...WF_PAYLOAD, windows: 'x' })).toBeNull();
    expect(readSweepFinished(WF_PAYLOAD)).toBeNull();
  });

  it('makes one row per window: periods, choice, in-sample metric, out-of-sample result', () => {
    const view = readWalkForwardFinished(WF_PAYLOAD);
    if (!view) throw new Error('not read');
    expect(walkForwardRows(view)).toEqual([
      {
        window: 1,
        inSample: '01/01/24, 00:00 – 01/01/24, 09:00',
        outOfSample: '01/01/24, 10:00 – 01/01/24, 14:00',
        outOfSampleDays: '01/01/24 – 01/01/24',
        params: 'fast 5, slow 30',
        paramValues: '5 / 30',
        inSampleMetric: '1.23',
        oosReturn: '-2.50 %',
        oosSharpe: '—',
        oosTrades: '2',
        sign: -1,
      },
      {
        window: 2,
        inSample: '01/01/24, 05:00 – 01/01/24, 14:00',
        outOfSample: '01/01/24, 15:00 – 01/01/24, 19:00',
        outOfSampleDays: '01/01/24 – 01/01/24',
        params: 'none measurable',
        paramValues: '—',
        inSampleMetric: '—',
        oosReturn: '—',
        oosSharpe: '—',
        oosTrades: '—',
        sign: 0,
      },
    ]);
    const csv = walkForwardCsv(view).split('\r\n');
    expect(csv[0]).toBe(
      'window,in_sample_from,in_sample_to,out_of_sample_from,out_of_sample_to,fast,slow,in_sample_sharpe,oos_return_pct,oos_sharpe,oos_trades,oos_max_drawdown_pct,oos_equity_final',
    );
    expect(csv[1]).toBe(
      '1,2024-01-01T00:00:00.000Z,2024-01-01T09:00:00.000Z,2024-01-01T10:00:00.000Z,2024-01-01T14:00:00.000Z,5,30,1.234,-2.5,,2,-4,9750.25',
    );
    expect(csv[2]).toBe(
      '2,2024-01-01T05:00:00.000Z,2024-01-01T14:00:00.000Z,2024-01-01T15:00:00.000Z,2024-01-01T19:00:00.000Z,,,,,,,,',
    );
  });
});

describe('HTML report', () => {
  it('is one document without scripts, with everything escaped', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const html = reportHtml({
      title: 'Backtest <1>',
      strategy: { id: 'sma-cross', params: { fast: 5 }, sizing: 'all-in' },
      seriesId: 'file:<x>:1h',
      stats: { returnPct: 1.5, equityFinal: '10150.123' },
      trades: [],
      equity: [10_000, 10_150],
      notes: ['<script>alert(1)</script>'],
      generatedAt: Date.UTC(2024, 0, 1),
    });
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<title>Backtest &lt;1&gt;</title>');
    expect(html).toContain('file:&lt;x&gt;:1h');
    expect(html).toContain('generated 2024-01-01T00:00:00.000Z');
    expect(html).toContain('<td>Return</td><td>1.50 %</td>');
    expect(html).toContain("default-src 'none'");
  });
});

describe('frameRateStats', () => {
  it('gives the median and 5th-percentile rate of the frame intervals', () => {
    // 100 frames at 60 Hz, then 10 frames of 50 ms (20 fps).
    const stamps = [0];
    for (let i = 0; i < 100; i++) stamps.push((stamps.at(-1) as number) + 1000 / 60);
    for (let i = 0; i < 10; i++) stamps.push((stamps.at(-1) as number) + 50);
    const rate = frameRateStats('x', stamps);
    expect(rate.frames).toBe(110);
    expect(rate.medianFps).toBeCloseTo(60, 6);
    expect(rate.p5Fps).toBeCloseTo(20, 6);
    expect(rate.worstFrameMs).toBeCloseTo(50, 6);
    expect(rate.meanFps).toBeCloseTo((110 * 1000) / (100 * (1000 / 60) + 500), 6);
  });
});
