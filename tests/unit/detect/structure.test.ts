import { describe, expect, it } from 'vitest';
import type { DetectionEvent } from '../../../src/engine/detect/detection-events.ts';
import { at, detect, quiet, type Ohlc } from '../../helpers/detect.ts';

/** Bars walking through `closes` one step per bar; each bar spans its open and close ± 0.2. */
function walk(closes: readonly number[]): Ohlc[] {
  const bars: Ohlc[] = [];
  for (let i = 1; i < closes.length; i++) {
    const o = closes[i - 1]!;
    const c = closes[i]!;
    bars.push([o, Math.max(o, c) + 0.2, Math.min(o, c) - 0.2, c]);
  }
  return bars;
}

/** Piecewise-linear closes through `points`, `step` per bar. */
function path(points: readonly number[], step = 1): number[] {
  const out = [points[0]!];
  for (let i = 1; i < points.length; i++) {
    const from = points[i - 1]!;
    const to = points[i]!;
    const n = Math.round(Math.abs(to - from) / step);
    for (let k = 1; k <= n; k++) out.push(from + ((to - from) * k) / n);
  }
  return out;
}

const kinds = (events: DetectionEvent[], kind: DetectionEvent['kind']) => events.filter((e) => e.kind === kind);

describe('market structure (hand-made fixtures)', () => {
  it('finds fractal swings two bars after they happen, labelled against the previous swing', () => {
    // Up to 105, down to 101, up to 108, down to 103, up to 112: higher highs and higher lows.
    const bars = walk(path([100, 105, 101, 108, 103, 112]));
    const swings = kinds(detect(bars, { only: ['structure'] }), 'swing');
    expect(swings.map((s) => (s.kind === 'swing' ? `${s.label}@${s.price.toFixed(1)}` : ''))).toEqual([
      'H@105.2',
      'L@100.8',
      'HH@108.2',
      'HL@102.8',
    ]);
    for (const s of swings) {
      if (s.kind !== 'swing') continue;
      // Confirmed exactly two bars after the swing bar: never earlier.
      expect(s.time - s.swingTime).toBe(2 * 3_600_000);
    }
  });

  it('reports the trend from the labels, then a break of structure and a change of character', () => {
    const bars = walk(path([100, 105, 101, 108, 103, 112, 106, 110, 98]));
    const events = detect(bars, { only: ['structure'] });
    const trend = kinds(events, 'trend').map((e) => (e.kind === 'trend' ? e.state : ''));
    expect(trend[0]).toBe('up');
    // Closing above 105.2 after the HH/HL pair is a BOS (with the uptrend)...
    const bos = kinds(events, 'bos').find((e) => e.kind === 'bos' && e.direction === 'bull');
    expect(bos).toMatchObject({ level: 105.2 });
    // ...the fall through the last higher low (105.8, made on the dip to 106), against the
    // uptrend, a CHoCH that turns the trend down...
    const choch = kinds(events, 'choch');
    expect(choch).toEqual([expect.objectContaining({ direction: 'bear', level: 105.8 })]);
    expect(trend.at(-1)).toBe('down');
    // ...and the older lows it then closes through (102.8, 100.8), breaks with the new trend.
    const bearBos = kinds(events, 'bos').filter((e) => e.kind === 'bos' && e.direction === 'bear');
    expect(bearBos.map((e) => (e.kind === 'bos' ? e.level : 0))).toEqual([102.8, 100.8]);
  });

  it('zig-zag mode confirms a swing exactly when price has come back k ATRs from the extreme', () => {
    // Quiet bars give an ATR of about 1; then a rise to 110.2 and a fall one point per bar.
    const bars = [...quiet(20), ...walk(path([100, 110, 100]))];
    const peak = bars.findIndex((b) => b[1] === 110.2);
    const swingHigh = (k: number) =>
      detect(bars, { only: ['structure'], config: { structure: { swingMode: 'zigzag', zigzagAtr: k } } }).find(
        (e) => e.kind === 'swing' && e.side === 'high' && e.price === 110.2,
      );
    const soon = swingHigh(2)!;
    const later = swingHigh(5)!;
    expect(soon.kind === 'swing' && soon.swingTime).toBe(at(peak));
    // A larger threshold waits for a deeper pullback: confirmed about 3 bars later.
    expect(later.time - soon.time).toBeGreaterThanOrEqual(2 * 3_600_000);
    expect(later.time - soon.time).toBeLessThanOrEqual(4 * 3_600_000);
    expect(swingHigh(50)).toBeUndefined();
  });

  it('zig-zag mode confirms a swing once price has come back by k ATRs', () => {
    const bars = [...quiet(20), ...walk(path([100, 110, 104, 112]))];
    const swings = kinds(
      detect(bars, { only: ['structure'], config: { structure: { swingMode: 'zigzag', zigzagAtr: 3 } } }),
      'swing',
    );
    const high = swings.find((s) => s.kind === 'swing' && s.side === 'high' && s.price > 109);
    expect(high).toMatchObject({ price: 110.2 });
    expect(high!.time).toBeGreaterThan(high!.kind === 'swing' ? high!.swingTime : 0);
  });

  it('forms a range after enough bars inside the last swing high and low, and reports its break', () => {
    const inside = path([102, 106, 102, 106, 102, 106, 102, 105]);
    const bars = walk([...path([100, 107, 101]), ...inside, ...path([105, 112])]);
    const ranges = kinds(detect(bars, { only: ['structure'] }), 'range');
    expect(ranges.map((r) => (r.kind === 'range' ? r.status : ''))).toEqual(['formed', 'broken']);
    const [formed, broken] = ranges;
    expect(formed).toMatchObject({ high: 107.2, low: 100.8, mid: 104 });
    expect(broken).toMatchObject({ direction: 'bull' });
    expect(broken!.kind === 'range' && broken!.touchesHigh + broken!.touchesLow).toBeGreaterThan(0);
  });

  it('marks equal highs as a liquidity pool and reports the sweep that runs it', () => {
    // Two highs at ~105 within 0.1 ATR, then a wick to 105.8 that closes back at 104.5.
    const bars: Ohlc[] = [
      ...walk(path([100, 105, 101, 105, 101])),
      [101, 101.5, 100.8, 101.2],
      [101.2, 105.8, 101, 104.5],
    ];
    const events = detect(bars, { only: ['structure'], config: { structure: { equalAtr: 0.2 } } });
    // Equal highs at 105.2 (and equal lows at 100.8): each a pool.
    expect(kinds(events, 'liquidity-pool')).toEqual([
      expect.objectContaining({ side: 'highs', level: 105.2 }),
      expect.objectContaining({ side: 'lows', level: 100.8 }),
    ]);
    expect(kinds(events, 'sweep')).toContainEqual(
      expect.objectContaining({ side: 'highs', level: 105.2, target: 'pool', time: at(bars.length - 1) }),
    );
  });

  it('calls a wick beyond a swing that closes back a sweep, not a break of structure', () => {
    // Swing high at 105.2; a bar wicks to 106 but closes at 104.9.
    const bars: Ohlc[] = [...walk(path([100, 105, 101])), [101, 101.5, 100.9, 101.4], [101.4, 106, 101.3, 104.9]];
    const events = detect(bars, { only: ['structure'] });
    expect(kinds(events, 'bos')).toEqual([]);
    expect(kinds(events, 'sweep')).toEqual([expect.objectContaining({ side: 'highs', level: 105.2, target: 'swing' })]);
  });

  it('forms no range when the band is too tall for the ATR', () => {
    const inside = path([102, 106, 102, 106, 102, 106, 102, 105]);
    const bars = walk([...path([100, 107, 101]), ...inside]);
    const events = detect(bars, { only: ['structure'], config: { structure: { rangeMaxAtr: 1 } } });
    expect(kinds(events, 'range')).toEqual([]);
  });

  it('does not call a clean break a sweep', () => {
    const bars: Ohlc[] = [...walk(path([100, 105, 101, 105, 101])), [101, 106, 100.8, 105.9]];
    const events = detect(bars, { only: ['structure'], config: { structure: { equalAtr: 0.2 } } });
    expect(kinds(events, 'sweep').filter((s) => s.time === at(bars.length - 1))).toEqual([]);
  });
});
