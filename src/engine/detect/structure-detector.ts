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
  touchesHigh: number;
  touchesLow: number;
  formed: boolean;
}

const MAX_POOLS = 16;

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
  /** Bar count at the last sweep, and its side; -1 before any. */
  lastSweepCount = -1;
  lastSweepSide: 'highs' | 'lows' = 'lows';
  lastSweepTarget: 'pool' | 'swing' | 'range' = 'swing';
  /** Bar count at the last BOS/CHoCH, and its direction; -1 before any. */
  lastBreakCount = -1;
  lastBreakDirection: Direction = 'bull';
  /** Set on the bar a range broke: its direction. */
  rangeBrokeThisBar: Direction | null = null;
  /** The range that broke on this bar (its edges), for setups that trade the break. */
  brokenRange: ActiveRange | null = null;

  private readonly s: DetectionConfig['structure'];
  private readonly tf: Timeframe;
  private readonly emit: (event: DetectionEvent) => void;
  private readonly finder: SwingFinder;
  private readonly found: FoundSwing[] = [];
  private readonly recentHighs: Swing[] = [];
  private readonly recentLows: Swing[] = [];
  private pools: Pool[] = [];
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
    this.brokenRange = null;
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
    if (range?.formed) {
      if (h > range.high && c <= range.high) highs = this.sweep(bar, 'highs', range.high, 'range');
      if (l < range.low && c >= range.low) lows = this.sweep(bar, 'lows', range.low, 'range');
    }
    if (this.pools.length > 0) {
      const kept: Pool[] = [];
      for (const pool of this.pools) {
        const beyond = pool.side === 'highs' ? h > pool.level : l < pool.level;
        if (!beyond) {
          kept.push(pool);
          continue;
        }
        const closedBack = pool.side === 'highs' ? c <= pool.level : c >= pool.level;
        if (closedBack) {
          if (pool.side === 'highs' && !highs) highs = this.sweep(bar, 'highs', pool.level, 'pool');
          if (pool.side === 'lows' && !lows) lows = this.sweep(bar, 'lows', pool.level, 'pool');
        }
      }
      this.pools = kept;
    }
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

  private sweep(bar: BarState, side: 'highs' | 'lows', level: number, target: 'pool' | 'swing' | 'range'): boolean {
    this.lastSweepCount = bar.count;
    this.lastSweepSide = side;
    this.lastSweepTarget = target;
    this.emit({ time: bar.eventTime, tf: this.tf, kind: 'sweep', side, level, target });
    return true;
  }

  /** A close beyond the last swing: with the trend a BOS, against it a CHoCH. */
  private breaks(bar: BarState): void {
    const c = bar.close;
    const high = this.lastHigh;
    if (high && !high.broken && c > high.price) {
      high.broken = true;
      this.breakEvent(bar, this.trend === 'down' ? 'choch' : 'bos', 'bull', high);
    }
    const low = this.lastLow;
    if (low && !low.broken && c < low.price) {
      low.broken = true;
      this.breakEvent(bar, this.trend === 'up' ? 'choch' : 'bos', 'bear', low);
    }
  }

  private breakEvent(bar: BarState, kind: 'bos' | 'choch', direction: Direction, swing: Swing): void {
    this.lastBreakCount = bar.count;
    this.lastBreakDirection = direction;
    this.emit({ time: bar.eventTime, tf: this.tf, kind, direction, level: swing.price, swingTime: swing.time });
  }

  /** Tracks the band between the last swing high and low; enough closes inside make a range. */
  private ranges(bar: BarState): void {
    const { high: h, low: l, close: c } = bar;
    const range = this.range;
    if (range) {
      const height = range.high - range.low;
      if (c > range.high || c < range.low) {
        const direction: Direction = c > range.high ? 'bull' : 'bear';
        if (range.formed) {
          this.rangeBrokeThisBar = direction;
          this.brokenRange = range;
          this.rangeEvent(bar, 'broken', range, direction);
        }
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
        touchesHigh: this.runTouchesHigh,
        touchesLow: this.runTouchesLow,
        formed: true,
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
    const label: SwingLabel = previous
      ? isHigh
        ? found.price > previous.price
          ? 'HH'
          : 'LH'
        : found.price < previous.price
          ? 'LL'
          : 'HL'
      : isHigh
        ? 'H'
        : 'L';
    const swing: Swing = { price: found.price, time: found.time, label, broken: false, swept: false };
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
    // The band for ranges follows the swings unless a range is already in force.
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
    const next: TrendState = h === 'HH' && l === 'HL' ? 'up' : h === 'LH' && l === 'LL' ? 'down' : this.trend;
    if (next !== this.trend) {
      this.emit({ time: bar.eventTime, tf: this.tf, kind: 'trend', state: next, previous: this.trend });
      this.trend = next;
    }
  }
}
