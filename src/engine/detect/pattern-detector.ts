import type { Timeframe } from '../../shared/values/timeframe.ts';
import type { BarState } from './bar-state.ts';
import type { DetectionConfig } from './detection-config.ts';
import type { DetectionEvent, Direction, PatternName } from './detection-events.ts';

/** Bit of each directional pattern in {@link PatternDetector.bull} / `bear`. */
export const PATTERN_BIT: Readonly<Record<PatternName, number>> = {
  engulfing: 1,
  'pin-bar': 2,
  hammer: 4,
  'shooting-star': 8,
  doji: 16,
  'inside-bar': 32,
  'outside-bar': 64,
  'le-candle': 128,
  'small-wick': 256,
  'steeper-wick': 512,
  celery: 1024,
};

/** Rejection patterns: a turn at a level, what a pullback or fakeout entry waits for. */
export const REJECTION_BITS =
  PATTERN_BIT['le-candle'] |
  PATTERN_BIT.engulfing |
  PATTERN_BIT['steeper-wick'] |
  PATTERN_BIT.hammer |
  PATTERN_BIT['shooting-star'] |
  PATTERN_BIT['pin-bar'];

/** Patterns that make an entry trigger, strongest first (the first one present is named). */
export const TRIGGER_PATTERNS: readonly PatternName[] = [
  'le-candle',
  'engulfing',
  'steeper-wick',
  'hammer',
  'shooting-star',
  'pin-bar',
  'celery',
  'small-wick',
];

/**
 * Candle patterns, one bar at a time, in O(1) per bar (the extreme lookback is a few bars).
 * Definitions are in docs/strategy-concepts.md. After `update`, `bull` and `bear` hold the
 * bits of the directional patterns this bar completed (for the confluence scorer).
 */
export class PatternDetector {
  bull = 0;
  bear = 0;
  private readonly p: DetectionConfig['patterns'];
  private readonly tf: Timeframe;
  private readonly emit: (event: DetectionEvent) => void;
  private readonly highs: Float64Array;
  private readonly lows: Float64Array;
  private previousRange = 0;
  private previousUpper = 0;
  private previousLower = 0;

  constructor(config: DetectionConfig, tf: Timeframe, emit: (event: DetectionEvent) => void) {
    this.p = config.patterns;
    this.tf = tf;
    this.emit = emit;
    // The bars before this one that share the lookback window with it.
    this.highs = new Float64Array(Math.max(1, this.p.extremeLookback - 1));
    this.lows = new Float64Array(Math.max(1, this.p.extremeLookback - 1));
  }

  update(bar: BarState): void {
    const { open: o, high: h, low: l, close: c } = bar;
    const p = this.p;
    const range = h - l;
    const body = Math.abs(c - o);
    const top = Math.max(o, c);
    const bottom = Math.min(o, c);
    const upper = h - top;
    const lower = bottom - l;
    this.bull = 0;
    this.bear = 0;

    // The lookback ring holds the bars before this one.
    const n = this.highs.length;
    const filled = this.p.extremeLookback <= 1 || bar.count - 1 >= n;
    let lowest = Number.POSITIVE_INFINITY;
    let highest = Number.NEGATIVE_INFINITY;
    if (filled) {
      for (let i = 0; i < n; i++) {
        const hi = this.highs[i] as number;
        const lo = this.lows[i] as number;
        if (hi > highest) highest = hi;
        if (lo < lowest) lowest = lo;
      }
    }

    if (range > 0) {
      if (body <= p.dojiBody * range) this.fire('doji', null, bar);
      // Pin bars: a long rejection wick, the close away from it.
      if (lower >= p.pinWick * range && c >= h - p.pinClose * range) {
        this.fire('pin-bar', 'bull', bar);
        if (filled && l < lowest) this.fire('hammer', 'bull', bar);
      } else if (upper >= p.pinWick * range && c <= l + p.pinClose * range) {
        this.fire('pin-bar', 'bear', bar);
        if (filled && h > highest) this.fire('shooting-star', 'bear', bar);
      }
      // Small wick: a decisive close at the extreme.
      if (body >= p.smallWickBody * range) {
        if (c > o && upper <= p.smallWick * range) this.fire('small-wick', 'bull', bar);
        else if (c < o && lower <= p.smallWick * range) this.fire('small-wick', 'bear', bar);
      }
    }

    if (bar.hasPrevious) {
      const po = bar.previousOpen;
      const ph = bar.previousHigh;
      const pl = bar.previousLow;
      const pc = bar.previousClose;
      const previousBody = Math.abs(pc - po);
      if (c > o && pc < po && c >= po && o <= pc && body > previousBody) this.fire('engulfing', 'bull', bar);
      else if (c < o && pc > po && c <= po && o >= pc && body > previousBody) this.fire('engulfing', 'bear', bar);
      if (h <= ph && l >= pl && (h < ph || l > pl)) this.fire('inside-bar', null, bar);
      else if (h > ph && l < pl) this.fire('outside-bar', null, bar);
      // LE candle (liquidity engulfing): takes the previous bar's low, closes above its high.
      if (l < pl && c > ph) this.fire('le-candle', 'bull', bar);
      else if (h > ph && c < pl) this.fire('le-candle', 'bear', bar);
      // Steeper wick: a new extreme rejected harder than the previous bar's.
      if (range > 0) {
        if (
          l < pl &&
          lower >= p.steeperWick * range &&
          lower >= p.steeperFactor * this.previousLower &&
          c > l + range / 2
        ) {
          this.fire('steeper-wick', 'bull', bar);
        } else if (
          h > ph &&
          upper >= p.steeperWick * range &&
          upper >= p.steeperFactor * this.previousUpper &&
          c < h - range / 2
        ) {
          this.fire('steeper-wick', 'bear', bar);
        }
      }
      // Celery play: a thin "stalk" bar, then a wide "leaf" bar breaking out of it.
      const atr = bar.atr;
      if (atr > 0 && this.previousRange <= p.celeryStalkAtr * atr && range >= p.celeryLeafAtr * atr) {
        if (c > ph && c > o) this.fire('celery', 'bull', bar);
        else if (c < pl && c < o) this.fire('celery', 'bear', bar);
      }
    }

    this.previousRange = range;
    this.previousUpper = upper;
    this.previousLower = lower;
    const slot = (bar.count - 1) % n;
    this.highs[slot] = h;
    this.lows[slot] = l;
  }

  private fire(pattern: PatternName, direction: Direction | null, bar: BarState): void {
    if (direction === 'bull') this.bull |= PATTERN_BIT[pattern];
    else if (direction === 'bear') this.bear |= PATTERN_BIT[pattern];
    this.emit({ time: bar.eventTime, tf: this.tf, kind: 'pattern', pattern, direction, bar: bar.time });
  }
}
