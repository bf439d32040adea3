import type { Database } from 'better-sqlite3';
import { columnsToCandles } from '../../engine/data/candle-columns.ts';
import { CandleDownloader } from '../../adapters/candle-cache/candle-downloader.ts';
import { CandleRecorder } from '../../adapters/candle-cache/candle-recorder.ts';
import type { HlMarketData } from '../../adapters/hyperliquid/hl-market-data.ts';
import { SqliteCandleStore } from '../../adapters/sqlite/sqlite-candle-store.ts';
import { SqliteJournal } from '../../adapters/sqlite/sqlite-journal.ts';
import { TimerScheduler } from '../../adapters/timer-scheduler.ts';
import type { ExecutionClient } from '../../engine/execution/execution-client.ts';
import { LiveTrader, type TraderEvent } from '../../engine/execution/live-trader.ts';
import type { PaperExecution } from '../../engine/execution/paper-execution.ts';
import type { RiskRules } from '../../engine/execution/risk-manager.ts';
import type { StrategySpec } from '../../engine/strategy/strategy-registry.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';
import { cloidPrefixOf, controlRunOf } from './run-ids.ts';

/** Options for {@link TradingSession}. */
export interface TradingSessionOptions {
  readonly runId: string;
  readonly db: Database;
  readonly coin: string;
  readonly interval: Timeframe;
  readonly strategy: StrategySpec;
  readonly rules: RiskRules;
  readonly leverage: number;
  /** Hyperliquid's client, or the paper venue (then also given as `paper`). */
  readonly execution: ExecutionClient;
  readonly paper: PaperExecution | null;
  /** Where closed bars come from (the venue's candles, cached under `source`). */
  readonly marketData: HlMarketData;
  readonly source: string;
  readonly label: string;
  /** The venue cancels every order this long after the session stops refreshing it (live). */
  readonly deadManMs?: number;
  /** Bars of history the strategy sees before it may act (default 500). */
  readonly warmUpBars?: number;
  /**
   * A manual session (orders from a trade ticket): the strategy never sees a bar, so it never
   * signals; bars still move the paper venue (its resting orders and stops).
   */
  readonly manual?: boolean;
  /** Wait after a bar closes before fetching it (the recorder's default when left out). */
  readonly confirmDelayMs?: number;
  /** How often the control channel (hyperdesk kill from another process) is read (ms). */
  readonly controlPollMs?: number;
  readonly onEvent?: (event: TraderEvent) => void;
  readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
  readonly now?: () => number;
}

/**
 * One unattended trading run on one market, paper or live: the candle recorder turns the
 * venue's feed into closed bars (gap-filled from REST after every drop), the paper venue (in
 * paper mode) sees each bar first, then the trader. History and bars that closed while the
 * process was down warm the strategy up without trading. A kill requested by another process
 * (`hyperdesk kill`) arrives through the journal's control stream.
 */
export class TradingSession {
  readonly trader: LiveTrader;
  private readonly options: TradingSessionOptions;
  private readonly store: SqliteCandleStore;
  private readonly recorder: CandleRecorder;
  private readonly downloader: CandleDownloader;
  private readonly control: SqliteJournal;
  private controlSeq = 0;
  private controlTimer: ReturnType<typeof setInterval> | null = null;
  private polling: Promise<void> = Promise.resolve();
  private stopped = false;
  private fedTo = Number.NEGATIVE_INFINITY;
  /** False until the warm-up is done: bars the recorder writes before that are history. */
  private live = false;
  private feeding: Promise<void> = Promise.resolve();

  constructor(options: TradingSessionOptions) {
    this.options = options;
    const now = options.now ?? Date.now;
    this.trader = new LiveTrader({
      client: options.execution,
      journal: new SqliteJournal(options.db, options.runId),
      clock: { now },
      scheduler: new TimerScheduler(),
      coin: options.coin,
      interval: options.interval,
      strategy: options.strategy,
      rules: options.rules,
      cloidPrefix: cloidPrefixOf(options.runId),
      leverage: options.leverage,
      deadManMs: options.deadManMs,
      onEvent: options.onEvent,
    });
    this.store = new SqliteCandleStore(options.db, now);
    this.downloader = new CandleDownloader({
      api: options.marketData,
      store: this.store,
      now,
      source: options.source,
      label: `${options.label} ${options.coin} ${options.interval}`,
    });
    this.recorder = new CandleRecorder({
      coin: options.coin,
      interval: options.interval,
      store: this.store,
      downloader: this.downloader,
      subscribe: (coin, interval, handlers) =>
        options.marketData.subscribeCandles(coin, interval, {
          ...handlers,
          onCandle: (candle) => {
            // Between bars, paper market orders fill at the latest trade price.
            if (options.paper) options.paper.onPrice(Number(candle.c));
            handlers.onCandle(candle);
          },
        }),
      log: options.log,
      confirmDelayMs: options.confirmDelayMs,
      onRecorded: () => void this.feedNew(),
    });
    this.control = new SqliteJournal(options.db, controlRunOf(options.runId));
  }

