import { Wilder } from './wilder.ts';

/** Relative strength index with Wilder's smoothing of gains and losses, 0..100. */
export class Rsi {
  value = Number.NaN;
  private readonly gains: Wilder;
  private readonly losses: Wilder;
  private previous = Number.NaN;

  constructor(period = 14) {
    this.gains = new Wilder(period);
    this.losses = new Wilder(period);
  }

  update(close: number): number {
    const previous = this.previous;
    this.previous = close;
    if (Number.isNaN(previous)) return this.value;
    const change = close - previous;
    const gain = this.gains.update(change > 0 ? change : 0);
    const loss = this.losses.update(change > 0 ? 0 : -change);
    if (!Number.isNaN(gain)) this.value = loss === 0 ? 100 : 100 - 100 / (1 + gain / loss);
    return this.value;
  }
}
