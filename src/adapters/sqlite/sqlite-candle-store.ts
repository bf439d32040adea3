import type { Database, Statement } from 'better-sqlite3';
import { EMPTY_COLUMNS, lowerBound, sliceColumns, type CandleColumns } from '../../engine/data/candle-columns.ts';
import type { SeriesRepository, TimeRange } from '../../engine/ports.ts';
import { NotFoundError } from '../../shared/contract/errors.ts';
import { SeriesInfoSchema, seriesIdOf, type SeriesInfo } from '../../shared/contract/series.ts';
import { parseOrThrow } from '../../shared/contract/validation.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';
import { BLOCK_SIZE, decodeBlocks, encodeBlock, mergeColumns } from './candle-blocks.ts';

/** What identifies a cached series: where the bars come from, the market and the interval. */
export interface SeriesKey {
  /** `hyperliquid`, `binance`, `import`, `sample:<name>`, `file:<hash>`… */
  readonly source: string;
  readonly coin: string;
  readonly interval: Timeframe;
}

/** A series' key plus how to show it. */
export interface SeriesMeta extends SeriesKey {
  readonly label: string;
  readonly synthetic?: boolean;
}

interface SeriesRow {
  id: number;
  series_id: string;
  source: string;
  coin: string;
  interval: string;
  label: string;
  synthetic: number;
  bar_count: number;
  first_time: number | null;
  last_time: number | null;
}

/** Where a block is and how many bars it holds; its data is fetched separately. */
interface BlockRow {
  id: number;
  bar_count: number;
}

/**
 * The candle cache on SQLite. Each series (source, coin, interval) is stored as blocks of up
 * to {@link BLOCK_SIZE} bars (see candle-blocks.ts); writes merge into existing blocks so a
 * bar time is stored once (the newest write wins), and every write is one transaction, so a
 * failure leaves the previous state. Also the engine's {@link SeriesRepository}.
 */
export class SqliteCandleStore implements SeriesRepository {
  private readonly db: Database;
  private readonly now: () => number;
  private readonly statements: {
    findSeries: Statement;
    seriesById: Statement;
    findSeriesByKey: Statement;
    allSeries: Statement;
    insertSeries: Statement;
    relabel: Statement;
    overlapping: Statement;
    previousBlock: Statement;
    blockData: Statement;
    deleteBlock: Statement;
    deleteAllBlocks: Statement;
    insertBlock: Statement;
    refreshStats: Statement;
    deleteSeries: Statement;
  };

  constructor(db: Database, now: () => number) {
    this.db = db;
    this.now = now;
    this.statements = {
      findSeries: db.prepare('SELECT * FROM candle_series WHERE series_id = ?'),
      seriesById: db.prepare('SELECT * FROM candle_series WHERE id = ?'),
      findSeriesByKey: db.prepare('SELECT * FROM candle_series WHERE source = ? AND coin = ? AND interval = ?'),
      allSeries: db.prepare('SELECT * FROM candle_series ORDER BY coin, interval, source'),
      insertSeries: db.prepare(`
        INSERT INTO candle_series (series_id, source, coin, interval, label, synthetic, updated_at)
        VALUES (@seriesId, @source, @coin, @interval, @label, @synthetic, @now)`),
      relabel: db.prepare('UPDATE candle_series SET label = ?, synthetic = ? WHERE id = ?'),
      // Both answered from covering indexes: the blobs are read only for the blocks needed.
      overlapping: db.prepare(`
        SELECT id, bar_count FROM candle_blocks
        WHERE series = ? AND first_time <= @to AND last_time >= @from ORDER BY first_time`),
      previousBlock: db.prepare(`
        SELECT id, bar_count FROM candle_blocks
        WHERE series = ? AND last_time < ? ORDER BY last_time DESC LIMIT 1`),
      blockData: db.prepare('SELECT data FROM candle_blocks WHERE id = ?').pluck(true),
      deleteBlock: db.prepare('DELETE FROM candle_blocks WHERE id = ?'),
      deleteAllBlocks: db.prepare('DELETE FROM candle_blocks WHERE series = ?'),
      insertBlock: db.prepare(
        'INSERT INTO candle_blocks (series, first_time, last_time, bar_count, data) VALUES (?, ?, ?, ?, ?)',
      ),
      refreshStats: db.prepare(`
        UPDATE candle_series SET
          bar_count  = (SELECT COALESCE(SUM(bar_count), 0) FROM candle_blocks WHERE series = @id),
          first_time = (SELECT MIN(first_time) FROM candle_blocks WHERE series = @id),
          last_time  = (SELECT MAX(last_time) FROM candle_blocks WHERE series = @id),
          updated_at = @now
        WHERE id = @id`),
      deleteSeries: db.prepare('DELETE FROM candle_series WHERE id = ?'),
    };
  }

  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * Merges bars into a series, creating it when needed. `bars` must be ascending and
   * duplicate-free (readers guarantee it); bars at times already stored replace them.
   */
  upsert(meta: SeriesMeta, bars: CandleColumns): SeriesInfo {
    return this.transaction(() => {
      const row = this.ensure(meta);
      this.mergeInto(row.id, bars);
      this.statements.refreshStats.run({ id: row.id, now: Math.trunc(this.now()) });
      return this.info(row.id);
    });
  }

  /** Replaces every bar of a series (engine port). */
  saveSeries(info: SeriesInfo, bars: CandleColumns): void {
    this.transaction(() => {
      const row = this.ensure(info);
      this.statements.deleteAllBlocks.run(row.id);
      this.writeBlocks(row.id, bars);
      this.statements.refreshStats.run({ id: row.id, now: Math.trunc(this.now()) });
    });
  }

