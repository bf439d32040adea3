import { sliceColumns, type CandleColumns } from '../../engine/data/candle-columns.ts';
import { nextBucketStart, timeGrid } from '../../engine/data/time-grid.ts';
import { ValidationError } from '../../shared/contract/errors.ts';
import type { SeriesInfo } from '../../shared/contract/series.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../shared/values/timeframe.ts';
import { hlCandlesToColumns } from '../hyperliquid/hl-candle.ts';
import type { CandleApi } from '../hyperliquid/hl-market-data.ts';
import type { SeriesMeta, SqliteCandleStore } from '../sqlite/sqlite-candle-store.ts';

/** Hyperliquid serves the most recent 5000 candles per market and interval. */
export const HL_HISTORY_CANDLES = 5000;

/**
 * A bar counts as closed only this long after its end by our clock, so that a clock running
 * a little ahead of the venue's never caches a bar that is still forming.
 */
export const CLOSE_MARGIN_MS = 3000;

/** Progress of a download, after each window. */
export interface DownloadProgress {
  readonly window: number;
  readonly windows: number;
  /** Bars written to the cache so far in this run. */
  readonly written: number;
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
  /** Bars written (new ones and ones the venue corrected). */
  readonly written: number;
  /** True when the walk stopped early at a window the venue had nothing for. */
  readonly reachedStartOfHistory: boolean;
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
 * Downloads Hyperliquid candles into the cache.
 *
 * - The range is cut into windows that each hold at most one response's worth of bars, so
 *   the result is complete whichever end of a larger range the venue would return.
 * - Windows are walked newest first, and the walk stops at the first window the venue has
 *   nothing for: it keeps only its latest bars, so everything older is empty too.
 * - Each window is committed on its own, and windows the cache already holds completely are
 *   not requested again: an interrupted download resumes where it stopped.
 * - Only closed bars are cached; the forming one is left for later.
 * - Weekly and 3-day bars are accepted on whatever day the venue anchors them; only their
 *   spacing is checked.
 */
export class CandleDownloader {
  private readonly options: CandleDownloaderOptions;

  constructor(options: CandleDownloaderOptions) {
    this.options = options;
  }

  /** Key and label of the series this downloader fills for `coin` at `interval`. */
  seriesMeta(coin: string, interval: Timeframe): SeriesMeta {
    const source = this.options.source ?? 'hyperliquid';
    return { source, coin, interval, label: this.options.label ?? `Hyperliquid ${coin} ${interval}` };
  }

  async download(request: DownloadRequest): Promise<DownloadResult> {
    const { coin, interval } = request;
    const { store, api } = this.options;
    const now = this.options.now();
    const meta = this.seriesMeta(coin, interval);
    const to = Math.min(request.to ?? now, lastClosedOpen(now, interval));
    const from = Math.max(0, request.from ?? earliestServed(now, interval));
    if (from > to) throw new ValidationError('the start of the range is after its end');
    const windows = this.windows(from, to, interval);
    let requested = 0;
    let skipped = 0;
    let written = 0;
    let reachedStartOfHistory = false;
    for (let index = windows.length - 1; index >= 0; index--) {
      request.signal?.throwIfAborted();
      const [start, end] = windows[index] as [number, number];
      const seriesId = store.findSeries(meta)?.seriesId;
      const cached = seriesId ? store.readCandles(seriesId, { from: start, to: end }) : null;
      if (cached && cached.length > 0 && isComplete(cached, start, end, interval, now)) {
        skipped++;
      } else {
        requested++;
        const candles = await api.candleSnapshot({ coin, interval, startTime: start, endTime: end }, request.signal);
        const bars = closedOnly(hlCandlesToColumns(candles), start, end, interval, now);
        if (bars.length > 0) {
          store.upsert(meta, bars);
          written += bars.length;
        } else if (candles.length === 0 && !cached?.length) {
          reachedStartOfHistory = index > 0;
          request.onProgress?.({ window: windows.length - index, windows: windows.length, written, skipped });
          break;
        }
      }
      request.onProgress?.({ window: windows.length - index, windows: windows.length, written, skipped });
    }
    return {
      series: store.findSeries(meta),
      windows: windows.length,
      requested,
      skipped,
      written,
      reachedStartOfHistory,
    };
  }

  private windows(from: number, to: number, interval: Timeframe): [number, number][] {
    const size = Math.min(this.options.windowBars ?? HL_HISTORY_CANDLES, HL_HISTORY_CANDLES);
    if (size < 1) throw new ValidationError('windowBars must be at least 1');
    const out: [number, number][] = [];
    // Months are walked from month starts, the only monthly grid the venue has.
    let start = interval === '1M' ? monthStart(from) : from;
    while (start <= to) {
      let end = start;
      for (let i = 0; i < size; i++) end = nextBucketStart(end, interval);
      out.push([start, Math.min(end - 1, to)]);
      start = end;
    }
    return out;
  }
}

/** Oldest bar the venue could still serve: 5000 bars back from now, never before 1970. */
function earliestServed(now: number, interval: Timeframe): number {
  if (interval === '1M') {
    const d = new Date(now);
    return Math.max(0, Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - HL_HISTORY_CANDLES, 1));
  }
  return Math.max(0, now - HL_HISTORY_CANDLES * TIMEFRAME_MS[interval]);
}

/** Latest open time of a bar that has surely closed by `now` (less the margin), whatever the grid. */
function lastClosedOpen(now: number, interval: Timeframe): number {
  const t = now - CLOSE_MARGIN_MS;
  if (interval !== '1M') return t - TIMEFRAME_MS[interval];
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes());
}

function monthStart(t: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** Close time of the bar opening at `t`. */
function closeOf(t: number, interval: Timeframe): number {
  return interval === '1M' ? nextBucketStart(monthStart(t), '1M') : nextBucketStart(t, interval);
}

/**
 * True when the cache has every bar of the window that had closed by `now`, counted on the
 * grid of the cached bars (a window holds at most 5000 slots, so stepping is cheap).
 */
function isComplete(cached: CandleColumns, start: number, end: number, interval: Timeframe, now: number): boolean {
  const grid = timeGrid(interval, cached.time[0] as number);
  let first = grid.slot(cached.time[0] as number) as number;
  while (grid.timeOf(first - 1) >= start) first--;
  let expected = 0;
  for (let n = first; ; n++) {
    const t = grid.timeOf(n);
    if (t > end || closeOf(t, interval) > now - CLOSE_MARGIN_MS) break;
    expected++;
  }
  return cached.length >= expected;
}

/** Keeps bars inside the window that are closed, after checking they keep to one grid. */
function closedOnly(bars: CandleColumns, start: number, end: number, interval: Timeframe, now: number): CandleColumns {
  let lo = 0;
  while (lo < bars.length && (bars.time[lo] as number) < start) lo++;
  let hi = bars.length;
  while (
    hi > lo &&
    ((bars.time[hi - 1] as number) > end || closeOf(bars.time[hi - 1] as number, interval) > now - CLOSE_MARGIN_MS)
  ) {
    hi--;
  }
  if (hi > lo) {
    const grid = timeGrid(interval, bars.time[lo] as number);
    for (let i = lo; i < hi; i++) {
      if (grid.slot(bars.time[i] as number) === null) {
        throw new ValidationError(
          `the venue sent ${interval} candles off a regular ${interval} grid (at ${bars.time[i]})`,
        );
      }
    }
  }
  return sliceColumns(bars, lo, hi);
}
