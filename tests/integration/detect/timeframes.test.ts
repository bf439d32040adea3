import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandleFileReader } from '../../../src/adapters/files/candle-file-reader.ts';
import { CandleColumnsBuilder, columnsToCandles, type CandleColumns } from '../../../src/engine/data/candle-columns.ts';
import { resample } from '../../../src/engine/data/resample.ts';
import { nextBucketStart } from '../../../src/engine/data/time-grid.ts';
import { DetectionEngine, type ProcessedBar } from '../../../src/engine/detect/detection-engine.ts';
import type { Timeframe } from '../../../src/shared/values/timeframe.ts';
import { SAMPLES_DIR } from '../../helpers/paths.ts';

const sample = await new CandleFileReader(join(SAMPLES_DIR, 'BTC-SYNTH_1h_synthetic.csv'), {
  interval: '1h',
}).readAll();

function processed(columns: CandleColumns, base: Timeframe, timeframes: Timeframe[]): ProcessedBar[] {
  const bars: ProcessedBar[] = [];
  const engine = new DetectionEngine({ base, timeframes, onEvent: () => undefined, onBar: (b) => bars.push(b) });
  for (let i = 0; i < columns.length; i++) {
    engine.push(
      columns.time[i]!,
      columns.open[i]!,
      columns.high[i]!,
      columns.low[i]!,
      columns.close[i]!,
      columns.volume[i]!,
    );
  }
  return bars;
}

/** Hourly bars starting 2 h into a 4 h bucket, with hours 30..40 missing. */
function holed(): CandleColumns {
  const b = new CandleColumnsBuilder();
  for (let i = 2; i < 200; i++) {
    if (i >= 30 && i <= 40) continue;
    const t = Date.UTC(2024, 0, 1) + i * 3_600_000;
    b.push(t, 100 + i, 101 + i, 99 + i, 100.5 + i, 1);
  }
  return b.view();
}

describe('higher timeframes inside the engine', () => {
  it.each([
    ['4h', sample],
    ['1d', sample],
    ['1w', sample],
    ['4h', holed()],
    ['1d', holed()],
  ] as const)('build the same %s bars as resample(), the first partial one dropped', (tf, columns) => {
    const engineBars = processed(columns, '1h', ['1h', tf]).filter((b) => b.tf === tf);
    const expected = columnsToCandles(resample(columns, '1h', tf));
    // resample() keeps a complete last bucket the engine has also closed; a trailing partial
    // one is dropped by both.
    expect(
      engineBars.map(({ time, open, high, low, close, volume }) => ({ time, open, high, low, close, volume })),
    ).toEqual(expected);
  });

  it('processes each higher bar at the close of its last base bar, or at the first bar after a gap', () => {
    const columns = holed();
    const times = new Set(Array.from(columns.time));
    for (const bar of processed(columns, '1h', ['1h', '4h']).filter((b) => b.tf === '4h')) {
      const end = nextBucketStart(bar.time, '4h');
      const lastHour = end - 3_600_000;
      if (times.has(lastHour)) expect(bar.eventTime).toBe(lastHour);
      else expect(bar.eventTime).toBe(Array.from(columns.time).find((t) => t >= end));
    }
  });

  it('updates the higher timeframes first when one base bar closes several of them', () => {
    const bars = processed(sample, '1h', ['1h', '4h', '1d']);
    const atMidnightClose = bars.filter((b) => b.eventTime === Date.UTC(2024, 0, 2) - 3_600_000).map((b) => b.tf);
    expect(atMidnightClose).toEqual(['1d', '4h', '1h']);
  });

  it('also aggregates the entry timeframe when it is above the base interval', () => {
    const minutes = new CandleColumnsBuilder();
    for (let i = 0; i < 600; i++) minutes.push(Date.UTC(2024, 0, 1) + i * 60_000, 100, 101, 99, 100.5, 1);
    const bars = processed(minutes.view(), '1m', ['15m', '1h']);
    expect(bars.filter((b) => b.tf === '1m')).toEqual([]);
    expect(bars.filter((b) => b.tf === '15m')).toHaveLength(40);
    expect(bars.filter((b) => b.tf === '1h')).toHaveLength(10);
  });
});
