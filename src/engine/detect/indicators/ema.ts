/**
 * Exponential moving average with weight 2 / (period + 1), seeded with the first value (the
 * convention of trading-signals' EMA). `value` is NaN until `period` values have been seen.
 */
export class Ema {
  readonly period: number;
  value = Number.NaN;
  private readonly k: number;
  private current = Number.NaN;
  private count = 0;

  constructor(period: number) {
    this.period = period;
    this.k = 2 / (period + 1);
  }

  update(x: number): number {
    this.current = this.count === 0 ? x : x * this.k + this.current * (1 - this.k);
    this.count++;
    if (this.count >= this.period) this.value = this.current;
    return this.value;
  }
}
