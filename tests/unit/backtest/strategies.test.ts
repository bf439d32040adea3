import { describe, expect, it } from 'vitest';
import { sliceColumns } from '../../../src/engine/data/candle-columns.ts';
import {
  BUILT_IN_STRATEGIES,
  createStrategy,
  resolveStrategy,
} from '../../../src/engine/strategy/strategy-registry.ts';
import type { Intent } from '../../../src/engine/trading/intent.ts';
import { parseSizing } from '../../../src/engine/trading/sizing.ts';
import { ValidationError } from '../../../src/shared/contract/errors.ts';
import { barsFromCloses, runWithEvents, sampleBars } from '../../helpers/backtest.ts';

/** Feeds closes to a strategy and records its intent at each bar (null when none). */
function intents(id: string, params: Record<string, unknown>, closes: number[], position = 0): (Intent | null)[] {
  const strategy = createStrategy(resolveStrategy(id, params), { interval: '1h', hooks: {} });
  return closes.map((close, index) =>
    strategy.onBar(
      { index, time: index * 3_600_000, open: close, high: close, low: close, close, volume: 1 },
      position,
    ),
  );
}

describe('moving-average cross strategies', () => {
  it('cross up and cross down need strict inequalities on both bars (a touch is not a cross)', () => {
    // SMA(1) vs SMA(2): fast is the close, slow the mean of the last two closes.
    const out = intents('sma-cross', { fast: 1, slow: 2 }, [10, 10, 11, 11, 10, 12]);
    expect(out.map((i) => (i === null ? '-' : i.kind === 'enter' ? i.side : 'exit'))).toEqual([
      '-',
      '-',
      '-',
      '-',
      '-',
      'buy',
    ]);
    // Bar 2: fast 11 > slow 10.5, but bar 1 was a tie (10 vs 10): no cross. Bar 4: 10 < 10.5 after 11 = 11: no cross.
    // Bar 5: 12 > 11 after 10 < 10.5: a cross up.
  });

  it('flip goes short on a cross down; long-only leaves', () => {
    const closes = [10, 9, 11, 9];
    const flip = intents('sma-cross', { fast: 1, slow: 2, mode: 'flip' }, closes);
    const longOnly = intents('sma-cross', { fast: 1, slow: 2, mode: 'long-only' }, closes);
    expect(flip[2]).toMatchObject({ kind: 'enter', side: 'buy' });
    expect(flip[3]).toMatchObject({ kind: 'enter', side: 'sell' });
    expect(longOnly[3]).toMatchObject({ kind: 'exit' });
  });

  it('ema-cross uses exponential averages, seeded with the first close', () => {
    // EMA(2) (weight 2/3) and EMA(3) (weight 1/2) of 10, 10, 10, 13, 7: fast 10, 10, 10, 12, 8.667;
    // slow 10, 10, 10, 11.5, 9.25. Bar 3 follows a tie (no cross); bar 4 crosses down.
    const closes = [10, 10, 10, 13, 7, 7];
    const ema = intents('ema-cross', { fast: 2, slow: 3, priceScale: 1 }, closes);
    expect(ema.map((i) => (i === null ? '-' : i.kind === 'enter' ? i.side : 'exit'))).toEqual([
      '-',
      '-',
      '-',
      '-',
      'sell',
      '-',
    ]);
    // The simple averages tie at bar 4 (10 and 10) and never cross here.
    expect(intents('sma-cross', { fast: 2, slow: 3, priceScale: 1 }, closes).every((i) => i === null)).toBe(true);
  });
});

