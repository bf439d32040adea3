import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeCsv } from '../../../src/adapters/candle-cache/export-candles.ts';
import { importCandles } from '../../../src/adapters/candle-cache/import-candles.ts';
import { inspectCandles } from '../../../src/adapters/candle-cache/inspect-candles.ts';
import { CandleFileReader } from '../../../src/adapters/files/candle-file-reader.ts';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { SqliteCandleStore } from '../../../src/adapters/sqlite/sqlite-candle-store.ts';
import { lowerBound } from '../../../src/engine/data/candle-columns.ts';
import { resample } from '../../../src/engine/data/resample.ts';
import type { Timeframe } from '../../../src/shared/values/timeframe.ts';
import { numericLines } from '../../helpers/candle-text.ts';
import { HAS_SHARED_DATA, sharedData, sharedDataFiles } from '../../helpers/shared-data.ts';

async function exportText(store: SqliteCandleStore, seriesId: string): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await writeCsv(store.iterate(seriesId), out);
  out.end();
  return Buffer.concat(chunks).toString('utf8');
}

describe.skipIf(!HAS_SHARED_DATA)('real market data (../shared/data)', () => {
  it.each(sharedDataFiles().map((f) => [f.file, f] as const))(
    'round-trips %s through the cache: import → export gives the same values',
    async (_name, f) => {
      const db = openDatabase(':memory:');
      try {
        const result = await importCandles(db, { file: f.path, coin: f.symbol, interval: f.interval, source: f.venue });
        const original = readFileSync(f.path, 'utf8');
        expect(result.rows).toBe(original.trim().split('\n').length - 1);
        const exported = await exportText(new SqliteCandleStore(db, Date.now), result.series.seriesId);
        expect(exported.split('\n')[0]).toBe(original.split('\n')[0]);
        expect(numericLines(exported)).toEqual(numericLines(original));
      } finally {
        db.close();
      }
    },
  );

  const CHAINS: [Timeframe, Timeframe][] = [
    ['1m', '5m'],
    ['5m', '1h'],
    ['1h', '4h'],
    ['4h', '1d'],
    ['1m', '3m'],
    ['5m', '15m'],
    ['15m', '30m'],
    ['1h', '2h'],
    ['4h', '8h'],
    ['4h', '12h'],
    ['1d', '1w'],
    ['1d', '1M'],
  ];
  const file = (symbol: string, tf: Timeframe) => sharedData(`${symbol}-USDT_${tf === '1M' ? '1mo' : tf}_binance.csv`);

  it.each(['BTC', 'ETH'].flatMap((symbol) => CHAINS.map(([from, to]) => [symbol, from, to] as const)))(
    'resamples %s %s bars to exactly the venue’s %s bars',
    async (symbol, from, to) => {
      const source = await new CandleFileReader(file(symbol, from), { interval: from }).readAll();
      const venue = await new CandleFileReader(file(symbol, to), { interval: to }).readAll();
      const ours = resample(source, from, to);
      let compared = 0;
      for (let i = 0; i < ours.length; i++) {
        const j = lowerBound(venue, ours.time[i]!);
        // The venue's last bar was still forming when it was recorded: not comparable.
        if (venue.time[j] !== ours.time[i] || j === venue.length - 1) continue;
        compared++;
        const at = new Date(ours.time[i]!).toISOString();
        expect([ours.open[i], ours.high[i], ours.low[i], ours.close[i]], at).toEqual([
          venue.open[j],
          venue.high[j],
          venue.low[j],
          venue.close[j],
        ]);
        // Volumes are sums of decimals in binary floating point: equal to the last few ulps.
        expect(ours.volume[i]!, at).toBeCloseTo(venue.volume[j]!, 6);
      }
      // Every complete bucket the data covers was compared (the chains from the data README).
      expect(compared).toBeGreaterThanOrEqual(Math.min(ours.length - 1, 8));
    },
  );

  it('inspect reports the single gap in the 4h Binance files (a trading halt)', async () => {
    for (const symbol of ['BTC', 'ETH']) {
      const report = await inspectCandles(file(symbol, '4h'));
      expect(report).toMatchObject({
        rows: 1000,
        interval: '4h',
        missingBars: 7,
        gaps: [{ from: Date.UTC(2018, 1, 8, 4), to: Date.UTC(2018, 1, 9, 4), bars: 7 }],
      });
    }
  });

  it('inspect reports the missing bars the data README lists', async () => {
    const expected: Record<string, number> = {
      'BTC-USD-PERP_1m_binance-coinm.csv': 1,
      'BTC-USDT_12h_binance.csv': 1,
      'BTC-USDT_8h_binance.csv': 3,
      'BTC-USDT_1m_unstated.csv': 66_240,
      'BTC-USD_1h_bitfinex.csv': 9,
      'BTC-USD_1m_coinbase.csv': 775_257,
      'BTC-PERP_1m_ftx.csv': 0,
    };
    for (const [name, missing] of Object.entries(expected)) {
      expect((await inspectCandles(sharedData(name))).missingBars, name).toBe(missing);
    }
  });
});
