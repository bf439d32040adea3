import type { Database, Statement } from 'better-sqlite3';
import type { SeriesRepository, TimeRange } from '../../engine/ports.ts';
import { SeriesInfoSchema, type SeriesInfo } from '../../shared/contract/series.ts';
import { parseOrThrow } from '../../shared/contract/validation.ts';
import type { Candle } from '../../shared/values/candle.ts';

interface SeriesRow {
  series_id: string;
  coin: string;
  interval: string;
  label: string;
  synthetic: number;
  bar_count: number;
  first_time: number | null;
  last_time: number | null;
}

/** {@link SeriesRepository} on SQLite: one row per series, one row per bar. */
export class SqliteSeriesRepository implements SeriesRepository {
  private readonly upsertSeries: Statement;
  private readonly deleteCandles: Statement;
  private readonly insertCandle: Statement;
  private readonly selectSeries: Statement;
  private readonly selectAllSeries: Statement;
  private readonly selectCandles: Statement;

  private readonly db: Database;
  private readonly now: () => number;

  constructor(db: Database, now: () => number) {
    this.db = db;
    this.now = now;
    this.upsertSeries = db.prepare(`
      INSERT INTO series (series_id, coin, interval, label, synthetic, bar_count, first_time, last_time, updated_at)
      VALUES (@seriesId, @coin, @interval, @label, @synthetic, @count, @first, @last, @updatedAt)
      ON CONFLICT (series_id) DO UPDATE SET
        coin = excluded.coin, interval = excluded.interval, label = excluded.label,
        synthetic = excluded.synthetic, bar_count = excluded.bar_count,
        first_time = excluded.first_time, last_time = excluded.last_time, updated_at = excluded.updated_at`);
    this.deleteCandles = db.prepare('DELETE FROM candles WHERE series_id = ?');
    this.insertCandle = db.prepare(
      'INSERT INTO candles (series_id, open_time, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.selectSeries = db.prepare('SELECT * FROM series WHERE series_id = ?');
    this.selectAllSeries = db.prepare('SELECT * FROM series ORDER BY coin, interval, label');
    this.selectCandles = db
      .prepare(
        `SELECT open_time, open, high, low, close, volume FROM candles
         WHERE series_id = ? AND open_time >= ? AND open_time <= ? ORDER BY open_time`,
      )
      .raw(true);
  }

  saveSeries(info: SeriesInfo, candles: readonly Candle[]): void {
    // One transaction: a crash or a bad bar leaves the previous version of the series intact.
    this.db.transaction(() => {
      this.upsertSeries.run({
        ...info,
        synthetic: info.synthetic ? 1 : 0,
        updatedAt: Math.trunc(this.now()),
      });
      this.deleteCandles.run(info.seriesId);
      for (const c of candles) {
        this.insertCandle.run(info.seriesId, c.time, c.open, c.high, c.low, c.close, c.volume);
      }
    })();
  }

  listSeries(): SeriesInfo[] {
    return (this.selectAllSeries.all() as SeriesRow[]).map(toInfo);
  }

  getSeries(seriesId: string): SeriesInfo | null {
    const row = this.selectSeries.get(seriesId) as SeriesRow | undefined;
    return row ? toInfo(row) : null;
  }

  readCandles(seriesId: string, range: TimeRange = {}): Candle[] {
    const rows = this.selectCandles.all(
      seriesId,
      range.from ?? Number.MIN_SAFE_INTEGER,
      range.to ?? Number.MAX_SAFE_INTEGER,
    ) as [number, number, number, number, number, number][];
    return rows.map(([time, open, high, low, close, volume]) => ({ time, open, high, low, close, volume }));
  }
}

function toInfo(row: SeriesRow): SeriesInfo {
  // Rows are parsed like any other input: a hand-edited or damaged file must not reach the UI.
  return parseOrThrow(
    SeriesInfoSchema,
    {
      seriesId: row.series_id,
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
