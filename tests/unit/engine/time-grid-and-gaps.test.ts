import { describe, expect, it } from 'vitest';
import { detectInterval } from '../../../src/engine/data/detect-interval.ts';
import { GapTracker, findGaps } from '../../../src/engine/data/gaps.ts';
import { bucketStart, nextBucketStart, timeGrid } from '../../../src/engine/data/time-grid.ts';

const H = 3_600_000;
const D = 24 * H;

describe('Hyperliquid time grid', () => {
  it('aligns intraday and daily buckets to the epoch', () => {
    const t = Date.UTC(2024, 4, 15, 13, 47, 12);
    expect(bucketStart(t, '1m')).toBe(Date.UTC(2024, 4, 15, 13, 47));
    expect(bucketStart(t, '15m')).toBe(Date.UTC(2024, 4, 15, 13, 45));
    expect(bucketStart(t, '4h')).toBe(Date.UTC(2024, 4, 15, 12));
    expect(bucketStart(t, '12h')).toBe(Date.UTC(2024, 4, 15, 12));
    expect(bucketStart(t, '1d')).toBe(Date.UTC(2024, 4, 15));
  });

  it('starts weeks on Monday 00:00 UTC and months on the 1st', () => {
    // 2024-05-15 is a Wednesday; that week's Monday is 2024-05-13.
    expect(bucketStart(Date.UTC(2024, 4, 15, 9), '1w')).toBe(Date.UTC(2024, 4, 13));
    expect(bucketStart(Date.UTC(2024, 4, 13), '1w')).toBe(Date.UTC(2024, 4, 13));
    expect(bucketStart(Date.UTC(2024, 4, 12, 23, 59), '1w')).toBe(Date.UTC(2024, 4, 6));
    expect(bucketStart(Date.UTC(2024, 1, 29, 22), '1M')).toBe(Date.UTC(2024, 1, 1));
    expect(nextBucketStart(Date.UTC(2024, 1, 1), '1M')).toBe(Date.UTC(2024, 2, 1));
    expect(nextBucketStart(Date.UTC(2024, 11, 1), '1M')).toBe(Date.UTC(2025, 0, 1));
    expect(nextBucketStart(Date.UTC(2024, 4, 13), '1w')).toBe(Date.UTC(2024, 4, 20));
  });

  it('numbers slots so that a jump of k means k − 1 missing bars, and refuses off-grid times', () => {
    const hourly = timeGrid('1h', 0);
    expect(hourly.slot(5 * H)! - hourly.slot(2 * H)!).toBe(3);
    expect(hourly.slot(5 * H + 1)).toBeNull();
    expect(hourly.timeOf(hourly.slot(7 * H)!)).toBe(7 * H);
    // 3d bars are spaced from the first bar, whatever its day.
    const threeDay = timeGrid('3d', Date.UTC(2017, 7, 17));
    expect(threeDay.slot(Date.UTC(2017, 7, 20))! - threeDay.slot(Date.UTC(2017, 7, 17))!).toBe(1);
    expect(threeDay.slot(Date.UTC(2017, 7, 19))).toBeNull();
  });

  it('accepts month-start and month-end labels for monthly bars', () => {
    const ends = timeGrid('1M', Date.UTC(2012, 0, 31));
    expect(ends.slot(Date.UTC(2012, 1, 29))! - ends.slot(Date.UTC(2012, 0, 31))!).toBe(1);
    expect(ends.timeOf(ends.slot(Date.UTC(2012, 0, 31))! + 1)).toBe(Date.UTC(2012, 1, 29));
    const starts = timeGrid('1M', Date.UTC(2017, 7, 1));
    expect(starts.timeOf(starts.slot(Date.UTC(2017, 7, 1))! + 2)).toBe(Date.UTC(2017, 9, 1));
    expect(starts.slot(Date.UTC(2017, 7, 1, 12))).toBeNull();
  });
});

describe('gaps', () => {
  it('reports every run of missing bars with its first and last missing open time', () => {
    const times = [0, H, 2 * H, 5 * H, 6 * H, 8 * H];
    expect(findGaps(times, '1h')).toEqual({
      rows: 6,
      first: 0,
      last: 8 * H,
      interval: '1h',
      missingBars: 3,
      gaps: [
        { from: 3 * H, to: 4 * H, bars: 2 },
        { from: 7 * H, to: 7 * H, bars: 1 },
      ],
    });
  });

  it('counts missing months and weeks on the calendar', () => {
    const months = [Date.UTC(2024, 0, 1), Date.UTC(2024, 1, 1), Date.UTC(2024, 4, 1)];
    expect(findGaps(months, '1M').gaps).toEqual([{ from: Date.UTC(2024, 2, 1), to: Date.UTC(2024, 3, 1), bars: 2 }]);
    const weeks = [Date.UTC(2024, 4, 6), Date.UTC(2024, 4, 20)];
    expect(findGaps(weeks, '1w').gaps).toEqual([{ from: Date.UTC(2024, 4, 13), to: Date.UTC(2024, 4, 13), bars: 1 }]);
  });

  it('refuses unsorted or off-grid input instead of reporting nonsense', () => {
    const tracker = new GapTracker('1h');
    tracker.push(H);
    expect(() => tracker.push(H)).toThrow(/does not come after/);
    expect(() => tracker.push(H + 5)).toThrow(/not on the 1h grid/);
    expect(findGaps([], '1d')).toMatchObject({ rows: 0, first: null, last: null, missingBars: 0, gaps: [] });
  });
});

describe('detectInterval', () => {
  it('takes the most common spacing, so gaps do not fool it', () => {
    expect(detectInterval([0, H, 2 * H, 10 * H, 11 * H])).toBe('1h');
    expect(detectInterval([0, 3 * D, 6 * D])).toBe('3d');
    expect(detectInterval([Date.UTC(2024, 0, 1), Date.UTC(2024, 1, 1), Date.UTC(2024, 2, 1)])).toBe('1M');
    expect(detectInterval([0, 7 * 60_000, 14 * 60_000])).toBeNull();
    expect(detectInterval([0])).toBeNull();
  });
});
