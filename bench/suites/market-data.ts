/**
 * Market data targets of the data issue: import of a 1,000,000-row CSV (< 2 s, bounded
 * memory), resampling 1M one-minute bars to 5m, 1h and 4h (< 100 ms), and reading 1M cached
 * bars into columns (< 500 ms); each against a simpler way of doing the same work.
 */
import BetterSqlite3 from 'better-sqlite3';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importCandles } from '../../src/adapters/candle-cache/import-candles.ts';
import { SyntheticMinutes } from '../../src/adapters/hl-sim/synthetic-minutes.ts';
import { openDatabase } from '../../src/adapters/sqlite/open-database.ts';
import { SqliteCandleStore } from '../../src/adapters/sqlite/sqlite-candle-store.ts';
import type { CandleColumns } from '../../src/engine/data/candle-columns.ts';
import { resample } from '../../src/engine/data/resample.ts';
import { bucketStart } from '../../src/engine/data/time-grid.ts';
import type { Timeframe } from '../../src/shared/values/timeframe.ts';
import { measure, summarize, withPeakRss, type BenchRow } from '../stats.ts';

const ROWS = 1_000_000;
const MIN = 60_000;
const FTX = fileURLToPath(new URL('../../../shared/data/BTC-PERP_1m_ftx.csv', import.meta.url));

/**
 * Writes a 1,000,000-row 1m CSV: the real FTX perpetual file repeated end to end (shifted in
 * time) when the shared data is there, a seeded synthetic walk otherwise.
 */
async function writeMillionRowCsv(path: string): Promise<string> {
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('time,open,high,low,close,volume\n');
  let origin: string;
  if (existsSync(FTX)) {
    origin = 'BTC-PERP_1m_ftx.csv repeated';
    const rows = readFileSync(FTX, 'utf8').trim().split('\n').slice(1);
    const first = Number(rows[0]?.split(',')[0]);
    const span = rows.length * 60;
    for (let i = 0, copy = 0; i < ROWS; copy++) {
      let chunk = '';
      for (let j = 0; j < rows.length && i < ROWS; j++, i++) {
        const row = rows[j] as string;
        const comma = row.indexOf(',');
        chunk += `${first + copy * span + j * 60}${row.slice(comma)}\n`;
      }
      await write(chunk);
    }
  } else {
    origin = 'synthetic walk (shared data absent)';
    const walk = new SyntheticMinutes(7, 40_000);
    for (let i = 0; i < ROWS; i += 10_000) {
      const bars = walk.next(1_600_000_000_000 + i * MIN, 10_000);
      let chunk = '';
      for (let k = 0; k < bars.length; k++) {
        chunk += `${bars.time[k]! / 1000},${bars.open[k]},${bars.high[k]},${bars.low[k]},${bars.close[k]},${bars.volume[k]}\n`;
      }
      await write(chunk);
    }
  }
  out.end();
  await once(out, 'finish');
  return origin;
}

/** The straightforward way to resample: one object per bar, a Map of buckets. */
function naiveResample(columns: CandleColumns, to: Timeframe) {
  const buckets = new Map<number, { open: number; high: number; low: number; close: number; volume: number }>();
  for (let i = 0; i < columns.length; i++) {
    const bar = {
      time: columns.time[i]!,
      open: columns.open[i]!,
      high: columns.high[i]!,
      low: columns.low[i]!,
      close: columns.close[i]!,
      volume: columns.volume[i]!,
    };
    const key = bucketStart(bar.time, to);
    const b = buckets.get(key);
    if (!b) buckets.set(key, { open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume });
    else {
      b.high = Math.max(b.high, bar.high);
      b.low = Math.min(b.low, bar.low);
      b.close = bar.close;
      b.volume += bar.volume;
    }
  }
  return buckets.size;
}

