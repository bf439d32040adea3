import { CandleColumnsBuilder, type CandleColumns } from '../../engine/data/candle-columns.ts';

/** Where a simulated market's 1-minute bars come from: generated, or replayed from a file. */
export interface MinuteSource {
  /** The next `count` bars, opening at `start`, `start + 1 min`, … */
  next(start: number, count: number): CandleColumns;
}

/**
 * Replays recorded 1-minute bars as the simulated market, re-stamped to the simulated clock.
 * At the end of the recording it starts over, scaled so the price carries on from where it
 * was instead of jumping back (the shape repeats, the level does not).
 */
export class RecordedMinutes implements MinuteSource {
  private readonly bars: CandleColumns;
  private index = 0;
  private scale = 1;

  constructor(bars: CandleColumns) {
    if (bars.length === 0) throw new RangeError('a recording needs at least one bar');
    this.bars = bars;
  }

  next(start: number, count: number): CandleColumns {
    const out = new CandleColumnsBuilder(count);
    const b = this.bars;
    for (let i = 0; i < count; i++) {
      if (this.index === b.length) {
        this.scale *= (b.close[b.length - 1] as number) / (b.open[0] as number);
        this.index = 0;
      }
      const k = this.index++;
      const s = this.scale;
      out.push(
        start + i * 60_000,
        fiveSignificant((b.open[k] as number) * s),
        fiveSignificant((b.high[k] as number) * s),
        fiveSignificant((b.low[k] as number) * s),
        fiveSignificant((b.close[k] as number) * s),
        b.volume[k] as number,
      );
    }
    return out.view();
  }
}

/** Rounds to 5 significant figures, as Hyperliquid prices are. */
export function fiveSignificant(p: number): number {
  const decimals = Math.max(0, 4 - Math.floor(Math.log10(p)));
  return Number(p.toFixed(decimals));
}
