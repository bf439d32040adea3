import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, LATEST_SCHEMA_VERSION } from '../../../src/adapters/sqlite/migrations.ts';
import { migrate, schemaVersion } from '../../../src/adapters/sqlite/migrator.ts';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { SqliteSeriesRepository } from '../../../src/adapters/sqlite/sqlite-series-repository.ts';
import { tempDir } from '../../helpers/paths.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function freshFile(): string {
  const tmp = tempDir();
  cleanups.push(tmp.remove);
  return join(tmp.dir, 'store.db');
}

function tables(db: BetterSqlite3.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[])
    .map((r) => r.name)
    .filter((n) => !n.startsWith('sqlite_'));
}

const INFO = {
  seriesId: 'sample:x:BTC:1h',
  coin: 'BTC',
  interval: '1h' as const,
  label: 'x.csv',
  synthetic: false,
  count: 2,
  first: 0,
  last: 3_600_000,
};
const BARS = [
  { time: 0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 },
  { time: 3_600_000, open: 1.5, high: 2, low: 1, close: 1.2, volume: 0 },
];

describe('store migrations', () => {
  it('are numbered 1..n without holes', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('build the newest schema from an empty file, in WAL mode', () => {
    const file = freshFile();
    const db = openDatabase(file);
    cleanups.push(() => db.close());
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(tables(db)).toEqual(['candles', 'journal', 'series']);
  });

  it.each(MIGRATIONS.slice(0, -1).map((m) => m.version))(
    'bring a store at version %i forward, keeping its data',
    (version) => {
      const file = freshFile();
      const old = new BetterSqlite3(file);
      expect(migrate(old, MIGRATIONS, version)).toEqual(MIGRATIONS.slice(0, version).map((m) => m.version));
      new SqliteSeriesRepository(old, () => 1).saveSeries(INFO, BARS);
      old.close();

      const db = openDatabase(file);
      cleanups.push(() => db.close());
      expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
      const repo = new SqliteSeriesRepository(db, () => 2);
      expect(repo.getSeries(INFO.seriesId)).toEqual(INFO);
      expect(repo.readCandles(INFO.seriesId)).toEqual(BARS);
    },
  );

  it('are idempotent: opening an up-to-date store applies nothing', () => {
    const file = freshFile();
    openDatabase(file).close();
    const db = new BetterSqlite3(file);
    cleanups.push(() => db.close());
    expect(migrate(db)).toEqual([]);
  });

  it('refuse a store written by a newer build', () => {
    const file = freshFile();
    const db = new BetterSqlite3(file);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openDatabase(file)).toThrow(/newer than this build knows/);
  });

  it('roll back a failing migration completely, leaving the previous version', () => {
    const file = freshFile();
    const db = new BetterSqlite3(file);
    cleanups.push(() => db.close());
    const broken = [
      ...MIGRATIONS,
      { version: MIGRATIONS.length + 1, name: 'broken', sql: 'CREATE TABLE t (a); SELECT nope FROM t;' },
    ];
    expect(() => migrate(db, broken)).toThrow(/no such column: nope/);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(tables(db)).not.toContain('t');
  });
});

describe('SqliteSeriesRepository', () => {
  it('replaces a series atomically and reads ranges in time order', () => {
    const db = openDatabase(':memory:');
    cleanups.push(() => db.close());
    const repo = new SqliteSeriesRepository(db, () => 1);
    repo.saveSeries(INFO, BARS);
    repo.saveSeries({ ...INFO, count: 1, last: 0 }, BARS.slice(0, 1));
    expect(repo.readCandles(INFO.seriesId)).toEqual(BARS.slice(0, 1));
    expect(repo.listSeries()).toEqual([{ ...INFO, count: 1, last: 0 }]);
    expect(repo.getSeries('missing')).toBeNull();

    const bad = [...BARS, { ...BARS[0]! }];
    expect(() => repo.saveSeries(INFO, bad)).toThrow(/UNIQUE/);
    // The failed save left the previous version intact.
    expect(repo.readCandles(INFO.seriesId)).toEqual(BARS.slice(0, 1));
    repo.saveSeries(INFO, BARS);
    expect(repo.readCandles(INFO.seriesId, { from: 1, to: 3_600_000 })).toEqual(BARS.slice(1));
  });

  it('refuses stored rows that are not valid, naming the series', () => {
    const db = openDatabase(':memory:');
    cleanups.push(() => db.close());
    const repo = new SqliteSeriesRepository(db, () => 1);
    repo.saveSeries(INFO, BARS);
    db.prepare("UPDATE series SET interval = '7m'").run();
    expect(() => repo.listSeries()).toThrow(/stored series sample:x:BTC:1h: interval/);
  });
});
