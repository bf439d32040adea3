import { afterEach, describe, expect, it } from 'vitest';
import { BLOCK_SIZE } from '../../../src/adapters/sqlite/candle-blocks.ts';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { SqliteCandleStore, type SeriesMeta } from '../../../src/adapters/sqlite/sqlite-candle-store.ts';
import { CandleColumnsBuilder, type CandleColumns } from '../../../src/engine/data/candle-columns.ts';

const MIN = 60_000;
const META: SeriesMeta = { source: 'binance', coin: 'BTC', interval: '1m', label: 'btc.csv' };
const ID = 'binance:BTC:1m';

/** Minute bars for minutes [from, to), priced so that each bar says which write it came from. */
function bars(from: number, to: number, tag = 1): CandleColumns {
  const b = new CandleColumnsBuilder();
  for (let m = from; m < to; m++) b.push(m * MIN, tag, tag + 1, tag - 0.5, tag, m);
  return b.view();
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function store() {
  const db = openDatabase(':memory:');
  cleanups.push(() => db.close());
  let clock = 1000;
  return { db, store: new SqliteCandleStore(db, () => clock++) };
}

function blockCounts(db: ReturnType<typeof openDatabase>): number[] {
  return (db.prepare('SELECT bar_count FROM candle_blocks ORDER BY first_time').all() as { bar_count: number }[]).map(
    (r) => r.bar_count,
  );
}

describe('SqliteCandleStore', () => {
  it('creates a series on first write and reports its span', () => {
    const { store: s } = store();
    const info = s.upsert(META, bars(0, 10));
    expect(info).toEqual({
      seriesId: ID,
      source: 'binance',
      coin: 'BTC',
      interval: '1m',
      label: 'btc.csv',
      synthetic: false,
      count: 10,
      first: 0,
      last: 9 * MIN,
    });
    expect(s.findSeries(META)).toEqual(info);
    expect(s.listSeries()).toEqual([info]);
  });

  it('deduplicates: overlapping writes keep one bar per time, the newest write winning', () => {
    const { store: s } = store();
    s.upsert(META, bars(0, 100, 1));
    const info = s.upsert(META, bars(50, 150, 2));
    expect(info.count).toBe(150);
    const all = s.readCandles(ID);
    expect(Array.from(all.time)).toEqual(Array.from({ length: 150 }, (_, m) => m * MIN));
    expect(all.open[49]).toBe(1);
    expect(all.open[50]).toBe(2);
    expect(all.open[149]).toBe(2);
  });

  it('splits large series into full blocks and tops up the last one on appends', () => {
    const { db, store: s } = store();
    s.upsert(META, bars(0, BLOCK_SIZE + 10));
    expect(blockCounts(db)).toEqual([BLOCK_SIZE, 10]);
    for (let m = BLOCK_SIZE + 10; m < BLOCK_SIZE + 20; m++) s.upsert(META, bars(m, m + 1));
    expect(blockCounts(db)).toEqual([BLOCK_SIZE, 20]);
    s.upsert(META, bars(5, 6, 9)); // a correction inside the first block
    expect(blockCounts(db)).toEqual([BLOCK_SIZE, 20]);
    expect(s.readCandles(ID).open[5]).toBe(9);
  });

  it('reads inclusive time ranges across block boundaries', () => {
    const { store: s } = store();
    s.upsert(META, bars(0, 3 * BLOCK_SIZE));
    const range = s.readCandles(ID, { from: (BLOCK_SIZE - 2) * MIN, to: (2 * BLOCK_SIZE + 1) * MIN });
    expect(range.length).toBe(BLOCK_SIZE + 4);
    expect(range.time[0]).toBe((BLOCK_SIZE - 2) * MIN);
    expect(range.time[range.length - 1]).toBe((2 * BLOCK_SIZE + 1) * MIN);
    expect(s.readCandles(ID, { from: 10 * BLOCK_SIZE * MIN }).length).toBe(0);
    expect(s.readCandles('nope').length).toBe(0);
  });

  it('iterates a series block by block for exports', () => {
    const { store: s } = store();
    s.upsert(META, bars(0, 2 * BLOCK_SIZE + 1));
    expect([...s.iterate(ID)].map((b) => b.length)).toEqual([BLOCK_SIZE, BLOCK_SIZE, 1]);
    expect(() => [...s.iterate('nope')]).toThrow(/no cached series "nope"/);
  });

  it('keeps series apart by source, coin and interval', () => {
    const { store: s } = store();
    s.upsert(META, bars(0, 5));
    s.upsert({ ...META, source: 'hyperliquid' }, bars(0, 7));
    s.upsert({ ...META, interval: '5m' }, fiveMinute());
    expect(s.listSeries().map((i) => [i.seriesId, i.count])).toEqual([
      ['binance:BTC:1m', 5],
      ['hyperliquid:BTC:1m', 7],
      ['binance:BTC:5m', 3],
    ]);
  });

  it('replaces a whole series atomically with saveSeries', () => {
    const { store: s } = store();
    const info = s.upsert(META, bars(0, 100));
    s.saveSeries({ ...info, label: 'v2' }, bars(10, 20, 3));
    expect(s.getSeries(ID)).toMatchObject({ label: 'v2', count: 10, first: 10 * MIN });
  });

  it('leaves nothing behind when the surrounding transaction fails', () => {
    const { store: s } = store();
    s.upsert(META, bars(0, 10, 1));
    expect(() =>
      s.transaction(() => {
        s.upsert(META, bars(0, 20, 2));
        s.upsert({ ...META, coin: 'ETH' }, bars(0, 5));
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(s.listSeries().map((i) => i.seriesId)).toEqual([ID]);
    expect(s.readCandles(ID).length).toBe(10);
    expect(s.readCandles(ID).open[0]).toBe(1);
  });

  it('deletes a series with its bars', () => {
    const { db, store: s } = store();
    s.upsert(META, bars(0, 10));
    expect(s.deleteSeries(ID)).toBe(true);
    expect(s.deleteSeries(ID)).toBe(false);
    expect(blockCounts(db)).toEqual([]);
  });
});

function fiveMinute(): CandleColumns {
  const b = new CandleColumnsBuilder();
  for (let i = 0; i < 3; i++) b.push(i * 5 * MIN, 1, 2, 0.5, 1, 1);
  return b.view();
}

describe('SqliteCandleStore across connections', () => {
  it('reads a consistent snapshot while another connection rewrites the blocks', async () => {
    const { tempDir } = await import('../../helpers/paths.ts');
    const tmp = tempDir();
    cleanups.push(tmp.remove);
    const file = `${tmp.dir}/shared.db`;
    const writerDb = openDatabase(file);
    const readerDb = openDatabase(file);
    cleanups.push(
      () => writerDb.close(),
      () => readerDb.close(),
    );
    const writer = new SqliteCandleStore(writerDb, Date.now);
    const reader = new SqliteCandleStore(readerDb, Date.now);
    writer.upsert(META, bars(0, 3 * BLOCK_SIZE + 10));
    // An export iterating block by block while a recorder keeps appending bar by bar.
    const seen: number[] = [];
    let appended = 3 * BLOCK_SIZE + 10;
    for (const block of reader.iterate(ID)) {
      seen.push(block.length);
      writer.upsert(META, bars(appended, appended + 1));
      appended++;
    }
    expect(seen).toEqual([BLOCK_SIZE, BLOCK_SIZE, BLOCK_SIZE, 10]);
    expect(reader.readCandles(ID).length).toBe(appended);
  });
});
