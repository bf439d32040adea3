/**
 * Simple moving average over the last `period` values, O(1) per update with a ring buffer
 * and a running sum. `value` is NaN until `period` values have been seen.
 */
export class Sma {
  readonly period: number;
  value = Number.NaN;
  private readonly ring: Float64Array;
  private count = 0;
  private sum = 0;

  constructor(period: number) {
    this.period = period;
    this.ring = new Float64Array(period);
  }

  update(x: number): number {
    const slot = this.count % this.period;
    if (this.count >= this.period) this.sum -= this.ring[slot] as number;
    this.ring[slot] = x;
    this.sum += x;
    this.count++;
    if (this.count >= this.period) this.value = this.sum / this.period;
    return this.value;
  }
}
