import { nextBucketStart } from '../../engine/data/time-grid.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';
import type { HlCandle } from '../hyperliquid/hl-candle.ts';
import type { CandleFeed, CandleFeedHandlers } from '../hyperliquid/hl-market-data.ts';
import type { SqliteCandleStore } from '../sqlite/sqlite-candle-store.ts';
import { CLOSE_MARGIN_MS, type CandleDownloader } from './candle-downloader.ts';

/** Subscribes to a market's candles (the venue adapter's `subscribeCandles`). */
export type SubscribeCandles = (coin: string, interval: Timeframe, handlers: CandleFeedHandlers) => Promise<CandleFeed>;

/** Options for {@link CandleRecorder}. */
export interface CandleRecorderOptions {
  readonly coin: string;
  readonly interval: Timeframe;
  readonly store: SqliteCandleStore;
  readonly subscribe: SubscribeCandles;
  /** Fetches closed bars from the venue's REST history; its source and label name the series. */
  readonly downloader: CandleDownloader;
  /**
   * Wait after the feed moves to a new bar before fetching the closed one, so the venue has
   * finished it and our clock agrees it is closed (default: the close margin plus 250 ms).
   */
  readonly confirmDelayMs?: number;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Told about each fetch that wrote bars: the newest bar's open time, and why it ran. */
  readonly onRecorded?: (openTime: number, via: 'live' | 'gap-fill') => void;
}

/**
 * Grows the cache with live candles beyond the 5000 the venue keeps. The WebSocket feed says
 * when a bar closes (it moves on to the next one); the closed bar is then fetched from the REST
 * history, so what is cached is the venue's final bar, never a stale last update. At start and
 * after every reconnect, everything since the last cached bar is fetched the same way, so no
 * bar is missed across drops or restarts. Fetches run one at a time, in order.
 */
export class CandleRecorder {
  private readonly options: CandleRecorderOptions;
  private feed: CandleFeed | null = null;
  private forming: HlCandle | null = null;
  private lastCached: number | null = null;
  private work: Promise<void> = Promise.resolve();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
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
    await this.enqueue('gap-fill');
    this.feed = await this.options.subscribe(coin, interval, {
      onCandle: (candle) => this.onCandle(candle),
      onReconnect: () => {
        this.forming = null;
        void this.enqueue('gap-fill');
      },
      onError: (error) => this.log('warn', `candle feed: ${error.message}`),
    });
  }

  /** Stops following the feed once the fetches in hand are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.feed?.close();
    await this.work;
  }

  /** Resolves when every fetch scheduled so far has finished (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.timers.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await this.work;
  }

  private onCandle(candle: HlCandle): void {
    if (this.stopped) return;
    const forming = this.forming;
    if (forming && candle.t > forming.t) {
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          void this.enqueue('live');
        },
        this.options.confirmDelayMs ?? CLOSE_MARGIN_MS + 250,
      );
      this.timers.add(timer);
    }
    if (!forming || candle.t >= forming.t) this.forming = candle;
  }

  /** Fetches every closed bar after the last cached one. */
  private enqueue(via: 'live' | 'gap-fill'): Promise<void> {
    this.work = this.work
      .then(async () => {
        if (this.stopped && via === 'live') return;
        const { downloader, coin, interval } = this.options;
        const from = this.lastCached === null ? undefined : nextBucketStart(this.lastCached, interval);
        const result = await downloader.download({ coin, interval, from });
        const last = result.series?.last ?? null;
        if (last !== null && (this.lastCached === null || last > this.lastCached)) {
          this.lastCached = last;
          if (result.written > 0) this.options.onRecorded?.(last, via);
        }
      })
      .catch((error: unknown) => {
        // A failed fetch is made good by the next one (next close or reconnect): it starts
        // from the last bar actually cached.
        this.log('error', `recording ${this.options.coin} ${this.options.interval}: ${(error as Error).message}`);
      });
    return this.work;
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }
}
