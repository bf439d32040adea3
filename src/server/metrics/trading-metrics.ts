import { Decimal } from 'decimal.js';
import type { WeightLimiter } from '../../adapters/hyperliquid/weight-limiter.ts';
import type { ExecutionClient, JournalEntry, VenueFill } from '../../engine/execution/execution-client.ts';
import type { LiveTrader, TraderEvent } from '../../engine/execution/live-trader.ts';
import { shareRefresh, type SharedRefresh } from '../health/throttle.ts';
import { OPEN_ORDER_STATES, type ServeMetrics } from './serve-metrics.ts';

/**
 * Least time between two reads of the venue's account for the gauges. `/metrics` is answered
 * without authentication; each read costs request weight from the session's own limiter, a FIFO
 * queue also carrying its orders, cancels and dead-man-switch refreshes, so a flood of scrapes
 * must not turn into a flood of venue requests (at most ~48 weight a minute, 5 % of the budget).
 */
export const ACCOUNT_REFRESH_MIN_INTERVAL_MS = 5000;

/** What {@link TradingMetrics} reads. */
export interface TradingMetricsOptions {
  readonly metrics: ServeMetrics;
  readonly coin: string;
  readonly intervalMs: number;
  readonly execution: ExecutionClient;
  /** Request budgets of the venue clients the session uses (the largest share is reported). */
  readonly limiters: readonly WeightLimiter[];
  /** The run's journal as it was at start (fills before this process). */
  readonly journal: readonly JournalEntry[];
  readonly now?: () => number;
}

/** The state of the session the metrics are read from. */
export interface SessionState {
  readonly trader: LiveTrader;
  readonly lastBarTime: number;
}

const ZERO = new Decimal(0);

/**
 * Feeds the trading metrics of one session: counters from its events (fills, refusals,
 * reconnections), gauges from its state and the venue's account when scraped. The realised
 * result and the position's age are rebuilt from the run's journal, so a restart reports the
 * same run, not a new one.
 */
export class TradingMetrics {
  private readonly options: TradingMetricsOptions;
  private readonly now: () => number;
  private realized = ZERO;
  private qty = ZERO;
  private openedAt: number | null = null;
  private feedUp = false;
  private execUp = true;
  private execBreaker = false;
  private readonly seenDown = { feed: false, exec: false };
  /** The venue part of {@link refresh}: shared by concurrent scrapes, throttled (see above). */
  private readonly refreshAccount: SharedRefresh;

  constructor(options: TradingMetricsOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    this.refreshAccount = shareRefresh(() => this.readAccount(), ACCOUNT_REFRESH_MIN_INTERVAL_MS, this.now);
    for (const entry of options.journal) {
      if (entry.event !== 'fill') continue;
      const p = entry.payload;
      this.onFill({
        coin: String(p.coin),
        side: p.side === 'sell' ? 'sell' : 'buy',
        qty: new Decimal(String(p.qty)),
        closedPnl: new Decimal(String(p.closedPnl)),
        fee: new Decimal(String(p.fee)),
        time: Number(p.time),
      });
    }
    options.metrics.pnlRealized.set(this.realized.toNumber());
  }

  /** A session event. */
  onEvent(event: TraderEvent): void {
    const m = this.options.metrics;
    switch (event.kind) {
      case 'fill':
        m.fills.inc();
        // The account moved: the next scrape reads it again, so fills and positions agree.
        this.refreshAccount.invalidate();
        this.onFill(event.fill);
        m.pnlRealized.set(this.realized.toNumber());
        return;
      case 'order':
        if (event.order.status === 'rejected') m.rejections.inc({ reason: 'venue' });
        return;
      case 'risk':
        m.rejections.inc({ reason: m.rejectionReason(event.rule) });
        return;
      case 'connection':
        if (event.state === 'up') {
          if (this.seenDown.exec) m.wsReconnects.inc();
          this.execUp = true;
          this.execBreaker = false;
        } else {
          this.seenDown.exec = true;
          this.execUp = false;
          if (event.state === 'breaker-open') this.execBreaker = true;
        }
        this.updateConnected();
        return;
      case 'error':
        m.errors.inc({ component: 'trading' });
        return;
      case 'halted':
        m.killSwitch.set(1);
        return;
      case 'resumed':
        m.killSwitch.set(0);
        return;
      default:
        return;
    }
  }

  /** The candle feed's connection (the market data the strategy trades on). */
  onFeedConnection(state: 'up' | 'down' | 'breaker-open'): void {
    if (state === 'up') {
      if (this.seenDown.feed) this.options.metrics.wsReconnects.inc();
      this.feedUp = true;
    } else {
      this.seenDown.feed = true;
      this.feedUp = false;
    }
    this.updateConnected();
  }

