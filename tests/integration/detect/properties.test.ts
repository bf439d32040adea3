import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandleFileReader } from '../../../src/adapters/files/candle-file-reader.ts';
import type { CandleColumns } from '../../../src/engine/data/candle-columns.ts';
import type { DetectionEvent } from '../../../src/engine/detect/detection-events.ts';
import type { Timeframe } from '../../../src/shared/values/timeframe.ts';
import { DetectionEngine, type ProcessedBar } from '../../../src/engine/detect/detection-engine.ts';
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

  it('says about each bar only what that bar shows (checked against the data, not the engine)', async () => {
    const bars = await dataset.load();
    const events: DetectionEvent[] = [];
    const processed: ProcessedBar[] = [];
    const engine = new DetectionEngine({ ...dataset, onEvent: (e) => events.push(e), onBar: (b) => processed.push(b) });
    for (let i = 0; i < bars.length; i++) {
      engine.push(bars.time[i]!, bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.close[i]!, bars.volume[i]!);
    }
    // The bar of each timeframe whose close made an event known, and every bar by open time.
    const closing = new Map(processed.map((b) => [`${b.tf}@${b.eventTime}`, b]));
    const byOpen = new Map(processed.map((b) => [`${b.tf}@${b.time}`, b]));
    let previous = Number.NEGATIVE_INFINITY;
    for (const e of events) {
      expect(e.time).toBeGreaterThanOrEqual(previous);
      previous = e.time;
      const bar = closing.get(`${e.tf}@${e.time}`);
      expect(bar, `${e.kind} at ${e.time} is not at the close of a ${e.tf} bar`).toBeDefined();
      if (!bar) continue;
      switch (e.kind) {
        case 'pattern':
          expect(e.bar).toBe(bar.time);
          break;
        case 'swing': {
          const swingBar = byOpen.get(`${e.tf}@${e.swingTime}`);
          expect(e.swingTime).toBeLessThan(bar.time);
          expect(e.price).toBe(e.side === 'high' ? swingBar?.high : swingBar?.low);
          break;
        }
        case 'sweep':
          if (e.side === 'highs') expect(bar.high > e.level && bar.close <= e.level).toBe(true);
          else expect(bar.low < e.level && bar.close >= e.level).toBe(true);
          break;
        case 'bos':
        case 'choch':
          expect(e.direction === 'bull' ? bar.close > e.level : bar.close < e.level).toBe(true);
          expect(e.swingTime).toBeLessThan(bar.time);
          break;
        case 'range':
          expect(e.start).toBeLessThanOrEqual(bar.time);
          if (e.status === 'broken') expect(bar.close > e.high || bar.close < e.low).toBe(true);
          else expect(bar.close).toBeGreaterThanOrEqual(e.low);
          break;
        case 'liquidity-pool':
          for (const t of e.swingTimes) expect(t).toBeLessThan(bar.time);
          break;
        default:
          break;
      }
    }
  });
});

describe('engine options', () => {
  it('refuses timeframes that cannot be built from the base and explains why', () => {
    expect(() => detect(quiet(3), { timeframes: ['1h', '3m'] })).toThrow('timeframe 3m cannot be built from 1h bars');
    expect(() => detect(quiet(3), { config: { structure: { swingBars: 0 } } })).toThrow(/structure.swingBars/);
    expect(() => detect(quiet(3), { config: { structure: { swingMode: 'wiggle' } } as never })).toThrow(/swingMode/);
    expect(() => detect(quiet(3), { config: { patterns: { pinWik: 0.5 } } as never })).toThrow(
      /patterns: Unrecognized key/,
    );
  });
});
