/**
 * Volume-weighted average of the typical price (high + low + close) / 3, from the first bar
 * (or since `reset`, e.g. at each session start). Bars without volume leave it unchanged.
 */
export class Vwap {
  value = Number.NaN;
  private weighted = 0;
  private volume = 0;

  update(high: number, low: number, close: number, volume: number): number {
    if (volume > 0) {
      this.weighted += ((high + low + close) / 3) * volume;
      this.volume += volume;
      this.value = this.weighted / this.volume;
    }
    return this.value;
  }

  reset(): void {
    this.weighted = 0;
    this.volume = 0;
    this.value = Number.NaN;
  }
}