  /** Whether the venue's push connections are up (the candle feed; for live, the account feed too). */
  get venueConnected(): boolean {
    return this.feedUp && this.execUp;
  }

  /** Seconds since the last closed bar closed, or null before the first. */
  candleLagSeconds(session: SessionState): number | null {
    if (!Number.isFinite(session.lastBarTime)) return null;
    return Math.max(0, (this.now() - (session.lastBarTime + this.options.intervalMs)) / 1000);
  }

  /**
   * Reads the session's state into the gauges (every call: it is local and cheap) and the
   * venue's account (at most once per {@link ACCOUNT_REFRESH_MIN_INTERVAL_MS}, one read shared
   * by concurrent callers; in between the account gauges keep the last read's values).
   */
  async refresh(session: SessionState): Promise<void> {
    const m = this.options.metrics;
    const { trader } = session;
    const now = this.now();
    const lag = this.candleLagSeconds(session);
    if (lag !== null) m.candleLag.set(lag);
    for (const state of OPEN_ORDER_STATES) m.orders.set({ state }, 0);
    const counts = new Map<string, number>();
    for (const tracked of trader.orders.open) counts.set(tracked.status, (counts.get(tracked.status) ?? 0) + 1);
    for (const [state, count] of counts) m.orders.set({ state }, count);
    const risk = trader.risk;
    m.killSwitch.set(risk.haltReason === null ? 0 : 1);
    const limit = new Decimal(risk.rules.dailyLossLimit);
    const loss = Decimal.max(ZERO, risk.dayResult(now).neg());
    m.dailyLossUsed.set(limit.isZero() ? 0 : Decimal.min(1, loss.div(limit)).toNumber());
    const probe = risk.check(
      {
        coin: this.options.coin,
        reduceOnly: false,
        notionalAfter: ZERO,
        equity: new Decimal(1),
        openPositionsAfter: 0,
      },
      now,
    );
    m.breakerOpen.set({ breaker: 'daily-loss-limit' }, loss.gte(limit) && !limit.isZero() ? 1 : 0);
    m.breakerOpen.set(
      { breaker: 'consecutive-losses' },
      risk.consecutiveLosses >= risk.rules.maxConsecutiveLosses ? 1 : 0,
    );
    // These two are only visible as the first rule refusing a new entry.
    m.breakerOpen.set({ breaker: 'error-rate' }, probe?.rule === 'error-rate' ? 1 : 0);
    m.breakerOpen.set({ breaker: 'max-order-rate' }, probe?.rule === 'max-order-rate' ? 1 : 0);
    m.breakerOpen.set({ breaker: 'venue' }, this.execBreaker ? 1 : 0);
    m.positionAge.set(this.openedAt === null || this.qty.isZero() ? 0 : Math.max(0, (now - this.openedAt) / 1000));
    const share = Math.max(0, ...this.options.limiters.map((l) => (l.capacity > 0 ? l.used() / l.capacity : 0)));
    m.rateLimitUsed.set(Math.min(1, share));
    await this.refreshAccount();
  }

  /** The venue's account and mark into the equity, position and unrealised PnL gauges. */
  private async readAccount(): Promise<void> {
    const m = this.options.metrics;
    const execution = this.options.execution;
    const account = await execution.account();
    m.equity.set(account.equity.toNumber());
    const open = account.positions.filter((p) => !p.qty.isZero());
    m.openPositions.set(open.length);
    const mine = open.find((p) => p.coin === this.options.coin);
    if (mine?.entryPrice) {
      const mark = await execution.mark(this.options.coin);
      m.pnlUnrealized.set(mark.minus(mine.entryPrice).times(mine.qty).toNumber());
    } else {
      m.pnlUnrealized.set(0);
    }
  }

  private onFill(fill: Pick<VenueFill, 'coin' | 'side' | 'qty' | 'closedPnl' | 'fee' | 'time'>): void {
    this.realized = this.realized.plus(fill.closedPnl).minus(fill.fee);
    if (fill.coin !== this.options.coin) return;
    const before = this.qty;
    this.qty = before.plus(fill.side === 'buy' ? fill.qty : fill.qty.neg());
    if (this.qty.isZero()) this.openedAt = null;
    else if (before.isZero() || before.isNegative() !== this.qty.isNegative()) this.openedAt = fill.time;
  }

  private updateConnected(): void {
    this.options.metrics.venueConnected.set(this.venueConnected ? 1 : 0);
  }
}