  /**
   * Starts: journal replay and reconciliation (differences are returned), history download
   * and warm-up, then the live feed and the control channel.
   */
  async start(): Promise<string[]> {
    // Requests made before this start are not for it (a halt written before it is in the run's
    // journal, which the start reads); one made while it starts is.
    this.controlSeq = this.control.readAfter(0).at(-1)?.seq ?? 0;
    const differences = await this.trader.start();
    await this.recorder.start();
    const history = this.bars(Number.NEGATIVE_INFINITY);
    const warm = history.slice(-(this.options.warmUpBars ?? 500));
    const paper = this.options.paper;
    if (paper) {
      // Bars that closed while the paper venue was down still move its resting orders; a new
      // paper account only needs the latest price.
      const missed =
        paper.lastBarTime === Number.NEGATIVE_INFINITY
          ? warm.slice(-1)
          : history.filter((b) => b.time > paper.lastBarTime);
      for (const bar of missed) paper.onBar(bar);
    }
    if (!this.options.manual) await this.trader.warmUp(warm);
    this.fedTo = warm.at(-1)?.time ?? Number.NEGATIVE_INFINITY;
    this.live = true;
    // Bars recorded while warming up are traded now.
    void this.feedNew();
    this.controlTimer = setInterval(() => {
      // One poll at a time; none after stop (the database may be closed by then).
      this.polling = this.polling
        .then(() => (this.stopped ? undefined : this.pollControl()))
        .catch((error: unknown) => this.options.log('error', `control stream: ${(error as Error).message}`));
    }, this.options.controlPollMs ?? 1000);
    return differences;
  }

  /** Stops the feed and the trader (orders stay on the venue; the dead-man switch is lifted). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.controlTimer) clearInterval(this.controlTimer);
    this.controlTimer = null;
    await this.polling;
    await this.recorder.stop();
    await this.feeding;
    await this.trader.stop();
  }

  /**
   * Open time of the newest closed bar the session has taken in (warm-up or live), or
   * -Infinity before the first: how fresh its market data is, for health checks.
   */
  get lastBarTime(): number {
    return this.fedTo;
  }

  /** Bars the store holds after `after`, oldest first. */
  private bars(after: number) {
    const series = this.store.findSeries(this.downloader.seriesMeta(this.options.coin, this.options.interval));
    if (!series) return [];
    const columns = this.store.readCandles(series.seriesId, { from: Number.isFinite(after) ? after + 1 : undefined });
    return columnsToCandles(columns);
  }

  private feedNew(): Promise<void> {
    if (!this.live) return this.feeding;
    this.feeding = this.feeding.then(async () => {
      for (const bar of this.bars(this.fedTo)) {
        this.fedTo = bar.time;
        this.options.paper?.onBar(bar);
        if (this.options.manual) continue;
        await this.trader.onBar(bar).catch((error: unknown) => this.options.log('error', (error as Error).message));
      }
    });
    return this.feeding;
  }

  private async pollControl(): Promise<void> {
    for (const { seq, entry } of this.control.readAfter(this.controlSeq)) {
      this.controlSeq = seq;
      if (entry.event === 'control.resume') {
        this.trader.resume();
        this.options.log('info', 'halt lifted from another process');
        continue;
      }
      if (entry.event !== 'control.kill') continue;
      const reason = String(entry.payload.reason ?? 'kill switch');
      this.options.log('warn', `kill switch from another process: ${reason}`);
      try {
        await this.trader.kill(reason);
        this.control.append([{ at: Date.now(), event: 'control.done', payload: { request: seq } }]);
      } catch (error) {
        this.control.append([
          { at: Date.now(), event: 'control.failed', payload: { request: seq, message: (error as Error).message } },
        ]);
      }
    }
  }
}
