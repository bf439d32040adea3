import { describe, expect, it } from 'vitest';
import type { DetectionEvent, PhaseEvent, SetupEvent } from '../../../src/engine/detect/detection-events.ts';
import { detect, quiet, type Ohlc } from '../../helpers/detect.ts';

const phases = (events: DetectionEvent[]) =>
  events
    .filter((e): e is PhaseEvent => e.kind === 'phase')
    .map((e) => `${e.phase}${e.direction ? `:${e.direction}` : ''}`);

/** `n` bars rising by `step` each, small wicks. */
function rising(n: number, from: number, step: number): Ohlc[] {
  return Array.from({ length: n }, (_, i) => {
    const o = from + i * step;
    return [o, o + step + 0.1, o - 0.1, o + step] as Ohlc;
  });
}

describe('market cycle', () => {
  it('calls a steady, efficient advance a bullish drive, and flat trade a range', () => {
    const events = detect([...quiet(40), ...rising(30, 100, 1)], { only: ['cycle'] });
    expect(phases(events)[0]).toBe('range');
    expect(phases(events)).toContain('drive:bull');
    const drive = events.find((e): e is PhaseEvent => e.kind === 'phase' && e.phase === 'drive');
    expect(drive!.confidence).toBeGreaterThan(0.5);
    expect(drive!.confidence).toBeLessThanOrEqual(1);
  });

  it('enters the liquidity phase on a sweep, favouring the side the sweep points to', () => {
    // A swing low at 99, then a wick far below it that closes back above: sell stops were run.
    const bars: Ohlc[] = [
      ...quiet(40),
      [100, 100.4, 99, 99.5],
      [99.5, 100, 99.3, 99.9],
      [99.9, 100.3, 99.6, 100.1],
      [100.1, 100.3, 98, 99.8],
    ];
    const events = detect(bars, { only: ['cycle', 'structure'] });
    expect(events.some((e) => e.kind === 'sweep' && e.side === 'lows')).toBe(true);
    expect(phases(events).at(-1)).toBe('liquidity:bull');
  });

  it('validates its parameters', () => {
    expect(() => detect(quiet(5), { config: { cycle: { window: 1 } } })).toThrow(/detection config: cycle.window/);
    expect(() => detect(quiet(5), { config: { cycle: { driveEfficiency: 2 } } })).toThrow(/cycle.driveEfficiency/);
  });
});

describe('confluence', () => {
  /**
   * A range between ~100 and ~106, a sweep below its low that closes back inside with a
   * bullish LE candle: the classic fakeout long.
   */
  function fakeoutScenario(): Ohlc[] {
    const bars: Ohlc[] = [];
    const zig = [100, 106, 100.5, 105.5, 100.5, 105.5, 100.6, 105, 102];
    for (let i = 1; i < zig.length; i++) {
      const a = zig[i - 1]!;
      const b = zig[i]!;
      for (let k = 1; k <= 4; k++) {
        const o = a + ((b - a) * (k - 1)) / 4;
        const c = a + ((b - a) * k) / 4;
        bars.push([o, Math.max(o, c) + 0.2, Math.min(o, c) - 0.2, c]);
      }
    }
    bars.push([102, 102.2, 100.9, 101.1], [101.1, 101.3, 98.5, 101.4], [101.4, 103.5, 99.9, 103.4]);
    return bars;
  }

  it('scores a fakeout of the range low with a factor-by-factor breakdown', () => {
    const events = detect(fakeoutScenario(), { config: { confluence: { minScore: 0 } } });
    const setups = events.filter(
      (e): e is SetupEvent => e.kind === 'setup' && e.setup === 'fakeout' && e.direction === 'bull',
    );
    expect(setups.length).toBeGreaterThan(0);
    const setup = setups.at(-1)!;
    expect(setup.factors.map((f) => f.name)).toEqual(['htf-trend', 'htf-cycle', 'trigger', 'location', 'context']);
    const sum = setup.factors.reduce((s, f) => s + f.value * f.weight, 0);
    expect(setup.score).toBeCloseTo(sum, 4);
    expect(setup.factors.find((f) => f.name === 'context')!.value).toBe(1);
    expect(setup.trigger).not.toBeNull();
  });

  it('scores each factor as documented', () => {
    const setup = detect(fakeoutScenario(), { config: { confluence: { minScore: 0 } } })
      .filter((e): e is SetupEvent => e.kind === 'setup' && e.setup === 'fakeout')
      .at(-1)!;
    const value = (name: string) => setup.factors.find((f) => f.name === name)!.value;
    // Weights are fixed: 0.3, 0.15, 0.2, 0.2, 0.15.
    expect(setup.factors.map((f) => f.weight)).toEqual([0.3, 0.15, 0.2, 0.2, 0.15]);
    expect([0, 0.5, 1]).toContain(value('htf-trend'));
    expect([0, 0.2, 0.5, 0.8, 1]).toContain(value('htf-cycle'));
    expect(value('trigger')).toBe(1);
    // The rejection closed back in the lower quarter of the range.
    expect(value('location')).toBe(1);
  });

  it('scores a break of structure in the trade direction as context 0.8, a sweep against it as 1', () => {
    // Higher highs and lows, then a pullback with a bullish engulfing right after a BOS.
    const bars: Ohlc[] = [];
    const points = [100, 106, 102, 109, 105, 112, 108.5];
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1]!;
      const b = points[i]!;
      for (let k = 1; k <= 3; k++) {
        const o = a + ((b - a) * (k - 1)) / 3;
        const c = a + ((b - a) * k) / 3;
        bars.push([o, Math.max(o, c) + 0.2, Math.min(o, c) - 0.2, c]);
      }
    }
    bars.push([108.5, 108.7, 108, 108.2], [108.1, 110.2, 107.9, 110]);
    const setups = detect([...quiet(20, 100), ...bars], { config: { confluence: { minScore: 0 } } }).filter(
      (e): e is SetupEvent => e.kind === 'setup' && e.setup === 'trend-entry',
    );
    expect(setups.length).toBeGreaterThan(0);
    const last = setups.at(-1)!;
    expect(last.direction).toBe('bull');
    expect(last.factors.find((f) => f.name === 'context')!.value).toBe(0.8);
    expect(last.factors.find((f) => f.name === 'htf-trend')!.value).toBe(1);
  });

  it('reports nothing below the minimum score', () => {
    const all = detect(fakeoutScenario(), { config: { confluence: { minScore: 0 } } }).filter(
      (e) => e.kind === 'setup',
    );
    const strict = detect(fakeoutScenario(), { config: { confluence: { minScore: 0.99 } } }).filter(
      (e) => e.kind === 'setup',
    );
    expect(all.length).toBeGreaterThan(strict.length);
    expect(strict.every((e) => e.kind === 'setup' && e.score >= 0.99)).toBe(true);
  });
});
