import type { Timeframe } from '../../shared/values/timeframe.ts';
import type { BarState } from './bar-state.ts';
import type { DetectionConfig } from './detection-config.ts';
import type { DetectionEvent, Direction, SwingLabel, TrendState } from './detection-events.ts';
import { swingFinder, type FoundSwing, type SwingFinder } from './swing-finder.ts';

/** A confirmed swing and what has happened to its level since. */
interface Swing {
  readonly price: number;
  readonly time: number;
  readonly label: SwingLabel;
  /** A close went beyond it (BOS / CHoCH reported). */
  broken: boolean;
  /** A wick went beyond it and the bar closed back (sweep reported). */
  swept: boolean;
}

/** Equal highs or lows: resting stops beyond `level`. */
interface Pool {
  readonly side: 'highs' | 'lows';
  readonly level: number;
  readonly swingTimes: readonly number[];
}

/** The trading range being tracked. */
export interface ActiveRange {
  readonly high: number;
  readonly low: number;
  readonly start: number;
  /** Bar count at which it formed. */
  readonly formedAt: number;
  touchesHigh: number;
  touchesLow: number;
}

/** The last sweep on one side: bar count (-1 before any), level and what was swept. */
export interface SweepRecord {
  count: number;
  level: number;
  target: 'pool' | 'swing' | 'range';
}

/** The last break of one kind: bar count (-1 before any) and direction. */
export interface BreakRecord {
  count: number;
  direction: Direction;
}

const MAX_POOLS = 16;
/** Unbroken swing levels kept per side for breaks; older ones are forgotten. */
const MAX_LEVELS = 8;

/**
 * Market structure, one bar at a time: swings (fractal or zig-zag), their HH/HL/LH/LL labels,
 * the trend, breaks of structure and changes of character, trading ranges, equal highs/lows
 * as liquidity pools, and sweeps of them. Bounded state, O(1) amortised per bar. The public
 * fields are the state other detectors read after `update`.
 */
export class StructureDetector {
  trend: TrendState = 'neutral';
  lastHigh: Swing | null = null;
  lastLow: Swing | null = null;
  range: ActiveRange | null = null;
  readonly sweepHighs: SweepRecord = { count: -1, level: Number.NaN, target: 'swing' };
  readonly sweepLows: SweepRecord = { count: -1, level: Number.NaN, target: 'swing' };
  readonly lastBos: BreakRecord = { count: -1, direction: 'bull' };
  readonly lastChoch: BreakRecord = { count: -1, direction: 'bull' };
  /** Set on the bar a range broke: its direction. */
  rangeBrokeThisBar: Direction | null = null;

  private readonly s: DetectionConfig['structure'];
  private readonly tf: Timeframe;
  private readonly emit: (event: DetectionEvent) => void;
  private readonly finder: SwingFinder;
  private readonly found: FoundSwing[] = [];
  private readonly recentHighs: Swing[] = [];
  private readonly recentLows: Swing[] = [];
  /** Swing levels not yet closed through, newest last. */
  private readonly unbrokenHighs: Swing[] = [];
  private readonly unbrokenLows: Swing[] = [];
  private readonly pools: Pool[] = [];
  /** The candidate range band and the run of closes inside it. */
  private bandHigh = Number.NaN;
  private bandLow = Number.NaN;
  private insideRun = 0;
  private runStart = 0;
  private runTouchesHigh = 0;
  private runTouchesLow = 0;

  constructor(config: DetectionConfig, tf: Timeframe, emit: (event: DetectionEvent) => void) {
    this.s = config.structure;
    this.tf = tf;
    this.emit = emit;
    this.finder = swingFinder(config.structure);
  }

  update(bar: BarState): void {
    this.rangeBrokeThisBar = null;
    this.sweeps(bar);
    this.breaks(bar);
    this.ranges(bar);
    this.found.length = 0;
    this.finder.update(bar, this.found);
    for (const swing of this.found) this.addSwing(swing, bar);
  }

