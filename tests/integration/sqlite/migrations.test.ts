import BetterSqlite3 from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../../src/adapters/sqlite/migrations.ts';
import { migrate, schemaVersion } from '../../../src/adapters/sqlite/migrator.ts';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { SettingsRepository, readSettings } from '../../../src/adapters/sqlite/settings-repository.ts';
import { SqliteCandleStore } from '../../../src/adapters/sqlite/sqlite-candle-store.ts';
import { columnsFromCandles, columnsToCandles } from '../../../src/engine/data/candle-columns.ts';
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

/** Tables and virtual tables, without SQLite's own and the shadow tables behind FTS5 indexes. */
function tables(db: BetterSqlite3.Database): string[] {
  return (
    db
      .prepare(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual') ORDER BY name",
      )
      .all() as { name: string }[]
  )
    .map((r) => r.name)
    .filter((n) => !n.startsWith('sqlite_'));
}

const BARS = [
  { time: 0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 },
  { time: 3_600_000, open: 1.5, high: 2, low: 1, close: 1.2, volume: 0 },
];

/** Writes a series the way versions 1 and 2 stored it: one row per bar. */
function writeRowsSchema(db: BetterSqlite3.Database): void {
  db.prepare(
    `INSERT INTO series (series_id, coin, interval, label, synthetic, bar_count, first_time, last_time, updated_at)
     VALUES ('sample:x:BTC:1h', 'BTC', '1h', 'x.csv', 1, 2, 0, 3600000, 5)`,
  ).run();
  const insert = db.prepare('INSERT INTO candles VALUES (?, ?, ?, ?, ?, ?, ?)');
  for (const b of BARS) insert.run('sample:x:BTC:1h', b.time, b.open, b.high, b.low, b.close, b.volume);
}

describe('store migrations', () => {
  it('are numbered 1..n without holes', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('build the newest schema from an empty file, in WAL mode', () => {
    const db = openDatabase(freshFile());
    cleanups.push(() => db.close());
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(tables(db)).toEqual([
      'candle_blocks',
      'candle_series',
      'chunks',
      'chunks_fts',
      'confidence_changes',
      'extractions',
      'journal',
      'keyframes',
      'rules',
      'rules_fts',
      'settings',
      'sources',
      'strategies',
      'strategy_rules',
      'tags',
    ]);
  });

  it.each(MIGRATIONS.slice(0, -1).map((m) => m.version))(
    'bring a store at version %i forward, keeping its data',
    (version) => {
      const file = freshFile();
      const old = new BetterSqlite3(file);
      migrate(old, MIGRATIONS, version);
      if (version < 3) writeRowsSchema(old);
      else
        new SqliteCandleStore(old, () => 5).upsert(
          { source: 'sample:x', coin: 'BTC', interval: '1h', label: 'x.csv', synthetic: true },
          columnsFromCandles(BARS),
        );
      old.close();

      const db = openDatabase(file);
      cleanups.push(() => db.close());
      expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
      const store = new SqliteCandleStore(db, () => 6);
      expect(store.getSeries('sample:x:BTC:1h')).toEqual({
        seriesId: 'sample:x:BTC:1h',
        source: 'sample:x',
        coin: 'BTC',
        interval: '1h',
        label: 'x.csv',
        synthetic: true,
        count: 2,
        first: 0,
        last: 3_600_000,
      });
      expect(columnsToCandles(store.readCandles('sample:x:BTC:1h'))).toEqual(BARS);
      // Settings never saved read as their defaults, and can be saved and read back.
      expect(readSettings(db).risk.riskPercent).toBe(2);
      const settings = readSettings(db);
      new SettingsRepository(db).write({ ...settings, network: { kind: 'mainnet' } }, 7);
      expect(readSettings(db).network).toEqual({ kind: 'mainnet' });
    },
  );

  it('keep settings stored at version 5 when later versions are applied', () => {
    const file = freshFile();
    const old = new BetterSqlite3(file);
    migrate(old, MIGRATIONS, 5);
    const repository = new SettingsRepository(old);
    repository.write({ ...repository.read().settings, accountAddress: `0x${'1'.repeat(40)}` }, 1);
    old.close();
    const db = openDatabase(file);
    cleanups.push(() => db.close());
    expect(readSettings(db).accountAddress).toBe(`0x${'1'.repeat(40)}`);
  });

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
    const db = new BetterSqlite3(freshFile());
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
