/**
 * Simple moving average over the last `period` values, O(1) per update with a ring buffer.
 * The running sum is compensated (Kahan) on the way in and on the way out, and a window that
 * holds one repeated value averages to exactly that value: the arithmetic of pandas'
 * `rolling(n).mean()`, so both give the same bits, and a long series does not drift.
 * `value` is NaN until `period` values have been seen.
 */
export class Sma {
  readonly period: number;
  value = Number.NaN;
  private readonly ring: Float64Array;
  private count = 0;
  private sum = 0;
  private carryIn = 0;
  private carryOut = 0;
  /** How many of the latest values equal the latest one. */
  private repeats = 0;
  private last = Number.NaN;

  constructor(period: number) {
    this.period = period;
    this.ring = new Float64Array(period);
  }

  update(x: number): number {
    const slot = this.count % this.period;
    if (this.count >= this.period) {
      const y = -(this.ring[slot] as number) - this.carryOut;
      const t = this.sum + y;
      this.carryOut = t - this.sum - y;
      this.sum = t;
    }
    this.ring[slot] = x;
    const y = x - this.carryIn;
    const t = this.sum + y;
    this.carryIn = t - this.sum - y;
    this.sum = t;
    this.repeats = x === this.last ? this.repeats + 1 : 1;
    this.last = x;
    this.count++;
    if (this.count >= this.period) this.value = this.repeats >= this.period ? x : this.sum / this.period;
    return this.value;
  }
}
