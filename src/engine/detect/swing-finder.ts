import type { BarState } from './bar-state.ts';
import type { DetectionConfig } from './detection-config.ts';

/** A swing found by a {@link SwingFinder}. */
export interface FoundSwing {
  readonly side: 'high' | 'low';
  readonly price: number;
  /** Open time of the swing bar. */
  readonly time: number;
}

/** Finds swing highs and lows one bar at a time; returns those this bar confirms. */
export interface SwingFinder {
  update(bar: BarState, found: FoundSwing[]): void;
}

/**
 * Fractal swings: a high above the `n` highs before it and not below the `n` highs after it
 * (and the mirror for lows). Confirmed `n` bars after the swing bar. O(n) per bar.
 */
export class FractalSwings implements SwingFinder {
  private readonly n: number;
  private readonly size: number;
  private readonly highs: Float64Array;
  private readonly lows: Float64Array;
  private readonly times: Float64Array;

  constructor(n: number) {
    this.n = n;
    this.size = 2 * n + 1;
    this.highs = new Float64Array(this.size);
    this.lows = new Float64Array(this.size);
    this.times = new Float64Array(this.size);
  }

  update(bar: BarState, found: FoundSwing[]): void {
    const k = bar.count - 1;
    const size = this.size;
    const slot = k % size;
    this.highs[slot] = bar.high;
    this.lows[slot] = bar.low;
    this.times[slot] = bar.time;
    if (bar.count < size) return;
    const centre = (k - this.n) % size;
    const ch = this.highs[centre] as number;
    const cl = this.lows[centre] as number;
    let isHigh = true;
    let isLow = true;
    for (let d = 1; d <= this.n && (isHigh || isLow); d++) {
      const before = (k - this.n - d) % size;
      const after = (k - this.n + d) % size;
      if (!(ch > (this.highs[before] as number) && ch >= (this.highs[after] as number))) isHigh = false;
      if (!(cl < (this.lows[before] as number) && cl <= (this.lows[after] as number))) isLow = false;
    }
    const time = this.times[centre] as number;
    if (isHigh) found.push({ side: 'high', price: ch, time });
    if (isLow) found.push({ side: 'low', price: cl, time });
  }
}

/**
 * One leg of a zig-zag: the extreme in its direction (`sign` +1 for highs, −1 for lows), the
 * opposite extreme reached after it, and the extreme in the leg's direction reached after
 * that (which seeds the next leg's counter-move when this one reverses).
 */
class Leg {
  readonly sign: 1 | -1;
  extreme: number;
  extremeTime: number;
  counter: number;
  counterTime: number;
  recovery: number;
  recoveryTime: number;

  constructor(sign: 1 | -1, extreme: number, extremeTime: number, counter: number, counterTime: number) {
    this.sign = sign;
    this.extreme = extreme;
    this.extremeTime = extremeTime;
    this.counter = counter;
    this.counterTime = counterTime;
    this.recovery = counter;
    this.recoveryTime = counterTime;
  }

  update(high: number, low: number, time: number): void {
    const with_ = this.sign > 0 ? high : low;
    const against = this.sign > 0 ? low : high;
    // Within one bar the order of high and low is unknown, so a bar that sets an extreme does
    // not also count as the move away from it (nor one that sets a counter extreme as the
    // recovery from it): those start with the next bar.
    if (this.sign * (with_ - this.extreme) > 0) {
      this.extreme = with_;
      this.extremeTime = time;
      this.counter = with_;
      this.counterTime = time;
      this.recovery = with_;
      this.recoveryTime = time;
    } else if (this.sign * (this.counter - against) > 0) {
      this.counter = against;
      this.counterTime = time;
      this.recovery = against;
      this.recoveryTime = time;
    } else if (this.sign * (with_ - this.recovery) > 0) {
      this.recovery = with_;
      this.recoveryTime = time;
    }
  }

  /** How far price has come back from the extreme. */
  get reversal(): number {
    return this.sign * (this.extreme - this.counter);
  }

  /** The leg that starts when this one reverses: from the counter extreme, against the recovery. */
  next(): Leg {
    return new Leg(this.sign > 0 ? -1 : 1, this.counter, this.counterTime, this.recovery, this.recoveryTime);
  }
}

/**
 * Zig-zag swings: the extreme of a leg becomes a swing once price has come back from it by
 * `k` ATRs (and at least one bar later). O(1) per bar. Before the first swing both an up and
 * a down leg are followed; the first to reverse decides.
 */
export class ZigzagSwings implements SwingFinder {
  private readonly k: number;
  private up: Leg | null = null;
  private down: Leg | null = null;
  private leg: Leg | null = null;

  constructor(k: number) {
    this.k = k;
  }

  update(bar: BarState, found: FoundSwing[]): void {
    const { high, low, time } = bar;
    if (!this.leg && !this.up) {
      this.up = new Leg(1, high, time, high, time);
      this.down = new Leg(-1, low, time, low, time);
      return;
    }
    const threshold = this.k * bar.atr;
    if (this.leg) this.step(this.leg, high, low, time, threshold, found);
    else if (!this.step(this.up as Leg, high, low, time, threshold, found)) {
      this.step(this.down as Leg, high, low, time, threshold, found);
    }
  }

  /** Updates a leg; when it has reversed far enough, reports its swing and starts the next leg. */
  private step(leg: Leg, high: number, low: number, time: number, threshold: number, found: FoundSwing[]): boolean {
    leg.update(high, low, time);
    if (!(threshold > 0 && leg.reversal >= threshold && leg.extremeTime < time)) return false;
    found.push({ side: leg.sign > 0 ? 'high' : 'low', price: leg.extreme, time: leg.extremeTime });
    this.leg = leg.next();
    this.up = null;
    this.down = null;
    return true;
  }
}

/** The swing finder the configuration asks for. */
export function swingFinder(config: DetectionConfig['structure']): SwingFinder {
  return config.swingMode === 'zigzag' ? new ZigzagSwings(config.zigzagAtr) : new FractalSwings(config.swingBars);
}
