import { Decimal } from 'decimal.js';
import { ValidationError } from '../../shared/contract/errors.ts';
import type { SessionEvent } from '../../shared/contract/session-events.ts';
import { parseOrThrow } from '../../shared/contract/validation.ts';
import { toWire } from '../../shared/values/decimal-values.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../shared/values/timeframe.ts';
import { sliceColumns, type CandleColumns } from '../data/candle-columns.ts';
import { nextBucketStart } from '../data/time-grid.ts';
import type { DetectionEvent } from '../detect/detection-events.ts';
import type { Strategy, StrategyBar } from '../strategy/strategy.ts';
import type { SignalExplanation } from '../strategy/rules-strategy.ts';
import { createStrategy, type StrategySpec } from '../strategy/strategy-registry.ts';
import type { Intent } from '../trading/intent.ts';
import { IntentExecutor } from '../trading/intent-executor.ts';
import { SimVenue } from '../venue/sim-venue.ts';
import type { TradeLog } from '../venue/trade-log.ts';
import { VenueConfigSchema, type VenueConfig, type VenueConfigInput } from '../../shared/contract/venue-config.ts';
import { computeStats, type BacktestStats } from './stats/backtest-stats.ts';

/** What to run and how. */
export interface BacktestOptions {
  /** Interval of the bars. */
  readonly interval: Timeframe;
  readonly strategy: StrategySpec;
  /** Venue rules and capital; defaults where left out. */
  readonly venue?: VenueConfigInput;
  readonly sessionId?: string;
  /**
   * Bars at the start that are history only: the strategy sees them (to warm up its
   * indicators) but nothing trades and they are not part of the result. Walk-forward tests
   * use it to start an out-of-sample segment with the strategy already warmed up.
   */
  readonly historyBars?: number;
  /**
   * Receives the session's events (candles, detections, signals, orders, fills, funding,
   * equity) in the order they happen. Leave it out for speed when only the result matters.
   */
  readonly emit?: (event: SessionEvent) => void;
  /** Receives a rules strategy's explanation of each decision (for the trade reasoner). */
  readonly onExplanation?: (explanation: SignalExplanation) => void;
}

/** The outcome of a run. */
export interface BacktestResult {
  readonly sessionId: string;
  readonly strategy: StrategySpec;
  readonly venue: VenueConfig;
  readonly interval: Timeframe;
  /** Open times of the bars traded (history bars excluded). */
  readonly time: Float64Array;
  /** Equity at each bar's close. */
  readonly equity: Float64Array;
  /** Closed trades; `trades.at(i)` or `trades.toArray()` give them with every figure. */
  readonly trades: TradeLog;
  readonly stats: BacktestStats;
  /** Things the reader must know about this run (missing funding, a ruined account...). */
  readonly notes: readonly string[];
}

/**
 * A backtest that advances one bar at a time: the kernel of batch backtests, replays and
 * sweeps, which differ only in who calls {@link step} and whether events are listened to.
 * Each bar: funding due and orders the open reaches; the pending intent of the last close at
 * the open (`next-open`); the walk from the open through the extremes to the close; then the
 * strategy sees the closed bar and its intent fills at this close (`close`) or waits for the
 * next open.
 */
