import { closeSync, openSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importCandles } from '../../../src/adapters/candle-cache/import-candles.ts';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { SqliteCandleStore } from '../../../src/adapters/sqlite/sqlite-candle-store.ts';
import { tempDir } from '../../helpers/paths.ts';

const tmp = tempDir();
afterAll(() => tmp.remove());

const HEADER = 'time,open,high,low,close,volume';
const GOOD_ROWS = Array.from({ length: 20_000 }, (_, i) => `${1_700_000_040 + i * 60},10,12,9,11,5`);

function file(name: string, text: string): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, text);
  return path;
}

let stores = 0;

/**
 * A store that already holds 10 bars of the series the import merges into, with prices the
 * import would replace: a failed import must leave them exactly as they were.
 */
async function storeWithExisting() {
  const db = openDatabase(join(tmp.dir, `store-${stores++}.db`));
  const store = new SqliteCandleStore(db, Date.now);
  await importCandles(db, {
    file: file(
      `existing-${stores}.csv`,
      [HEADER, ...GOOD_ROWS.slice(0, 10).map((r) => r.replace(',10,12,', ',10.5,12,'))].join('\n'),
    ),
    coin: 'BTC',
    interval: '1m',
  });
  const before =
    JSON.stringify(store.listSeries()) + JSON.stringify(Array.from(store.readCandles('import:BTC:1m').open));
  const unchanged = () =>
    JSON.stringify(store.listSeries()) + JSON.stringify(Array.from(store.readCandles('import:BTC:1m').open)) === before;
  return { db, store, unchanged };
}

describe('import refuses bad files with a clear error and writes nothing', () => {
  // The bad row comes after 20,000 good ones: more than a batch, so some were already
  // written inside the transaction when the error is found.
  it.each([
    ['truncated row', '1701200040,10,12'],
    ['wrong column count', '1701200040,10,12,9,11,5,7'],
    ['NaN', '1701200040,10,NaN,9,11,5'],
    ['negative price', '1701200040,-10,12,9,11,5'],
    ['high below low', '1701200040,10,8,9,11,5'],
    ['duplicate time', GOOD_ROWS.at(-1) ?? ''],
    ['unsorted', GOOD_ROWS[0] ?? ''],
    ['wrong interval spacing', '1701200050,10,12,9,11,5'],
  ])('%s', async (name, badRow) => {
    const path = file(`${name.replaceAll(' ', '-')}.csv`, [HEADER, ...GOOD_ROWS, badRow].join('\n'));
    const { db, unchanged } = await storeWithExisting();
    try {
      await expect(importCandles(db, { file: path, coin: 'BTC', interval: '1m' })).rejects.toThrow(
        new RegExp(`line ${GOOD_ROWS.length + 2}: `),
      );
      expect(unchanged()).toBe(true);
      expect(db.inTransaction).toBe(false);
    } finally {
      db.close();
    }
  });

  it('an empty file', async () => {
    const { db, unchanged } = await storeWithExisting();
    try {
      await expect(importCandles(db, { file: file('empty.csv', ''), coin: 'BTC', interval: '1m' })).rejects.toThrow(
        'empty.csv: the file is empty',
      );
      expect(unchanged()).toBe(true);
    } finally {
      db.close();
    }
  });

  it('a missing file', async () => {
    const { db } = await storeWithExisting();
    try {
      await expect(importCandles(db, { file: join(tmp.dir, 'nope.csv'), coin: 'BTC', interval: '1m' })).rejects.toThrow(
        'nope.csv: the file does not exist',
      );
    } finally {
      db.close();
    }
  });

  it('a 2 GB file is streamed, not loaded: it fails at its first bad line, fast and in little memory', async () => {
    // Good rows, then 2 GB of zero bytes (a sparse file: no disk is used).
    const path = join(tmp.dir, 'huge.csv');
    const fd = openSync(path, 'w');
    writeSync(fd, [HEADER, ...GOOD_ROWS.slice(0, 1000), ''].join('\n'));
    ftruncateSync(fd, 2 * 1024 ** 3);
    closeSync(fd);
    const { db, unchanged } = await storeWithExisting();
    const rssBefore = process.memoryUsage().rss;
    const started = Date.now();
    try {
      await expect(importCandles(db, { file: path, coin: 'BTC', interval: '1m' })).rejects.toThrow(
        /huge.csv: line 1002 is longer than 65536 characters: this is not a candle file/,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 ** 2);
      expect(unchanged()).toBe(true);
    } finally {
      db.close();
    }
  });
});

describe('import merges into what is cached', () => {
  it('replaces overlapping bars and keeps the rest; --skip-bad imports the good rows', async () => {
    const db = openDatabase(join(tmp.dir, 'merge.db'));
    const store = new SqliteCandleStore(db, Date.now);
    try {
      await importCandles(db, {
        file: file('a.csv', [HEADER, ...GOOD_ROWS.slice(0, 100)].join('\n')),
        coin: 'BTC',
        interval: '1m',
      });
      const skipped: number[] = [];
      const second = [HEADER, ...GOOD_ROWS.slice(50, 150).map((r) => r.replace(',10,12,', ',11,12,')), 'junk'].join(
        '\n',
      );
      const result = await importCandles(db, {
        file: file('b.csv', second),
        coin: 'BTC',
        interval: '1m',
        skipBad: true,
        onSkip: (line) => skipped.push(line),
      });
      expect(skipped).toEqual([102]);
      expect(result).toMatchObject({ rows: 100, skipped: 1, series: { count: 150 } });
      const bars = store.readCandles(result.series.seriesId);
      expect(bars.open[49]).toBe(10);
      expect(bars.open[50]).toBe(11);
    } finally {
      db.close();
    }
  });
});
