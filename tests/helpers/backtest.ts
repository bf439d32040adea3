import { join } from 'node:path';
import { CandleFileReader } from '../../src/adapters/files/candle-file-reader.ts';
import { runBacktest, type BacktestOptions, type BacktestResult } from '../../src/engine/backtest/backtest-session.ts';
import { allocateColumns, type CandleColumns } from '../../src/engine/data/candle-columns.ts';
import type { SessionEvent } from '../../src/shared/contract/session-events.ts';
import { SAMPLES_DIR } from './paths.ts';

/** The bundled synthetic sample: hourly bars, always present. */
export const SAMPLE_CSV = join(SAMPLES_DIR, 'BTC-SYNTH_1h_synthetic.csv');

/** Reads the bundled sample's bars. */
export async function sampleBars(): Promise<CandleColumns> {
  return new CandleFileReader(SAMPLE_CSV).readAll();
}

/** Columns from [open, high, low, close] bars, `stepMs` apart from `t0`. */
export function barsOf(
  ohlc: readonly (readonly [number, number, number, number])[],
  stepMs = 3_600_000,
  t0 = Date.UTC(2024, 0, 1),
): CandleColumns {
  const c = allocateColumns(ohlc.length);
  ohlc.forEach(([o, h, l, cl], i) => {
    c.time[i] = t0 + i * stepMs;
    c.open[i] = o;
    c.high[i] = h;
    c.low[i] = l;
    c.close[i] = cl;
    c.volume[i] = 1;
  });
  return c;
}

/** Columns whose bars open at the previous close and move to each given close. */
export function barsFromCloses(closes: readonly number[], stepMs = 3_600_000): CandleColumns {
  return barsOf(
    closes.map((c, i) => {
      const o = i === 0 ? c : (closes[i - 1] as number);
      return [o, Math.max(o, c), Math.min(o, c), c] as const;
    }),
    stepMs,
  );
}

/** Runs a backtest and keeps every event it emitted. */
export function runWithEvents(
  bars: CandleColumns,
  options: Omit<BacktestOptions, 'emit'>,
): { result: BacktestResult; events: SessionEvent[] } {
  const events: SessionEvent[] = [];
  const result = runBacktest(bars, { ...options, emit: (e) => events.push(e) });
  return { result, events };
}
