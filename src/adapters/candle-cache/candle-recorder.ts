import { CandleColumnsBuilder } from '../../engine/data/candle-columns.ts';
import { nextBucketStart } from '../../engine/data/time-grid.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';
import type { HlCandle } from '../hyperliquid/hl-candle.ts';
import type { CandleFeed, CandleFeedHandlers } from '../hyperliquid/hl-market-data.ts';
import type { SqliteCandleStore } from '../sqlite/sqlite-candle-store.ts';
import type { CandleDownloader } from './candle-downloader.ts';

/** Subscribes to a market's candles (the venue adapter's `subscribeCandles`). */
export type SubscribeCandles = (coin: string, interval: Timeframe, handlers: CandleFeedHandlers) => Promise<CandleFeed>;

/** Options for {@link CandleRecorder}. */
export interface CandleRecorderOptions {
  readonly coin: string;
  readonly interval: Timeframe;
  readonly store: SqliteCandleStore;
  readonly subscribe: SubscribeCandles;
  /** Fills holes from the venue's REST history; its source and label name the series. */
  readonly downloader: CandleDownloader;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Told about every bar written, for progress and tests. */
  readonly onRecorded?: (openTime: number, via: 'live' | 'gap-fill') => void;
}

/**
 * Grows the cache with live candles beyond the 5000 the venue keeps. A candle is closed when
 * the feed moves on to the next one; its last state is written then. Whenever the feed
 * (re)connects, or skips ahead, the hole since the last cached bar is filled from the REST
 * history first, so no closed candle is ever missed. Work is serialised, so bars are written
 * in order.
 */
export class CandleRecorder {
  private readonly options: CandleRecorderOptions;
  private feed: CandleFeed | null = null;
  private forming: HlCandle | null = null;
  private lastCached: number | null = null;
  private work: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(options: CandleRecorderOptions) {
    this.options = options;
  }

  /** Open time of the newest cached bar, or null. */
  get last(): number | null {
    return this.lastCached;
  }

  /** Fills the hole since the last run, then follows the live feed. */
  async start(): Promise<void> {
    const { store, downloader, coin, interval } = this.options;
    this.lastCached = store.findSeries(downloader.seriesMeta(coin, interval))?.last ?? null;
    await this.enqueue(() => this.fillGap());
    this.feed = await this.options.subscribe(coin, interval, {
      onCandle: (candle) => this.onCandle(candle),
      onReconnect: () => {
        // What the feed said before the drop may be stale: forget it and ask REST instead.
        this.forming = null;
        void this.enqueue(() => this.fillGap());
      },
      onError: (error) => this.log('warn', `candle feed: ${error.message}`),
    });
  }

  /** Stops following the feed once the work in hand is written. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.feed?.close();
    await this.work;
  }

  /** Resolves when everything queued so far is written (for tests and shutdown). */
  idle(): Promise<void> {
    return this.work;
  }

  private onCandle(candle: HlCandle): void {
    if (this.stopped) return;
    const forming = this.forming;
    if (forming && candle.t > forming.t) {
      void this.enqueue(() => this.close(forming));
    }
    if (!forming || candle.t >= forming.t) this.forming = candle;
  }

  private async close(candle: HlCandle): Promise<void> {
    const { interval } = this.options;
    if (this.lastCached !== null && candle.t <= this.lastCached) return;
    if (this.lastCached !== null && candle.t > nextBucketStart(this.lastCached, interval)) {
      await this.fillGap();
      if (this.lastCached !== null && candle.t <= this.lastCached) return;
    }
    const bar = new CandleColumnsBuilder(1);
    bar.push(candle.t, Number(candle.o), Number(candle.h), Number(candle.l), Number(candle.c), Number(candle.v));
    this.write(bar.view(), 'live');
    this.lastCached = candle.t;
  }

  private async fillGap(): Promise<void> {
    const { downloader, coin, interval } = this.options;
    const from = this.lastCached === null ? undefined : nextBucketStart(this.lastCached, interval);
    const result = await downloader.download({ coin, interval, from });
    const last = result.series?.last ?? null;
    if (last !== null && (this.lastCached === null || last > this.lastCached)) {
      if (result.cached > 0) this.options.onRecorded?.(last, 'gap-fill');
      this.lastCached = last;
    }
  }

  private write(bars: Parameters<SqliteCandleStore['upsert']>[1], via: 'live' | 'gap-fill'): void {
    const { store, downloader, coin, interval } = this.options;
    store.upsert(downloader.seriesMeta(coin, interval), bars);
    this.options.onRecorded?.(bars.time[bars.length - 1] as number, via);
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.work = this.work.then(task).catch((error: unknown) => {
      // A failed gap fill is retried at the next reconnect or the next closed candle.
      this.log('error', `recording ${this.options.coin} ${this.options.interval}: ${(error as Error).message}`);
    });
    return this.work;
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }
}
