import { Wilder } from './wilder.ts';

/** Average true range with Wilder's smoothing (as most charting tools compute it). */
export class Atr {
  value = Number.NaN;
  private readonly smoothing: Wilder;
  private previousClose = Number.NaN;

  constructor(period = 14) {
    this.smoothing = new Wilder(period);
  }

  update(high: number, low: number, close: number): number {
    const pc = this.previousClose;
    const tr = Number.isNaN(pc) ? high - low : Math.max(high - low, Math.abs(high - pc), Math.abs(low - pc));
    this.previousClose = close;
    this.value = this.smoothing.update(tr);
    return this.value;
  }
}
