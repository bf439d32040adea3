import { describe, expect, it } from 'vitest';
import { MarketData } from '../../../src/engine/data/market-data.ts';
import { Kernel } from '../../../src/engine/kernel/kernel.ts';
import { VirtualClock } from '../../../src/engine/kernel/virtual-clock.ts';
import type { CandleSource, LoadedCandles, SeriesRepository } from '../../../src/engine/ports.ts';
import type { SeriesInfo } from '../../../src/shared/contract/series.ts';
import type { Candle } from '../../../src/shared/values/candle.ts';
import { columnsFromCandles, type CandleColumns } from '../../../src/engine/data/candle-columns.ts';

const HOUR = 3_600_000;
const bars: Candle[] = [0, 1, 2, 3].map((h) => ({ time: h * HOUR, open: 10, high: 12, low: 9, close: 11, volume: h }));

class MemorySource implements CandleSource {
  candles: readonly Candle[] = bars;
  intervals: string[] = [];
  listSamples() {
    return [{ name: 's', coin: 'BTC', interval: '1h' as const, synthetic: true }];
  }
  async load(_ref: unknown, interval: string): Promise<LoadedCandles> {
    this.intervals.push(interval);
    return { sourceKey: 'sample:s', label: 's.csv', synthetic: true, bars: columnsFromCandles(this.candles) };
  }
}

class MemoryRepository implements SeriesRepository {
  readonly series = new Map<string, { info: SeriesInfo; bars: CandleColumns }>();
  saveSeries(info: SeriesInfo, bars: CandleColumns): void {
    this.series.set(info.seriesId, { info, bars });
  }
  listSeries(): SeriesInfo[] {
    return [...this.series.values()].map((s) => s.info);
  }
  getSeries(id: string): SeriesInfo | null {
    return this.series.get(id)?.info ?? null;
  }
  readCandles(id: string): CandleColumns {
    return this.series.get(id)?.bars ?? columnsFromCandles([]);
  }
}

async function setup(repository = new MemoryRepository(), source = new MemorySource()) {
  const kernel = new Kernel({ clock: new VirtualClock(99), mode: 'research' });
  kernel.register(new MarketData(source, repository));
  const events: unknown[] = [];
  kernel.bus.subscribe('CandlesLoaded', (e) => events.push(e.payload));
  await kernel.start();
  return { kernel, events, repository, source };
}

const LOAD = { source: { kind: 'sample', name: 's' }, coin: 'BTC', interval: '1h' } as const;

describe('MarketData', () => {
  it('loads, persists, announces and answers queries', async () => {
    const { kernel, events, repository, source } = await setup();
    const info = await kernel.execute('LoadCandles', LOAD);
    expect(info).toEqual({
      seriesId: 'sample:s:BTC:1h',
      source: 'sample:s',
      coin: 'BTC',
      interval: '1h',
      label: 's.csv',
      synthetic: true,
      count: 4,
      first: 0,
      last: 3 * HOUR,
    });
    expect(events).toEqual([{ ...info, at: 99 }]);
    expect(repository.getSeries(info.seriesId)).toEqual(info);
    expect(source.intervals).toEqual(['1h']);
    const { candles } = await kernel.execute('QueryCandles', { seriesId: info.seriesId, from: HOUR, limit: 2 });
    expect(candles.map((c) => c.time)).toEqual([2 * HOUR, 3 * HOUR]);
    await expect(kernel.execute('ListSamples', {})).resolves.toMatchObject({ samples: [{ name: 's' }] });
  });

  it('loads a series straight from the cache, without rewriting it', async () => {
    const repository = new MemoryRepository();
    const first = await setup(repository);
    const info = await first.kernel.execute('LoadCandles', LOAD);
    const saved = repository.series.get(info.seriesId);
    const again = await setup(repository);
    const cached = await again.kernel.execute('LoadCandles', {
      source: { kind: 'cache', source: 'sample:s' },
      coin: 'BTC',
      interval: '1h',
    });
    expect(cached).toEqual(info);
    expect(repository.series.get(info.seriesId)).toBe(saved);
    await expect(
      again.kernel.execute('LoadCandles', {
        source: { kind: 'cache', source: 'binance' },
        coin: 'BTC',
        interval: '1h',
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'the cache has no BTC 1h series from "binance"' });
  });

  it('restores a series from the repository after a restart', async () => {
    const repository = new MemoryRepository();
    const first = await setup(repository);
    const info = await first.kernel.execute('LoadCandles', LOAD);
    await first.kernel.stop();
    const second = await setup(repository);
    const { candles } = await second.kernel.execute('QueryCandles', { seriesId: info.seriesId });
    expect(candles).toEqual(bars);
  });

  it('refuses unknown series and unsorted data with clear errors, persisting nothing', async () => {
    const source = new MemorySource();
    source.candles = [bars[1] as Candle, bars[0] as Candle];
    const { kernel, repository, events } = await setup(new MemoryRepository(), source);
    await expect(kernel.execute('QueryCandles', { seriesId: 'nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'series "nope" is not loaded; load it first',
    });
    await expect(kernel.execute('LoadCandles', LOAD)).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringContaining('s.csv: candle 1'),
    });
    expect(repository.series.size).toBe(0);
    expect(events).toEqual([]);
  });
});