  /** Wicks through a level that close back: range edges first, then pools, then the last swing. */
  private sweeps(bar: BarState): void {
    const { high: h, low: l, close: c } = bar;
    const range = this.range;
    let highs = false;
    let lows = false;
    if (range) {
      if (h > range.high && c <= range.high) highs = this.sweep(bar, 'highs', range.high, 'range');
      if (l < range.low && c >= range.low) lows = this.sweep(bar, 'lows', range.low, 'range');
    }
    // Pools traded through are consumed (swept if the bar closed back, taken if not).
    let kept = 0;
    for (let i = 0; i < this.pools.length; i++) {
      const pool = this.pools[i] as Pool;
      const isHighs = pool.side === 'highs';
      if (isHighs ? h <= pool.level : l >= pool.level) {
        this.pools[kept++] = pool;
        continue;
      }
      if (isHighs && !highs && c <= pool.level) highs = this.sweep(bar, 'highs', pool.level, 'pool');
      if (!isHighs && !lows && c >= pool.level) lows = this.sweep(bar, 'lows', pool.level, 'pool');
    }
    this.pools.length = kept;
    const lastHigh = this.lastHigh;
    if (lastHigh && !lastHigh.broken && !lastHigh.swept && h > lastHigh.price && c <= lastHigh.price) {
      lastHigh.swept = true;
      if (!highs) this.sweep(bar, 'highs', lastHigh.price, 'swing');
    }
    const lastLow = this.lastLow;
    if (lastLow && !lastLow.broken && !lastLow.swept && l < lastLow.price && c >= lastLow.price) {
      lastLow.swept = true;
      if (!lows) this.sweep(bar, 'lows', lastLow.price, 'swing');
    }
  }

  private sweep(bar: BarState, side: 'highs' | 'lows', level: number, target: SweepRecord['target']): boolean {
    const record = side === 'highs' ? this.sweepHighs : this.sweepLows;
    record.count = bar.count;
    record.level = level;
    record.target = target;
    this.emit({ time: bar.eventTime, tf: this.tf, kind: 'sweep', side, level, target });
    return true;
  }

  /**
   * A close beyond unbroken swing levels: with the trend a BOS, against it a CHoCH. Every
   * level closed through is spent; one event names the furthest of them.
   */
  private breaks(bar: BarState): void {
    const c = bar.close;
    const high = this.breakThrough(this.unbrokenHighs, c, 1);
    if (high) this.breakEvent(bar, this.trend === 'down' ? 'choch' : 'bos', 'bull', high);
    const low = this.breakThrough(this.unbrokenLows, c, -1);
    if (low) this.breakEvent(bar, this.trend === 'up' ? 'choch' : 'bos', 'bear', low);
  }

  /** Spends the levels `close` is beyond (`sign` +1: above highs, −1: below lows); returns the furthest. */
  private breakThrough(levels: Swing[], close: number, sign: 1 | -1): Swing | null {
    let broken: Swing | null = null;
    let kept = 0;
    for (let i = 0; i < levels.length; i++) {
      const swing = levels[i] as Swing;
      if (sign * (close - swing.price) > 0) {
        swing.broken = true;
        if (!broken || sign * (swing.price - broken.price) > 0) broken = swing;
      } else {
        levels[kept++] = swing;
      }
    }
    levels.length = kept;
    return broken;
  }

  private breakEvent(bar: BarState, kind: 'bos' | 'choch', direction: Direction, swing: Swing): void {
    const record = kind === 'bos' ? this.lastBos : this.lastChoch;
    record.count = bar.count;
    record.direction = direction;
    this.emit({ time: bar.eventTime, tf: this.tf, kind, direction, level: swing.price, swingTime: swing.time });
    // A change of character turns the trend at once; later breaks that way are BOS.
    if (kind === 'choch') this.setTrend(direction === 'bull' ? 'up' : 'down', bar);
  }

  /**
   * Ranges: the band spanned by the swings — it takes the last swing high and low, and widens
   * when a swing forms outside it (swings inside keep it) — becomes a range once enough closes
   * stay inside it. A close outside breaks the range.
   */
  private ranges(bar: BarState): void {
    const { high: h, low: l, close: c } = bar;
    const range = this.range;
    if (range) {
      const height = range.high - range.low;
      if (c > range.high || c < range.low) {
        const direction: Direction = c > range.high ? 'bull' : 'bear';
        this.rangeBrokeThisBar = direction;
        this.rangeEvent(bar, 'broken', range, direction);
        this.range = null;
        this.insideRun = 0;
        return;
      }
      if (h >= range.high - this.s.rangeTouch * height) range.touchesHigh++;
      if (l <= range.low + this.s.rangeTouch * height) range.touchesLow++;
      return;
    }
    const top = this.bandHigh;
    const bottom = this.bandLow;
    if (!(top > bottom) || c > top || c < bottom) {
      this.insideRun = 0;
      return;
    }
    const height = top - bottom;
    if (this.insideRun === 0) {
      this.runStart = bar.time;
      this.runTouchesHigh = 0;
      this.runTouchesLow = 0;
    }
    this.insideRun++;
    if (h >= top - this.s.rangeTouch * height) this.runTouchesHigh++;
    if (l <= bottom + this.s.rangeTouch * height) this.runTouchesLow++;
    if (this.insideRun >= this.s.rangeMinBars && bar.atr > 0 && height <= this.s.rangeMaxAtr * bar.atr) {
      const formed: ActiveRange = {
        high: top,
        low: bottom,
        start: this.runStart,
        formedAt: bar.count,
        touchesHigh: this.runTouchesHigh,
        touchesLow: this.runTouchesLow,
      };
      this.range = formed;
      this.rangeEvent(bar, 'formed', formed, null);
    }
  }

