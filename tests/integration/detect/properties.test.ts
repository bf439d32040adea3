import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandleFileReader } from '../../../src/adapters/files/candle-file-reader.ts';
import type { CandleColumns } from '../../../src/engine/data/candle-columns.ts';
import type { DetectionEvent } from '../../../src/engine/detect/detection-events.ts';
import type { Timeframe } from '../../../src/shared/values/timeframe.ts';
import { detectColumns, detect, quiet } from '../../helpers/detect.ts';
import { SAMPLES_DIR } from '../../helpers/paths.ts';
import { HAS_SHARED_DATA, sharedData } from '../../helpers/shared-data.ts';

interface Dataset {
  readonly name: string;
  readonly base: Timeframe;
  readonly timeframes: Timeframe[];
  readonly load: () => Promise<CandleColumns>;
}

const DATASETS: Dataset[] = [
  {
    name: 'bundled synthetic 1h (1h + 4h)',
    base: '1h',
    timeframes: ['1h', '4h'],
    load: () => new CandleFileReader(join(SAMPLES_DIR, 'BTC-SYNTH_1h_synthetic.csv'), { interval: '1h' }).readAll(),
  },
];
if (HAS_SHARED_DATA) {
  DATASETS.push(
    {
      name: 'FTX BTC-PERP 1m, first 6000 bars (1m + 15m)',
      base: '1m',
      timeframes: ['1m', '15m'],
      load: async () => {
        const all = await new CandleFileReader(sharedData('BTC-PERP_1m_ftx.csv'), { interval: '1m' }).readAll();
        return { ...all, length: 6000 };
      },
    },
    {
      name: 'Binance BTC/USDT 1h (1h + 4h)',
      base: '1h',
      timeframes: ['1h', '4h'],
      load: () => new CandleFileReader(sharedData('BTC-USDT_1h_binance.csv'), { interval: '1h' }).readAll(),
    },
    {
      name: 'Binance BTC/USDT 4h (4h + 1d, across the trading-halt gap)',
      base: '4h',
      timeframes: ['4h', '1d'],
      load: () => new CandleFileReader(sharedData('BTC-USDT_4h_binance.csv'), { interval: '4h' }).readAll(),
    },
  );
}

/** Every time an event refers to: none may be after the event's own time. */
function referencedTimes(event: DetectionEvent): number[] {
  switch (event.kind) {
    case 'pattern':
      return [event.bar];
    case 'swing':
      return [event.swingTime];
    case 'bos':
    case 'choch':
      return [event.swingTime];
    case 'range':
      return [event.start];
    case 'liquidity-pool':
      return [...event.swingTimes];
    default:
      return [];
  }
}

describe.each(DATASETS)('detection properties: $name', (dataset) => {
  it('is deterministic: two runs give byte-identical output', async () => {
    const bars = await dataset.load();
    const a = JSON.stringify(detectColumns(bars, dataset));
    const b = JSON.stringify(detectColumns(bars, dataset));
    expect(a).toBe(b);
    expect(a.length).toBeGreaterThan(1000);
  });

  it('is prefix-invariant: the first k bars give exactly the full run’s events up to bar k', async () => {
    const bars = await dataset.load();
    const full = detectColumns(bars, dataset).map((e) => JSON.stringify(e));
    const fullEvents = detectColumns(bars, dataset);
    const step = Math.max(1, Math.floor(bars.length / 23));
    for (let k = 1; k <= bars.length; k += step) {
      const cut = bars.time[k - 1]!;
      const prefix = detectColumns(bars, dataset, k).map((e) => JSON.stringify(e));
      const expected = full.filter((_, i) => fullEvents[i]!.time <= cut);
      expect(prefix, `first ${k} bars`).toEqual(expected);
    }
  });

  it('never refers to a bar after the one that confirmed the event', async () => {
    const bars = await dataset.load();
    const events = detectColumns(bars, dataset);
    const times = new Set(Array.from(bars.time.subarray(0, bars.length)));
    let previous = Number.NEGATIVE_INFINITY;
    for (const event of events) {
      // Events come in time order, each at the close of a base bar of the data.
      expect(event.time).toBeGreaterThanOrEqual(previous);
      expect(times.has(event.time)).toBe(true);
      previous = event.time;
      for (const t of referencedTimes(event))
        expect(t, `${event.kind} at ${event.time}`).toBeLessThanOrEqual(event.time);
    }
  });
});

describe('multi-timeframe timing', () => {
  it('processes a higher-timeframe bar at the close of its last base bar, not before', () => {
    // 8 hourly bars make two 4h bars; the 4h patterns carry the 4h bar and the base bar that closed it.
    const events = detect([...quiet(7), [100, 100.1, 99.9, 100]], { timeframes: ['1h', '4h'], only: ['patterns'] });
    const fourHour = events.filter((e) => e.tf === '4h' && e.kind === 'pattern');
    for (const e of fourHour) {
      if (e.kind !== 'pattern') continue;
      expect(e.time).toBe(e.bar + 3 * 3_600_000);
    }
  });

  it('refuses timeframes that cannot be built from the base and explains why', () => {
    expect(() => detect(quiet(3), { timeframes: ['1h', '3m'] })).toThrow('timeframe 3m cannot be built from 1h bars');
    expect(() => detect(quiet(3), { config: { structure: { swingBars: 0 } } })).toThrow(/structure.swingBars/);
    expect(() => detect(quiet(3), { config: { structure: { swingMode: 'wiggle' } } as never })).toThrow(/swingMode/);
    expect(() => detect(quiet(3), { config: { patterns: { pinWik: 0.5 } } as never })).toThrow(
      /patterns: Unrecognized key/,
    );
  });
});