describe('strategy and parameter validation', () => {
  const message = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      return (error as Error).message;
    }
    throw new Error('expected a ValidationError');
  };

  it('an unknown strategy names the ones that exist', () => {
    expect(message(() => resolveStrategy('golden-cross', {}))).toBe(
      'unknown strategy "golden-cross"; the built-in strategies are sma-cross, ema-cross, confluence, rules',
    );
  });

  it('an unknown parameter names the ones the strategy takes', () => {
    expect(message(() => resolveStrategy('sma-cross', { fats: 5 }))).toBe(
      'strategy sma-cross: unknown parameter "fats"; it takes fast, slow, mode, priceScale, fresh',
    );
  });

  it('a bad value or a value out of range names the parameter', () => {
    expect(message(() => resolveStrategy('sma-cross', { fast: 'ten' }))).toMatch(/^strategy sma-cross: params: fast: /);
    expect(message(() => resolveStrategy('sma-cross', { fast: 0 }))).toMatch(/fast: Too small/);
    expect(message(() => resolveStrategy('sma-cross', { fast: 2.5 }))).toMatch(/fast: /);
    expect(message(() => resolveStrategy('sma-cross', { mode: 'sideways' }))).toMatch(/mode: /);
    expect(message(() => resolveStrategy('sma-cross', { fast: 30, slow: 20 }))).toMatch(
      /fast: fast must be shorter than slow/,
    );
    expect(message(() => resolveStrategy('confluence', { minScore: 2 }))).toMatch(/minScore: Too big/);
    expect(message(() => resolveStrategy('confluence', { detection: { atrPeriod: 1 } }))).toMatch(
      /detection\.atrPeriod/,
    );
  });

  it('sizing rules: all-in, risk:<percent>, and clear errors', () => {
    expect(parseSizing('all-in')).toEqual({ kind: 'all-in' });
    expect(parseSizing('risk:2')).toEqual({ kind: 'risk', percent: 2 });
    expect(parseSizing('risk:0.5')).toEqual({ kind: 'risk', percent: 0.5 });
    expect(() => parseSizing('risk:0')).toThrow(/0 < percent ≤ 100/);
    expect(() => parseSizing('half')).toThrow(/not all-in or risk:<percent>/);
    expect(resolveStrategy('confluence', {}).sizing).toEqual({ kind: 'risk', percent: 2 });
    expect(resolveStrategy('sma-cross', {}).sizing).toEqual({ kind: 'all-in' });
  });
});

describe('no look-ahead: decisions at bar k do not change when later bars are removed', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['sma-cross', { fast: 5, slow: 12 }],
    ['ema-cross', { fast: 5, slow: 12, mode: 'long-only' }],
    ['confluence', { timeframes: ['1h', '4h'], minScore: 0.5 }],
    [
      'rules',
      {
        timeframes: ['1h', '4h'],
        rules: [
          {
            id: 'r-entry',
            version: 1,
            name: 'engulfing after a sweep',
            kind: 'entry',
            side: 'both',
            conditions: [
              { type: 'structure', event: 'sweep', direction: null, timeframe: '1h' },
              { type: 'pattern', pattern: 'engulfing', direction: null, timeframe: '1h' },
            ],
            stop: null,
            targets: [{ type: 'r-multiple', value: 2, text: null }],
            confidence: 0.6,
            citation: { sourceId: 'test', page: 1, timestamp: null, quote: 'enter on an engulfing after a sweep' },
          },
          {
            id: 'r-exit',
            version: 1,
            name: 'exit on a change of character',
            kind: 'exit',
            side: 'both',
            conditions: [{ type: 'structure', event: 'choch', direction: null, timeframe: '4h' }],
            stop: null,
            targets: [],
            confidence: 0.5,
            citation: { sourceId: 'test', page: 2, timestamp: null, quote: 'exit on a change of character' },
          },
        ],
      },
    ],
  ];
  for (const [id, params] of cases) {
    it(id, async () => {
      const bars = await sampleBars();
      const options = { interval: '1h' as const, strategy: resolveStrategy(id, params), venue: { capital: '100000' } };
      const signals = (count: number) =>
        runWithEvents(sliceColumns(bars, 0, count), options)
          .events.filter((e) => e.event === 'SignalRaised' || e.event === 'DetectionRaised')
          .map((e) => JSON.stringify(e.payload));
      const full = signals(bars.length);
      expect(full.length).toBeGreaterThan(5);
      for (const k of [200, 777, 1500]) {
        const cut = signals(k);
        expect(cut).toEqual(full.slice(0, cut.length));
        // …and nothing the full run decided by bar k is missing from the cut run.
        const lastClose = (bars.time[k - 1] as number) + 3_600_000;
        expect(full.filter((s) => (JSON.parse(s) as { at: number }).at <= lastClose)).toHaveLength(cut.length);
      }
    });
  }

  it('covers every built-in strategy', () => {
    expect(BUILT_IN_STRATEGIES.map((s) => s.id).sort()).toEqual(cases.map(([id]) => id).sort());
  });
});

describe('moving averages on a rising then falling market', () => {
  it('flip is always in the market after the first cross', () => {
    const closes = [...Array.from({ length: 30 }, (_, i) => 100 + i), ...Array.from({ length: 30 }, (_, i) => 129 - i)];
    const { result } = runWithEvents(barsFromCloses(closes), {
      interval: '1h',
      strategy: resolveStrategy('sma-cross', { fast: 2, slow: 5 }),
    });
    expect(result.trades.count).toBe(1);
    expect(result.trades.at(0).side).toBe('short');
  });
});
