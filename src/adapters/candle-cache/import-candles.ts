import type { Database } from 'better-sqlite3';
import { basename } from 'node:path';
import type { SeriesInfo } from '../../shared/contract/series.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';
import { CandleFileReader, type CandleFileSource, type ReadProgress } from '../files/candle-file-reader.ts';
import type { CandleFileKind } from '../files/candle-file-layout.ts';
import { SqliteCandleStore } from '../sqlite/sqlite-candle-store.ts';

/** What to import and how. */
export interface ImportOptions {
  readonly file: CandleFileSource;
  readonly coin: string;
  readonly interval: Timeframe;
  /** Where the data comes from (`binance`, `tradingview`…); `import` when not said. */
  readonly source?: string | undefined;
  /** Import the good rows and report each bad one, instead of refusing the file. */
  readonly skipBad?: boolean | undefined;
  readonly onSkip?: ((line: number, reason: string, unit: 'line' | 'entry') => void) | undefined;
  readonly onProgress?: ((progress: ReadProgress) => void) | undefined;
  readonly now?: (() => number) | undefined;
}

/** What an import did. */
export interface ImportResult {
  readonly series: SeriesInfo;
  readonly format: CandleFileKind | null;
  readonly rows: number;
  readonly skipped: number;
  readonly volumeMissing: boolean;
}

/**
 * Streams a candle file into the cache in one transaction: the whole file lands, merged into
 * the series (a bar time already cached is replaced), or nothing does. Memory stays bounded
 * by the batch size whatever the file size.
 *
 * The transaction holds the database's write lock for the duration of the import; other
 * writers wait (up to the busy timeout) until it ends.
 */
export async function importCandles(db: Database, options: ImportOptions): Promise<ImportResult> {
  const name = typeof options.file === 'string' ? basename(options.file) : 'input';
  const reader = new CandleFileReader(options.file, {
    name,
    interval: options.interval,
    skipBad: options.skipBad,
    onSkip: options.onSkip,
    onProgress: options.onProgress,
  });
  const store = new SqliteCandleStore(db, options.now ?? Date.now);
  const meta = { source: options.source ?? 'import', coin: options.coin, interval: options.interval, label: name };
  db.exec('BEGIN IMMEDIATE');
  try {
    let series: SeriesInfo | null = null;
    for await (const batch of reader.batches()) series = store.upsert(meta, batch);
    db.exec('COMMIT');
    if (!series) throw new Error('import produced no series');
    return {
      series,
      format: reader.format,
      rows: reader.rows,
      skipped: reader.skipped,
      volumeMissing: reader.volumeMissing,
    };
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}
