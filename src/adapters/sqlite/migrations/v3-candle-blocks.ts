import type { Database } from 'better-sqlite3';
import { allocateColumns, writeBar } from '../../../engine/data/candle-columns.ts';
import { BLOCK_SIZE, encodeBlock } from '../candle-blocks.ts';

/**
 * Version 3: one row per bar becomes one row per block of bars (see candle-blocks.ts), and a
 * series is keyed by (source, coin, interval). Existing series and bars are carried over.
 */
export function migrateRowsToBlocks(db: Database): void {
  db.exec(`
    CREATE TABLE candle_series (
      id         INTEGER PRIMARY KEY,
      series_id  TEXT    NOT NULL UNIQUE,
      source     TEXT    NOT NULL,
      coin       TEXT    NOT NULL,
      interval   TEXT    NOT NULL,
      label      TEXT    NOT NULL,
      synthetic  INTEGER NOT NULL CHECK (synthetic IN (0, 1)),
      bar_count  INTEGER NOT NULL DEFAULT 0 CHECK (bar_count >= 0),
      first_time INTEGER,
      last_time  INTEGER,
      updated_at INTEGER NOT NULL,
      UNIQUE (source, coin, interval)
    );
    CREATE TABLE candle_blocks (
      id         INTEGER PRIMARY KEY,
      series     INTEGER NOT NULL REFERENCES candle_series (id) ON DELETE CASCADE,
      first_time INTEGER NOT NULL,
      last_time  INTEGER NOT NULL CHECK (last_time >= first_time),
      bar_count  INTEGER NOT NULL CHECK (bar_count > 0),
      data       BLOB    NOT NULL CHECK (length(data) = bar_count * 48)
    );
    -- Covering indexes: finding blocks and summing bars never touches the blobs.
    CREATE UNIQUE INDEX candle_blocks_span ON candle_blocks (series, first_time, last_time, bar_count);
    CREATE INDEX candle_blocks_by_last ON candle_blocks (series, last_time, first_time, bar_count);
  `);
  const series = db.prepare('SELECT * FROM series').all() as {
    series_id: string;
    coin: string;
    interval: string;
    label: string;
    synthetic: number;
    updated_at: number;
  }[];
  const insertSeries = db.prepare(`
    INSERT INTO candle_series (series_id, source, coin, interval, label, synthetic, bar_count, first_time, last_time, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertBlock = db.prepare(
    'INSERT INTO candle_blocks (series, first_time, last_time, bar_count, data) VALUES (?, ?, ?, ?, ?)',
  );
  const bars = db.prepare(
    'SELECT open_time, open, high, low, close, volume FROM candles WHERE series_id = ? ORDER BY open_time',
  );
  for (const s of series) {
    const rows = bars.raw(true).all(s.series_id) as number[][];
    const suffix = `:${s.coin}:${s.interval}`;
    const source = s.series_id.endsWith(suffix) ? s.series_id.slice(0, -suffix.length) : s.series_id;
    const first = rows[0]?.[0] ?? null;
    const last = rows.at(-1)?.[0] ?? null;
    const { lastInsertRowid } = insertSeries.run(
      s.series_id,
      source,
      s.coin,
      s.interval,
      s.label,
      s.synthetic,
      rows.length,
      first,
      last,
      s.updated_at,
    );
    for (let start = 0; start < rows.length; start += BLOCK_SIZE) {
      const chunk = rows.slice(start, start + BLOCK_SIZE);
      const columns = allocateColumns(chunk.length);
      chunk.forEach((r, i) => writeBar(columns, i, r[0]!, r[1]!, r[2]!, r[3]!, r[4]!, r[5]!));
      insertBlock.run(lastInsertRowid, chunk[0]![0], chunk.at(-1)![0], chunk.length, encodeBlock(columns));
    }
  }
  db.exec('DROP TABLE candles; DROP TABLE series;');
}
