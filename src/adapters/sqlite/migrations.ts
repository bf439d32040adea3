import type { Database } from 'better-sqlite3';
import { migrateRowsToBlocks } from './migrations/v3-candle-blocks.ts';

/**
 * One forward-only schema step: SQL, or a function for steps SQL cannot express. Never edit
 * a released migration: add a new one.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql?: string;
  readonly up?: (db: Database) => void;
}

/**
 * The schema history, in order. `version` must be 1, 2, 3... with no holes; the migrator
 * checks it. Each runs in its own transaction together with the version bump.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'candle series',
    sql: `
      CREATE TABLE series (
        series_id  TEXT    PRIMARY KEY,
        coin       TEXT    NOT NULL,
        interval   TEXT    NOT NULL,
        label      TEXT    NOT NULL,
        synthetic  INTEGER NOT NULL CHECK (synthetic IN (0, 1)),
        bar_count  INTEGER NOT NULL CHECK (bar_count >= 0),
        first_time INTEGER,
        last_time  INTEGER,
        updated_at INTEGER NOT NULL
      );
      CREATE TABLE candles (
        series_id TEXT    NOT NULL REFERENCES series (series_id) ON DELETE CASCADE,
        open_time INTEGER NOT NULL,
        open      REAL    NOT NULL,
        high      REAL    NOT NULL,
        low       REAL    NOT NULL,
        close     REAL    NOT NULL,
        volume    REAL    NOT NULL,
        PRIMARY KEY (series_id, open_time)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: 'event journal',
    // Append-only record of engine events in paper and live modes: start-up rebuilds state
    // from it before reconciling with the venue.
    sql: `
      CREATE TABLE journal (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id  TEXT    NOT NULL,
        at      INTEGER NOT NULL,
        event   TEXT    NOT NULL,
        payload TEXT    NOT NULL CHECK (json_valid(payload))
      );
      CREATE INDEX journal_by_run ON journal (run_id, seq);
    `,
  },
  {
    version: 3,
    name: 'candle cache in blocks, keyed by source, coin and interval',
    up: migrateRowsToBlocks,
  },
];

/** Highest schema version this build knows. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;
