import { describe, expect, it } from 'vitest';
import type { PatternEvent, PatternName } from '../../../src/engine/detect/detection-events.ts';
import { at, detect, quiet, type Ohlc } from '../../helpers/detect.ts';

/** Patterns the last fixture bar completed, as "name:direction". */
function lastBarPatterns(bars: readonly Ohlc[]): string[] {
  const last = at(bars.length - 1);
  return detect(bars, { only: ['patterns'] })
    .filter((e): e is PatternEvent => e.kind === 'pattern' && e.bar === last)
    .map((e) => `${e.pattern}:${e.direction ?? '-'}`)
    .sort();
}

const has = (bars: readonly Ohlc[], pattern: PatternName, direction: string) =>
  lastBarPatterns(bars).includes(`${pattern}:${direction}`);

const WARM = quiet(20);

describe('candle patterns (hand-made fixtures)', () => {
  it('engulfing: a body that swallows the opposite previous body', () => {
    expect(has([...WARM, [101, 101.2, 99.8, 100], [99.9, 101.6, 99.7, 101.5]], 'engulfing', 'bull')).toBe(true);
    expect(has([...WARM, [100, 101.2, 99.8, 101], [101.1, 101.3, 99.4, 99.5]], 'engulfing', 'bear')).toBe(true);
    // Same colour twice is not engulfing; neither is a body that does not cover the previous one.
    expect(has([...WARM, [100, 101.2, 99.8, 101], [100.5, 102, 100.4, 101.9]], 'engulfing', 'bull')).toBe(false);
    expect(has([...WARM, [101, 101.2, 99.8, 100], [100.2, 100.9, 100.1, 100.8]], 'engulfing', 'bull')).toBe(false);
  });

  it('pin bar, hammer and shooting star: a long rejection wick, the close away from it', () => {
    const pinBull: Ohlc = [100, 100.3, 97, 100.2];
    expect(lastBarPatterns([...WARM, pinBull])).toEqual(expect.arrayContaining(['pin-bar:bull', 'hammer:bull']));
    // The same shape not at a new low is a pin bar, not a hammer.
    expect(lastBarPatterns([...WARM, [90, 91, 89, 90], pinBull])).toEqual(expect.arrayContaining(['pin-bar:bull']));
    expect(has([...WARM, [90, 91, 89, 90], pinBull], 'hammer', 'bull')).toBe(false);
    expect(lastBarPatterns([...WARM, [100, 103, 99.8, 99.9]])).toEqual(
      expect.arrayContaining(['pin-bar:bear', 'shooting-star:bear']),
    );
    // A long wick with the close in the middle is not a pin bar.
    expect(has([...WARM, [100, 100.5, 97, 98.8]], 'pin-bar', 'bull')).toBe(false);
  });

  it('doji: a body of at most 10 % of the range', () => {
    expect(has([...WARM, [100, 101, 99, 100.05]], 'doji', '-')).toBe(true);
    expect(has([...WARM, [100, 101, 99, 100.5]], 'doji', '-')).toBe(false);
  });

  it('inside and outside bars', () => {
    expect(has([...WARM, [100, 102, 98, 101], [100.5, 101.5, 99, 101]], 'inside-bar', '-')).toBe(true);
    expect(has([...WARM, [100, 102, 98, 101], [100.5, 102, 98, 101]], 'inside-bar', '-')).toBe(false);
    expect(has([...WARM, [100, 101, 99, 100.5], [100.5, 102, 98, 99]], 'outside-bar', '-')).toBe(true);
    // Beyond on one side only is neither.
    expect(lastBarPatterns([...WARM, [100, 101, 99, 100.5], [100.5, 102, 99.5, 101]])).not.toEqual(
      expect.arrayContaining(['outside-bar:-']),
    );
  });

  it('LE candle: takes the previous low, closes above the previous high (and the mirror)', () => {
    expect(has([...WARM, [100, 100.5, 99.5, 99.8], [99.8, 101, 99.2, 100.8]], 'le-candle', 'bull')).toBe(true);
    expect(has([...WARM, [100, 100.5, 99.5, 99.8], [99.8, 101, 99.6, 100.8]], 'le-candle', 'bull')).toBe(false);
    expect(has([...WARM, [100, 100.5, 99.5, 100.2], [100.2, 100.9, 99, 99.2]], 'le-candle', 'bear')).toBe(true);
  });

  it('small wick: a decisive close at the extreme', () => {
    expect(has([...WARM, [100, 102.05, 99.9, 102]], 'small-wick', 'bull')).toBe(true);
    expect(has([...WARM, [100, 102.5, 99.9, 102]], 'small-wick', 'bull')).toBe(false);
    expect(has([...WARM, [102, 102.1, 99.95, 100]], 'small-wick', 'bear')).toBe(true);
  });

  it('steeper wick: a new low rejected harder than the previous bar', () => {
    expect(has([...WARM, [100, 100.4, 99.6, 100], [99.9, 100.2, 98, 100.1]], 'steeper-wick', 'bull')).toBe(true);
    // Not a new low: no steeper wick.
    expect(has([...WARM, [100, 100.4, 97.5, 100], [99.9, 100.2, 98, 100.1]], 'steeper-wick', 'bull')).toBe(false);
    expect(has([...WARM, [100, 100.4, 99.6, 100], [100.1, 102, 99.8, 99.9]], 'steeper-wick', 'bear')).toBe(true);
  });

  it('celery play: a thin stalk bar, then a wide bar breaking out of it', () => {
    // ATR of the warm-up is about 1: a stalk of 0.3, then a leaf of 2.
    expect(has([...WARM, [100, 100.15, 99.85, 100.05], [100.05, 102, 100, 101.9]], 'celery', 'bull')).toBe(true);
    expect(has([...WARM, [100, 100.15, 99.85, 100.05], [100.05, 100.1, 98, 98.2]], 'celery', 'bear')).toBe(true);
    // A wide bar after a normal one is not a celery play.
    expect(has([...WARM, [100, 100.6, 99.4, 100.05], [100.05, 102, 100, 101.9]], 'celery', 'bull')).toBe(false);
  });
});