  /** Every stored series. */
  listSeries(): SeriesInfo[] {
    return (this.statements.allSeries.all() as SeriesRow[]).map(toInfo);
  }

  /** A series by its public id, or null. */
  getSeries(seriesId: string): SeriesInfo | null {
    const row = this.statements.findSeries.get(seriesId) as SeriesRow | undefined;
    return row ? toInfo(row) : null;
  }

  /** A series by key, or null. */
  findSeries(key: SeriesKey): SeriesInfo | null {
    const row = this.statements.findSeriesByKey.get(key.source, key.coin, key.interval) as SeriesRow | undefined;
    return row ? toInfo(row) : null;
  }

  /** Bars of a series in `range` (inclusive open times), ascending. */
  readCandles(seriesId: string, range: TimeRange = {}): CandleColumns {
    // One read transaction: the block list and the blocks come from the same snapshot even
    // while another connection (a recorder, an import) rewrites blocks.
    return this.transaction(() => {
      const row = this.statements.findSeries.get(seriesId) as SeriesRow | undefined;
      if (!row) return EMPTY_COLUMNS;
      const from = range.from ?? Number.MIN_SAFE_INTEGER;
      const to = range.to ?? Number.MAX_SAFE_INTEGER;
      const all = this.decode(this.overlapping(row.id, from, to));
      return sliceColumns(all, lowerBound(all, from), lowerBound(all, to + 1));
    });
  }

  /**
   * The series' bars block by block, oldest first, without loading the whole series: for
   * exports of any size.
   */
  *iterate(seriesId: string): Generator<CandleColumns> {
    // A read transaction held across the yields keeps one consistent snapshot (WAL lets other
    // connections write meanwhile); it ends when the iteration ends, however it ends.
    const own = !this.db.inTransaction;
    if (own) this.db.exec('BEGIN');
    try {
      const row = this.statements.findSeries.get(seriesId) as SeriesRow | undefined;
      if (!row) throw new NotFoundError(`no cached series "${seriesId}"`);
      // The block list is small (one row per 4096 bars); bars are decoded one block at a time.
      for (const block of this.overlapping(row.id, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)) {
        yield this.decode([block]);
      }
    } finally {
      if (own && this.db.inTransaction) this.db.exec('COMMIT');
    }
  }

  /** Removes a series and its bars. */
  deleteSeries(seriesId: string): boolean {
    const row = this.statements.findSeries.get(seriesId) as SeriesRow | undefined;
    if (!row) return false;
    this.statements.deleteSeries.run(row.id);
    return true;
  }

  private ensure(meta: SeriesMeta): SeriesRow {
    const existing = this.statements.findSeriesByKey.get(meta.source, meta.coin, meta.interval) as
      SeriesRow | undefined;
    const synthetic = meta.synthetic ? 1 : 0;
    if (existing) {
      if (existing.label !== meta.label || existing.synthetic !== synthetic) {
        this.statements.relabel.run(meta.label, synthetic, existing.id);
      }
      return existing;
    }
    this.statements.insertSeries.run({
      seriesId: seriesIdOf(meta),
      source: meta.source,
      coin: meta.coin,
      interval: meta.interval,
      label: meta.label,
      synthetic,
      now: Math.trunc(this.now()),
    });
    return this.statements.findSeriesByKey.get(meta.source, meta.coin, meta.interval) as SeriesRow;
  }

  private mergeInto(id: number, bars: CandleColumns): void {
    if (bars.length === 0) return;
    const first = bars.time[0] as number;
    const last = bars.time[bars.length - 1] as number;
    const blocks = this.overlapping(id, first, last);
    // Appends top up the last, partly filled block instead of leaving a trail of small ones.
    const previous = this.statements.previousBlock.get(id, first) as BlockRow | undefined;
    if (previous && previous.bar_count < BLOCK_SIZE) blocks.unshift(previous);
    const existing = this.decode(blocks);
    for (const block of blocks) this.statements.deleteBlock.run(block.id);
    this.writeBlocks(id, mergeColumns(existing, bars));
  }

  private writeBlocks(id: number, bars: CandleColumns): void {
    for (let start = 0; start < bars.length; start += BLOCK_SIZE) {
      const end = Math.min(bars.length, start + BLOCK_SIZE);
      this.statements.insertBlock.run(
        id,
        bars.time[start] as number,
        bars.time[end - 1] as number,
        end - start,
        encodeBlock(bars, start, end),
      );
    }
  }

  private info(id: number): SeriesInfo {
    return toInfo(this.statements.seriesById.get(id) as SeriesRow);
  }

  private overlapping(series: number, from: number, to: number): BlockRow[] {
    return this.statements.overlapping.all(series, { from, to }) as BlockRow[];
  }

  private decode(blocks: readonly BlockRow[]): CandleColumns {
    return decodeBlocks(
      blocks.map((b) => ({ data: this.statements.blockData.get(b.id) as Buffer, count: b.bar_count })),
    );
  }
}

function toInfo(row: SeriesRow): SeriesInfo {
  // Rows are parsed like any other input: a hand-edited or damaged file must not reach the UI.
  return parseOrThrow(
    SeriesInfoSchema,
    {
      seriesId: row.series_id,
      source: row.source,
      coin: row.coin,
      interval: row.interval,
      label: row.label,
      synthetic: row.synthetic === 1,
      count: row.bar_count,
      first: row.first_time,
      last: row.last_time,
    },
    `stored series ${row.series_id}`,
  );
}