  private rangeEvent(
    bar: BarState,
    status: 'formed' | 'broken',
    range: ActiveRange,
    direction: Direction | null,
  ): void {
    this.emit({
      time: bar.eventTime,
      tf: this.tf,
      kind: 'range',
      status,
      high: range.high,
      low: range.low,
      mid: (range.high + range.low) / 2,
      start: range.start,
      touchesHigh: range.touchesHigh,
      touchesLow: range.touchesLow,
      direction,
    });
  }

  private addSwing(found: FoundSwing, bar: BarState): void {
    const isHigh = found.side === 'high';
    const previous = isHigh ? this.lastHigh : this.lastLow;
    let label: SwingLabel;
    if (!previous) label = isHigh ? 'H' : 'L';
    else if (isHigh) label = found.price > previous.price ? 'HH' : 'LH';
    else label = found.price < previous.price ? 'LL' : 'HL';
    const swing: Swing = { price: found.price, time: found.time, label, broken: false, swept: false };
    const unbroken = isHigh ? this.unbrokenHighs : this.unbrokenLows;
    unbroken.push(swing);
    if (unbroken.length > MAX_LEVELS) unbroken.shift();
    if (isHigh) this.lastHigh = swing;
    else this.lastLow = swing;
    this.emit({
      time: bar.eventTime,
      tf: this.tf,
      kind: 'swing',
      side: found.side,
      price: found.price,
      swingTime: found.time,
      label,
    });
    this.equalLevels(swing, isHigh ? this.recentHighs : this.recentLows, isHigh ? 'highs' : 'lows', bar);
    this.updateTrend(bar);
    if (!this.range && this.lastHigh && this.lastLow && this.lastHigh.price > this.lastLow.price) {
      const inside = found.price <= this.bandHigh && found.price >= this.bandLow;
      if (!inside) {
        this.bandHigh = this.lastHigh.price;
        this.bandLow = this.lastLow.price;
        this.insideRun = 0;
      }
    }
  }

  private equalLevels(swing: Swing, recent: Swing[], side: 'highs' | 'lows', bar: BarState): void {
    const tolerance = this.s.equalAtr * bar.atr;
    if (tolerance > 0) {
      for (let i = recent.length - 1; i >= 0; i--) {
        const other = recent[i] as Swing;
        if (Math.abs(other.price - swing.price) <= tolerance) {
          const level = side === 'highs' ? Math.max(other.price, swing.price) : Math.min(other.price, swing.price);
          const pool: Pool = { side, level, swingTimes: [other.time, swing.time] };
          if (this.pools.length >= MAX_POOLS) this.pools.shift();
          this.pools.push(pool);
          this.emit({
            time: bar.eventTime,
            tf: this.tf,
            kind: 'liquidity-pool',
            side,
            level,
            swingTimes: pool.swingTimes,
          });
          break;
        }
      }
    }
    recent.push(swing);
    if (recent.length > this.s.equalLookback) recent.shift();
  }

  private updateTrend(bar: BarState): void {
    const h = this.lastHigh?.label;
    const l = this.lastLow?.label;
    this.setTrend(h === 'HH' && l === 'HL' ? 'up' : h === 'LH' && l === 'LL' ? 'down' : this.trend, bar);
  }

  private setTrend(next: TrendState, bar: BarState): void {
    if (next === this.trend) return;
    this.emit({ time: bar.eventTime, tf: this.tf, kind: 'trend', state: next, previous: this.trend });
    this.trend = next;
  }
}
