import { CandleColumnsBuilder, type CandleColumns } from '../../engine/data/candle-columns.ts';
import { seededRandom } from '../../engine/util/seeded-random.ts';
import { fiveSignificant, type MinuteSource } from './recorded-minutes.ts';

/**
 * Generates 1-minute bars: a seeded random walk with wicks, for the simulated exchange when no
 * recorded data is given. The same seed, start and price give the same bars.
 */
export class SyntheticMinutes implements MinuteSource {
  private readonly random: () => number;
  private price: number;

  constructor(seed: number, startPrice: number) {
    this.random = seededRandom(seed);
    this.price = startPrice;
  }

  /** The next `count` bars, opening at `start`, `start + 1 min`, … */
  next(start: number, count: number): CandleColumns {
    const out = new CandleColumnsBuilder(count);
    for (let i = 0; i < count; i++) {
      const open = this.price;
      const close = fiveSignificant(open * Math.exp((this.random() - 0.5) * 0.004));
      const high = fiveSignificant(Math.max(open, close) * (1 + this.random() * 0.001));
      const low = fiveSignificant(Math.min(open, close) * (1 - this.random() * 0.001));
      out.push(start + i * 60_000, open, high, low, close, Number((this.random() * 50).toFixed(4)));
      this.price = close;
    }
    return out.view();
  }
}
