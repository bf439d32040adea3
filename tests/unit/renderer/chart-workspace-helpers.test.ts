import { describe, expect, it } from 'vitest';
import { barIndexAtOrBefore, buildBars } from '../../../src/renderer/src/chart/chart-bars.ts';
import {
  overlaysFromDetections,
  type Detection,
  type OverlayFamily,
} from '../../../src/renderer/src/chart/detection-overlays.ts';
import { canResample, higherTimeframe, validTimeframes } from '../../../src/renderer/src/chart/timeframes.ts';

const HOUR = 3_600_000;
const candle = (i: number, open = 100, close = 101) => ({
  time: i * HOUR,
  open,
  high: Math.max(open, close) + 1,
  low: Math.min(open, close) - 1,
  close,
  volume: i,
});

describe('timeframes offered for a series', () => {
  it('follows the engine rule: whole multiples, months from intervals up to a day', () => {
    expect(canResample('1h', '4h')).toBe(true);
    expect(canResample('1h', '1M')).toBe(true);
    expect(canResample('3d', '1w')).toBe(false);
    expect(canResample('3d', '1M')).toBe(false);
    expect(canResample('4h', '1h')).toBe(false);
    expect(canResample('3m', '5m')).toBe(false);
    expect(validTimeframes('1h', true)).toEqual(['1h', '2h', '4h', '8h', '12h', '1d', '3d', '1w', '1M']);
    expect(validTimeframes('1h', false)).toEqual(['1h']);
  });

  it('picks a context timeframe at least four times higher for the two-chart layout', () => {
    const valid = validTimeframes('1h', true);
    expect(higherTimeframe('1h', valid)).toBe('4h');
    expect(higherTimeframe('4h', valid)).toBe('1d');
    expect(higherTimeframe('1w', valid)).toBe('1M');
    expect(higherTimeframe('1M', valid)).toBeNull();
  });
});

describe('chart bars', () => {
  it('converts candles in one pass, from an offset, with times of all of them', () => {
    const bars = buildBars([candle(0), candle(1, 101, 99), candle(2)], 'up', 'down', 1);
    expect(bars.offset).toBe(1);
    expect(bars.candles).toEqual([
      { time: 3600, open: 101, high: 102, low: 98, close: 99 },
      { time: 7200, open: 100, high: 102, low: 99, close: 101 },
    ]);
    expect(bars.volume.map((v) => v.color)).toEqual(['down', 'up']);
    expect([...bars.times]).toEqual([0, 3600, 7200]);
    expect([...bars.closes]).toEqual([101, 99, 101]);
  });

  it('finds the bar containing a time', () => {
    const times = new Float64Array([0, 14_400, 28_800]);
    expect(barIndexAtOrBefore(times, -1)).toBe(-1);
    expect(barIndexAtOrBefore(times, 0)).toBe(0);
    expect(barIndexAtOrBefore(times, 20_000)).toBe(1);
    expect(barIndexAtOrBefore(times, 99_999)).toBe(2);
  });
});

describe('detection overlays', () => {
  const detections: Detection[] = [
    { kind: 'swing', time: 5 * HOUR, tf: '1h', side: 'high', price: 110, swingTime: 3 * HOUR, label: 'HH' },
    { kind: 'bos', time: 6 * HOUR, tf: '1h', direction: 'bull', level: 110, swingTime: 3 * HOUR },
    { kind: 'range', time: 7 * HOUR, tf: '1h', status: 'formed', high: 120, low: 100, mid: 110, start: 0 },
    { kind: 'liquidity-pool', time: 8 * HOUR, tf: '1h', side: 'highs', level: 121, swingTimes: [1, 2] },
    { kind: 'liquidity-pool', time: 9 * HOUR, tf: '1h', side: 'lows', level: 99, swingTimes: [1, 2] },
    { kind: 'sweep', time: 10 * HOUR, tf: '1h', side: 'highs', level: 121, target: 'pool' },
    { kind: 'phase', time: 11 * HOUR, tf: '1h', phase: 'drive', previous: null, direction: 'bull', confidence: 0.8 },
    { kind: 'pattern', time: 11 * HOUR, tf: '1h', pattern: 'doji', direction: null, bar: 11 * HOUR },
  ];
  const all = new Set<OverlayFamily>(['swings', 'structure', 'ranges', 'liquidity', 'phases']);

  it('draws swings on the swing bar, breaks, sweeps and phases on the confirming bar', () => {
    const { markers } = overlaysFromDetections(detections, all);
    expect(markers.map((m) => [m.text, m.time])).toEqual([
      ['HH', 3 * HOUR],
      ['BOS', 6 * HOUR],
      ['Range', 7 * HOUR],
      ['Sweep', 10 * HOUR],
      ['drive ↑', 11 * HOUR],
    ]);
  });

  it('keeps lines only for the unbroken range and unswept pools', () => {
    const { priceLines } = overlaysFromDetections(detections, all);
    expect(priceLines.map((l) => [l.title, l.price])).toEqual([
      ['Range high', 120],
      ['Range low', 100],
      ['Equal lows', 99],
    ]);
    const broken = overlaysFromDetections(
      [
        ...detections,
        { kind: 'range', time: 12 * HOUR, tf: '1h', status: 'broken', high: 120, low: 100, direction: 'bull' },
      ],
      all,
    );
    expect(broken.priceLines.map((l) => l.title)).toEqual(['Equal lows']);
  });

  it('draws signals (confluence setups) with their name and score, and only the chart timeframe', () => {
    const withSetups: Detection[] = [
      ...detections,
      { kind: 'swing', time: 12 * HOUR, tf: '4h', side: 'low', price: 90, swingTime: 8 * HOUR, label: 'HL' },
      { kind: 'setup', time: 13 * HOUR, tf: '1h', setup: 'fakeout', direction: 'bull', score: 0.734, htf: '4h' },
      { kind: 'setup', time: 14 * HOUR, tf: '1h', setup: 'breakout', direction: 'bear', score: 0.81, htf: '4h' },
    ];
    const signals = overlaysFromDetections(withSetups, new Set<OverlayFamily>(['signals']), '1h');
    expect(signals.markers.map((m) => [m.text, m.shape, m.position, m.time])).toEqual([
      ['fakeout 73', 'arrowUp', 'belowBar', 13 * HOUR],
      ['breakout 81', 'arrowDown', 'aboveBar', 14 * HOUR],
    ]);
    // The 4h swing only gives the setups their bias: it is not drawn on the 1h chart.
    const swings = overlaysFromDetections(withSetups, new Set<OverlayFamily>(['swings']), '1h');
    expect(swings.markers.map((m) => m.text)).toEqual(['HH']);
    expect(overlaysFromDetections(withSetups, new Set<OverlayFamily>(['swings'])).markers).toHaveLength(2);
  });

  it('draws only the families switched on', () => {
    const { markers, priceLines } = overlaysFromDetections(detections, new Set<OverlayFamily>(['structure']));
    expect(markers.map((m) => m.text)).toEqual(['BOS']);
    expect(priceLines).toEqual([]);
    expect(overlaysFromDetections(detections, new Set()).markers).toEqual([]);
  });
});