export class BacktestSession {
  readonly sessionId: string;
  readonly venueConfig: VenueConfig;
  private readonly bars: CandleColumns;
  private readonly options: BacktestOptions;
  private readonly strategy: Strategy;
  private readonly venue: SimVenue;
  private readonly executor: IntentExecutor;
  private readonly emitter: ((event: SessionEvent) => void) | null;
  private readonly equity: Float64Array;
  private readonly bar: StrategyBar = { index: 0, time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  private readonly notes: string[] = [];
  private readonly fillAtClose: boolean;
  private closeTime = 0;
  /** Bar length, or 0 for calendar months. */
  private readonly intervalMs: number;
  private index = 0;
  /** First bar that trades; the ones before are history. */
  private readonly tradeStart: number;
  private pending: Intent | null = null;
  private ruined = false;
  private result: BacktestResult | null = null;

  constructor(bars: CandleColumns, options: BacktestOptions) {
    const history = options.historyBars ?? 0;
    if (!Number.isInteger(history) || history < 0) throw new ValidationError('historyBars must be a whole number ≥ 0');
    if (bars.length - history <= 0) throw new ValidationError('there are no bars to backtest');
    this.tradeStart = history;
    this.bars = bars;
    this.options = options;
    this.sessionId = options.sessionId ?? 'backtest';
    this.venueConfig = parseOrThrow(VenueConfigSchema, options.venue ?? {}, 'venue');
    this.emitter = options.emit ?? null;
    this.fillAtClose = this.venueConfig.fill === 'close';
    this.intervalMs = options.interval === '1M' ? 0 : TIMEFRAME_MS[options.interval];
    this.equity = new Float64Array(bars.length - history);
    const emit = this.emitter;
    this.venue = new SimVenue(this.venueConfig, { sessionId: this.sessionId, emit });
    this.executor = new IntentExecutor({
      venue: this.venue,
      config: this.venueConfig,
      sizing: options.strategy.sizing,
      sessionId: this.sessionId,
      emit,
    });
    this.strategy = createStrategy(options.strategy, {
      interval: options.interval,
      hooks: {
        ...(emit ? { onDetection: (event: DetectionEvent) => this.detected(event) } : {}),
        ...(options.onExplanation ? { onExplanation: options.onExplanation } : {}),
      },
    });
  }

  /** Number of bars, history included. */
  get length(): number {
    return this.bars.length;
  }

  /** Index of the next bar to process (= bars processed so far). */
  get cursor(): number {
    return this.index;
  }

  /** Open time of the bar at `index`. */
  timeAt(index: number): number {
    return this.bars.time[index] as number;
  }

  /** True once every bar has been processed. */
  get atEnd(): boolean {
    return this.index >= this.bars.length;
  }

  /** Processes the next bar; false when there is none. */
  step(): boolean {
    const i = this.index;
    const bars = this.bars;
    if (i >= bars.length) return false;
    const bar = this.bar;
    const time = bars.time[i] as number;
    const open = bars.open[i] as number;
    const high = bars.high[i] as number;
    const low = bars.low[i] as number;
    const close = bars.close[i] as number;
    bar.index = i;
    bar.time = time;
    bar.open = open;
    bar.high = high;
    bar.low = low;
    bar.close = close;
    bar.volume = bars.volume[i] as number;
    if (i < this.tradeStart) {
      // History: the strategy warms up; whatever it asks for is not acted on.
      this.closeTime = this.intervalMs > 0 ? time + this.intervalMs : nextBucketStart(time, this.options.interval);
      this.strategy.onBar(bar, 0);
      this.index = i + 1;
      return true;
    }
    const at = i - this.tradeStart;
    const venue = this.venue;
    venue.openBar(at, time, open);
    const pending = this.pending;
    if (pending) {
      this.pending = null;
      this.executor.execute(pending, open, time);
    }
    venue.runBar(open, high, low, close);
    const account = venue.account;
    account.observe(high, low);
    this.closeTime = this.intervalMs > 0 ? time + this.intervalMs : nextBucketStart(time, this.options.interval);
    const emit = this.emitter;
    if (emit) {
      const candle = { time, open, high, low, close, volume: bar.volume };
      emit({ event: 'CandleClosed', payload: { sessionId: this.sessionId, at: this.closeTime, candle } });
    }
    if (!this.ruined) {
      const intent = this.strategy.onBar(bar, account.qtyF > 0 ? 1 : account.qtyF < 0 ? -1 : 0);
      if (intent) this.signal(intent, close);
    }
    let equity = account.equityF(close);
    if (!(equity > 0) && !this.ruined) equity = this.ruin(close);
    this.equity[at] = equity;
    if (emit) this.equityEvent(new Decimal(close));
    this.index = i + 1;
    return true;
  }

  /**
   * Ends the run: closes an open position at the last bar's close (as a taker, with fees and
   * slippage), settles funding up to that close and computes the statistics. Steps through
   * any bars not yet processed first.
   */
  finish(): BacktestResult {
    if (this.result) return this.result;
    while (this.step()) {
      // every remaining bar
    }
    const last = this.bars.length - 1;
    const close = this.bars.close[last] as number;
    const traded = sliceColumns(this.bars, this.tradeStart, this.bars.length);
    const venue = this.venue;
    venue.setTime(this.closeTime);
    venue.settleFundingUntil(this.closeTime, close);
    venue.cancelWhere(() => true, 'end of data');
    if (venue.closePosition(close, 'end') && this.emitter) this.equityEvent(new Decimal(close));
    const account = venue.account;
    this.equity[last - this.tradeStart] = account.cashF;
    if (venue.fundingHoursMissing > 0) {
      this.notes.push(`the funding series had no rate for ${venue.fundingHoursMissing} hour(s); none was charged then`);
    }
    const capital = new Decimal(this.venueConfig.capital);
    const stats = computeStats({
      time: traded.time,
      close: traded.close,
      equity: this.equity,
      trades: account.trades,
      warmupBars: Math.max(0, this.strategy.warmupBars - this.tradeStart),
      capital,
      equityFinal: account.cash,
      feesPaid: account.feesPaid,
      fundingPaid: account.funding.neg(),
    });
    this.result = {
      sessionId: this.sessionId,
      strategy: this.options.strategy,
      venue: this.venueConfig,
      interval: this.options.interval,
      time: traded.time,
      equity: this.equity,
      trades: account.trades,
      stats,
      notes: this.notes,
    };
    return this.result;
  }

  private signal(intent: Intent, close: number): void {
    const emit = this.emitter;
    if (emit) {
      emit({
        event: 'SignalRaised',
        payload: {
          sessionId: this.sessionId,
          at: this.closeTime,
          strategy: this.options.strategy.id,
          action: intent.kind,
          side: intent.kind === 'enter' ? intent.side : null,
          stop: intent.kind === 'enter' ? (intent.stop ?? null) : null,
          takeProfit: intent.kind === 'enter' ? (intent.takeProfit ?? null) : null,
          reason: intent.reason,
        },
      });
    }
    // A decision at the last close has no bar left to trade in: in either fill mode it is
    // not acted on (it would only be closed again at that same close).
    if (this.index === this.bars.length - 1) return;
    if (this.fillAtClose) {
      this.venue.setTime(this.closeTime);
      this.executor.execute(intent, close, this.closeTime);
    } else {
      this.pending = intent;
    }
  }

  /** Equity reached zero: close everything and stop trading, as a real account would be stopped. */
  private ruin(close: number): number {
    this.ruined = true;
    this.pending = null;
    this.venue.setTime(this.closeTime);
    this.venue.cancelWhere(() => true, 'account ruined');
    this.venue.closePosition(close, 'liquidation');
    this.notes.push(`the account was ruined at ${new Date(this.closeTime).toISOString()}; trading stopped there`);
    return this.venue.account.cashF;
  }

  private detected(event: DetectionEvent): void {
    this.emitter?.({
      event: 'DetectionRaised',
      payload: { sessionId: this.sessionId, at: this.closeTime, detection: { ...event } },
    });
  }

  private equityEvent(close: Decimal): void {
    const account = this.venue.account;
    const unrealized = account.unrealizedAt(close);
    this.emitter?.({
      event: 'EquityUpdated',
      payload: {
        sessionId: this.sessionId,
        at: this.closeTime,
        equity: toWire(account.cash.plus(unrealized)),
        cash: toWire(account.cash),
        position: toWire(account.qty),
        unrealizedPnl: toWire(unrealized),
      },
    });
  }
}

/** Runs a whole backtest. */
export function runBacktest(bars: CandleColumns, options: BacktestOptions): BacktestResult {
  return new BacktestSession(bars, options).finish();
}
