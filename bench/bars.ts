import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CandleFileReader } from '../src/adapters/files/candle-file-reader.ts';
import { SyntheticMinutes } from '../src/adapters/hl-sim/synthetic-minutes.ts';
import { CandleColumnsBuilder, type CandleColumns } from '../src/engine/data/candle-columns.ts';

/** The real 1m perpetual file of the shared data (absent on machines without it). */
export const FTX = fileURLToPath(new URL('../../shared/data/BTC-PERP_1m_ftx.csv', import.meta.url));

const MIN = 60_000;

/**
 * `count` 1m bars: BTC-PERP_1m_ftx.csv repeated end to end (shifted in time), or a seeded
 * synthetic walk when the shared data is absent.
 */
export async function minuteBars(count: number): Promise<{ bars: CandleColumns; origin: string }> {
  const out = new CandleColumnsBuilder(count);
  if (existsSync(FTX)) {
    const src = await new CandleFileReader(FTX, { interval: '1m' }).readAll();
    const span = src.length * MIN;
    for (let copy = 0; out.length < count; copy++) {
      for (let i = 0; i < src.length && out.length < count; i++) {
        out.push(src.time[i]! + copy * span, src.open[i]!, src.high[i]!, src.low[i]!, src.close[i]!, src.volume[i]!);
      }
    }
    return { bars: out.view(), origin: 'BTC-PERP_1m_ftx.csv repeated' };
  }
  out.append(new SyntheticMinutes(11, 40_000).next(1_600_000_000_000, count));
  return { bars: out.view(), origin: 'synthetic walk (shared data absent)' };
}
