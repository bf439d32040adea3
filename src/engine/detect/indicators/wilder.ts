/**
 * Wilder's smoothing (RMA): the simple average of the first `period` values, then
 * `previous + (x − previous) / period`. `value` is NaN until `period` values have been seen.
 */
export class Wilder {
  readonly period: number;
  value = Number.NaN;
  private count = 0;
  private sum = 0;

  constructor(period: number) {
    this.period = period;
  }

  update(x: number): number {
    if (this.count < this.period) {
      this.sum += x;
      this.count++;
      if (this.count === this.period) this.value = this.sum / this.period;
    } else {
      this.value += (x - this.value) / this.period;
    }
    return this.value;
  }
}