/** Runs the market data suite. */
export async function marketDataSuite(): Promise<BenchRow[]> {
  const suite = 'market-data';
  const dir = mkdtempSync(join(tmpdir(), 'hyperdesk-bench-data-'));
  const rows: BenchRow[] = [];
  try {
    const csv = join(dir, 'million.csv');
    const origin = await writeMillionRowCsv(csv);

    // Import: the whole pipeline (stream, detect, validate, merge into blocks, one transaction).
    const importTimes: number[] = [];
    let peak = 0;
    let seriesId = '';
    for (let run = 0; run < 3; run++) {
      const db = openDatabase(join(dir, `import-${run}.db`));
      const started = performance.now();
      const { result, peakGrowth } = await withPeakRss(() =>
        importCandles(db, { file: csv, coin: 'BTC', interval: '1m' }),
      );
      importTimes.push(performance.now() - started);
      peak = Math.max(peak, peakGrowth);
      seriesId = result.series.seriesId;
      db.close();
    }
    // Reference: reading the same file and splitting every line, with no parsing or storage.
    const splitRef = await measure(
      async () => {
        let lines = 0;
        const { createReadStream } = await import('node:fs');
        for await (const chunk of createReadStream(csv, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
          lines += (chunk as string).split('\n').length;
        }
        return lines;
      },
      3,
      1,
    );
    rows.push({
      suite,
      name: `import 1,000,000-row CSV into the cache (${origin})`,
      subject: summarize(importTimes),
      referenceName: 'read and split the file, nothing else',
      reference: splitRef,
      targetMs: 2000,
      notes: `peak RSS growth ${(peak / 1024 / 1024).toFixed(0)} MB for a ${(readFileSync(csv).length / 1024 / 1024).toFixed(0)} MB file`,
    });

    // Read 1M cached bars into columns.
    const db = openDatabase(join(dir, 'import-0.db'));
    const store = new SqliteCandleStore(db, Date.now);
    let columns: CandleColumns = store.readCandles(seriesId);
    const readBlocks = await measure(
      () => {
        columns = store.readCandles(seriesId);
      },
      10,
      2,
    );
    // Reference: the same bars stored one row per bar, read into columns row by row.
    const rowsDb = new BetterSqlite3(join(dir, 'rows.db'));
    rowsDb.exec('CREATE TABLE bars (t INTEGER PRIMARY KEY, o REAL, h REAL, l REAL, c REAL, v REAL)');
    const insert = rowsDb.prepare('INSERT INTO bars VALUES (?, ?, ?, ?, ?, ?)');
    rowsDb.transaction(() => {
      for (let i = 0; i < columns.length; i++) {
        insert.run(
          columns.time[i],
          columns.open[i],
          columns.high[i],
          columns.low[i],
          columns.close[i],
          columns.volume[i],
        );
      }
    })();
    const select = rowsDb.prepare('SELECT t, o, h, l, c, v FROM bars ORDER BY t').raw(true);
    const readRows = await measure(
      () => {
        const n = columns.length;
        const t = new Float64Array(n);
        const c = new Float64Array(n);
        let i = 0;
        for (const r of select.iterate() as IterableIterator<number[]>) {
          t[i] = r[0]!;
          c[i++] = r[4]!;
        }
        return i;
      },
      3,
      1,
    );
    rowsDb.close();
    rows.push({
      suite,
      name: `read ${columns.length.toLocaleString()} cached bars into columns`,
      subject: readBlocks,
      referenceName: 'same bars stored one row per bar, read row by row',
      reference: readRows,
      targetMs: 500,
    });

    // Resample 1M one-minute bars to 5m, 1h and 4h.
    const targets: Timeframe[] = ['5m', '1h', '4h'];
    const resampleAll = await measure(
      () => {
        for (const to of targets) resample(columns, '1m', to);
      },
      20,
      3,
    );
    const naiveAll = await measure(
      () => {
        for (const to of targets) naiveResample(columns, to);
      },
      3,
      1,
    );
    rows.push({
      suite,
      name: `resample ${columns.length.toLocaleString()} 1m bars to 5m, 1h and 4h`,
      subject: resampleAll,
      referenceName: 'objects per bar and a Map of buckets',
      reference: naiveAll,
      targetMs: 100,
    });
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
