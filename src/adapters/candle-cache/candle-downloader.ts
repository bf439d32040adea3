import { sliceColumns, type CandleColumns } from '../../engine/data/candle-columns.ts';
import { bucketStart, nextBucketStart, timeGrid } from '../../engine/data/time-grid.ts';
import type { SeriesInfo } from '../../shared/contract/series.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../shared/values/timeframe.ts';
import { hlCandlesToColumns } from '../hyperliquid/hl-candle.ts';
import type { CandleApi } from '../hyperliquid/hl-market-data.ts';
import type { SeriesMeta, SqliteCandleStore } from '../sqlite/sqlite-candle-store.ts';
import { ValidationError } from '../../shared/contract/errors.ts';

/** Hyperliquid serves the most recent 5000 candles per market and interval. */
export const HL_HISTORY_CANDLES = 5000;

/** Progress of a download, after each window. */
export interface DownloadProgress {
  readonly window: number;
  readonly windows: number;
  /** Bars written to the cache so far in this run. */
  readonly cached: number;
  /** Windows skipped because the cache already had them (a resumed download). */
  readonly skipped: number;
}

/** What to download. */
export interface DownloadRequest {
  readonly coin: string;
  readonly interval: Timeframe;
  /** First open time wanted; default: as far back as the venue serves (5000 bars). */
  readonly from?: number | undefined;
  /** Last open time wanted; default: now. */
  readonly to?: number | undefined;
  readonly onProgress?: ((progress: DownloadProgress) => void) | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** What a download did. */
export interface DownloadResult {
  readonly series: SeriesInfo | null;
  readonly windows: number;
  readonly requested: number;
  readonly skipped: number;
  readonly cached: number;
}

/** Options for {@link CandleDownloader}. */
export interface CandleDownloaderOptions {
  readonly api: CandleApi;
  readonly store: SqliteCandleStore;
  readonly now: () => number;
  /** Source name the bars are cached under (default `hyperliquid`). */
  readonly source?: string;
  /** How the series is shown (default "Hyperliquid COIN INTERVAL"). */
  readonly label?: string;
  /** Bars per request window (at most 5000, what one response can carry). */
  readonly windowBars?: number;
}

/**
 * Downloads Hyperliquid candles into the cache. The range is walked in windows that each hold
 * at most one response's worth of bars, so the result is complete whichever end of a larger
 * range the venue would return. Each window is committed on its own: a download that is
 * interrupted resumes where it stopped, because windows the cache already holds completely
 * are not requested again. Only closed bars are cached; the forming one is left for later.
 */
export class CandleDownloader {
  private readonly options: CandleDownloaderOptions;

  constructor(options: CandleDownloaderOptions) {
    this.options = options;
  }

  async download(request: DownloadRequest): Promise<DownloadResult> {
    const { coin, interval } = request;
    const { store, api } = this.options;
    const now = this.options.now();
    // The last bar that has closed by now; anything later is still forming.
    const lastClosed = bucketStart(now, interval) - 1;
    const to = Math.min(request.to ?? now, lastClosed);
    const from = bucketStart(request.from ?? this.earliestServed(now, interval), interval);
    const meta = this.seriesMeta(coin, interval);
    const windows = this.windows(from, to, interval);
    let requested = 0;
    let skipped = 0;
    let cached = 0;
    for (const [index, [start, end]] of windows.entries()) {
      request.signal?.throwIfAborted();
      const expected = countSlots(start, end, interval);
      const seriesId = store.findSeries(meta)?.seriesId;
      const have = seriesId ? store.readCandles(seriesId, { from: start, to: end }).length : 0;
      if (have >= expected) {
        skipped++;
      } else {
        requested++;
        const candles = await api.candleSnapshot({ coin, interval, startTime: start, endTime: end }, request.signal);
        const bars = onlyClosed(hlCandlesToColumns(candles), start, end, interval);
        if (bars.length > 0) {
          store.upsert(meta, bars);
          cached += bars.length;
        }
      }
      request.onProgress?.({ window: index + 1, windows: windows.length, cached, skipped });
    }
    return { series: store.findSeries(meta), windows: windows.length, requested, skipped, cached };
  }

  /** Key and label of the series this downloader fills for `coin` at `interval`. */
  seriesMeta(coin: string, interval: Timeframe): SeriesMeta {
    const source = this.options.source ?? 'hyperliquid';
    return { source, coin, interval, label: this.options.label ?? `Hyperliquid ${coin} ${interval}` };
  }

  private earliestServed(now: number, interval: Timeframe): number {
    if (interval === '1M') {
      const d = new Date(now);
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - HL_HISTORY_CANDLES, 1);
    }
    return now - HL_HISTORY_CANDLES * TIMEFRAME_MS[interval];
  }

  private windows(from: number, to: number, interval: Timeframe): [number, number][] {
    if (from > to) return [];
    const size = Math.min(this.options.windowBars ?? HL_HISTORY_CANDLES, HL_HISTORY_CANDLES);
    if (size < 1) throw new ValidationError('windowBars must be at least 1');
    const out: [number, number][] = [];
    let start = from;
    while (start <= to) {
      let end = start;
      for (let i = 0; i < size; i++) end = nextBucketStart(end, interval);
      out.push([start, Math.min(end - 1, to)]);
      start = end;
    }
    return out;
  }
}

/** Number of bar slots of `interval` opening in [start, end]. */
function countSlots(start: number, end: number, interval: Timeframe): number {
  const grid = timeGrid(interval, start);
  const first = grid.slot(start);
  const last = grid.slot(bucketStart(end, interval));
  return first === null || last === null ? 0 : last - first + 1;
}

/** Keeps bars inside the window that are on the grid and closed. */
function onlyClosed(bars: CandleColumns, start: number, end: number, interval: Timeframe): CandleColumns {
  let lo = 0;
  while (lo < bars.length && (bars.time[lo] as number) < start) lo++;
  let hi = bars.length;
  while (hi > lo && (bars.time[hi - 1] as number) > end) hi--;
  for (let i = lo; i < hi; i++) {
    const t = bars.time[i] as number;
    if (bucketStart(t, interval) !== t)
      throw new ValidationError(`the venue sent a ${interval} candle at ${t}, off the grid`);
  }
  return sliceColumns(bars, lo, hi);
}
