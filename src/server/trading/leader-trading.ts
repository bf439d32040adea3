import type { Database } from 'better-sqlite3';
import { RunLock } from '../../adapters/run-lock.ts';
import { SqliteJournal } from '../../adapters/sqlite/sqlite-journal.ts';
import type { TraderEvent } from '../../engine/execution/live-trader.ts';
import type { StrategySpec } from '../../engine/strategy/strategy-registry.ts';
import { lockPathOf } from '../../host/trading/run-ids.ts';
import { TradingSession } from '../../host/trading/trading-session.ts';
import { TIMEFRAME_MS } from '../../shared/values/timeframe.ts';
import { openRunVenue } from '../cli/commands/orders-command.ts';
import type { TradingCliOptions } from '../cli/trading-options.ts';
import type { TradingSection } from '../config/serve-config.ts';
import type { ServeMetrics } from '../metrics/serve-metrics.ts';
import { TradingMetrics } from '../metrics/trading-metrics.ts';
import { fenceExecution, type FencedExecution } from './fenced-execution.ts';
import { MonitoredMarketData } from './monitored-market-data.ts';

type Log = (level: 'info' | 'warn' | 'error', message: string) => void;

/** Options for {@link LeaderTrading}. */
export interface LeaderTradingOptions {
  readonly trading: TradingSection;
  readonly strategy: StrategySpec;
  readonly dataDir: string;
  /** Secret store spec (live: the signing key). */
  readonly secrets?: string;
  readonly metrics: ServeMetrics;
  readonly log: Log;
  /** First delay before a failed start is retried (doubles up to 30 s). */
  readonly retryBaseMs?: number;
  /** Whether this instance holds the lease now; asked before every change sent to the venue. */
  readonly isLeader?: () => boolean;
}

/** What readiness needs to know about trading. */
export interface TradingStatus {
  readonly running: boolean;
  readonly venueConnected: boolean;
  /** Seconds since the last closed bar closed, or null when unknown. */
  readonly candleLagSeconds: number | null;
  readonly intervalMs: number;
}

interface Running {
  readonly db: Database;
  readonly lock: RunLock;
  readonly fence: FencedExecution;
  readonly session: TradingSession;
  readonly metrics: TradingMetrics;
  readonly runId: string;
}

/** A short line per session event, for the log. */
function describe(event: TraderEvent): string {
  switch (event.kind) {
    case 'fill':
      return `fill ${event.fill.side} ${event.fill.qty.toFixed()} ${event.fill.coin} @ ${event.fill.price.toFixed()}`;
    case 'order':
      return `order ${event.order.order.cloid} ${event.order.order.side} ${event.order.order.qty.toFixed()} ${event.order.status}${event.order.reason ? ` (${event.order.reason})` : ''}`;
    case 'risk':
      return `refused by ${event.rule}: ${event.message}`;
    case 'signal':
      return `signal ${event.intent.kind === 'exit' ? 'exit' : event.intent.side} (${event.intent.reason})`;
    case 'halted':
      return `HALTED: ${event.reason}`;
    case 'connection':
      return `venue connection ${event.state}`;
    case 'error':
      return `error: ${event.message}`;
    default:
      return event.kind;
  }
}

/**
 * The unattended trading session of `hyperdesk serve`, run only while this instance holds the
 * lease. Gaining it starts the session as `hyperdesk trade` does (journal replay, then
 * reconciliation with the venue, warm-up, live bars); losing it seals the venue client at
 * once (nothing more is sent, the dead-man switch is left to the new leader) and then stops
 * the session. A start that fails (venue down) is retried with backoff while still leader.
 */
export class LeaderTrading {
  private readonly options: LeaderTradingOptions;
  private current: Running | null = null;
  private wanted = false;
  private closing = false;
  private chain: Promise<void> = Promise.resolve();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private starting: FencedExecution | null = null;

  constructor(options: LeaderTradingOptions) {
    this.options = options;
  }

  /** Leadership changed: start or stop trading accordingly. */
  onLeadership(leader: boolean): void {
    if (!leader) {
      // At once, not after whatever is queued (even while shutting down): another instance
      // may be trading already.
      this.current?.fence.seal('this instance lost the trading lease');
      this.starting?.seal('this instance lost the trading lease');
    }
    if (this.closing) return;
    this.wanted = leader;
    this.kick();
  }

  /** Whether a session is trading now. */
  get running(): boolean {
    return this.current !== null;
  }

  /** The session's health, for readiness. */
  status(): TradingStatus {
    const intervalMs = TIMEFRAME_MS[this.options.trading.interval];
    const current = this.current;
    if (!current) return { running: false, venueConnected: false, candleLagSeconds: null, intervalMs };
    return {
      running: true,
      venueConnected: current.metrics.venueConnected,
      candleLagSeconds: current.metrics.candleLagSeconds(current.session),
      intervalMs,
    };
  }

  /** Reads the running session's state into the metrics (nothing when not trading). */
  async refreshMetrics(): Promise<void> {
    const current = this.current;
    if (!current) return;
    await current.metrics.refresh(current.session);
  }

  /**
   * Stops for good: new orders are refused at once; open orders are kept (the dead-man switch
   * stays armed) or canceled; then the session stops and the journal is checkpointed and
   * closed.
   */
  async shutdown(openOrders: 'keep' | 'cancel'): Promise<void> {
    this.closing = true;
    this.wanted = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const reason = 'the server is shutting down';
    this.current?.fence.blockOrders(reason, { holdDeadMan: openOrders === 'keep' });
    this.starting?.blockOrders(reason, { holdDeadMan: openOrders === 'keep' });
    this.chain = this.chain.then(async () => {
      const current = this.current;
      if (!current) return;
      current.fence.blockOrders(reason, { holdDeadMan: openOrders === 'keep' });
      if (openOrders === 'cancel') {
        const open = current.session.trader.orders.open.length;
        await current.session.trader.orders
          .cancel()
          .then(() => this.options.log('info', `canceled ${open} open order(s) before stopping`))
          .catch((error: unknown) => this.options.log('error', `canceling open orders: ${(error as Error).message}`));
      }
      await this.stopCurrent();
    });
    await this.chain;
  }

  private kick(): void {
    this.chain = this.chain
      .then(() => this.settle())
      .catch((error: unknown) => {
        this.options.log('error', `trading: ${(error as Error).message}`);
      });
  }

  /** Brings the session in line with leadership. */
  private async settle(): Promise<void> {
    if (this.wanted && !this.current && !this.closing) {
      if (this.retryTimer) return;
      try {
        await this.start();
        this.failures = 0;
      } catch (error) {
        if (this.closing || !this.wanted) {
          this.options.log('info', `trading session start abandoned: ${(error as Error).message}`);
          return;
        }
        this.failures += 1;
        const delay = Math.min(30_000, (this.options.retryBaseMs ?? 1000) * 2 ** Math.min(this.failures - 1, 5));
        this.options.log(
          'error',
          `trading session did not start (${(error as Error).message}); retrying in ${delay} ms`,
        );
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.kick();
        }, delay);
      }
    }
    if (!this.wanted && this.current) {
      this.current.fence.seal('this instance lost the trading lease');
      await this.stopCurrent();
    }
  }

  private async start(): Promise<void> {
    const { trading, dataDir, log, metrics } = this.options;
    const cli: TradingCliOptions = {
      mode: trading.mode,
      coin: trading.coin,
      network: trading.network,
      apiUrl: trading.apiUrl,
      source: trading.source,
      confirmMainnet: trading.confirmMainnet,
      account: trading.account,
      secrets: this.options.secrets,
      dataDir,
    };
    const run = await openRunVenue(cli, false, {
      capital: trading.capital,
      fundingRatePerHour: trading.fundingRate,
      leverage: trading.leverage,
    });
    let lock: RunLock | null = null;
    let session: TradingSession | null = null;
    const fence = fenceExecution(run.execution, this.options.isLeader);
    this.starting = fence;
    try {
      // Shutdown or a lost lease while the venue was being opened (nothing could fence it
      // then): do not go on to start a session nobody wants.
      if (this.closing || !this.wanted)
        throw new Error('stopped (lease lost or shutting down) before the session started');
      lock = RunLock.acquire(lockPathOf(dataDir, run.runId), `trading ${run.coin} (${run.mode}) for ${run.account}`);
      const journal = new SqliteJournal(run.db, run.runId).read();
      let tradingMetrics: TradingMetrics | null = null;
      const marketData = new MonitoredMarketData({ endpoints: run.venue.endpoints }, (state) =>
        tradingMetrics?.onFeedConnection(state),
      );
      tradingMetrics = new TradingMetrics({
        metrics,
        coin: run.coin,
        intervalMs: TIMEFRAME_MS[trading.interval],
        execution: run.execution,
        limiters: [marketData.limiter],
        journal,
      });
      const sessionMetrics = tradingMetrics;
      session = new TradingSession({
        runId: run.runId,
        db: run.db,
        coin: run.coin,
        interval: trading.interval,
        strategy: this.options.strategy,
        rules: trading.risk,
        leverage: run.paper ? run.paper.leverage : (trading.leverage ?? 1),
        execution: fence.client,
        paper: run.paper,
        marketData,
        source: run.venue.source,
        label: run.venue.label,
        deadManMs: run.mode === 'live' ? trading.deadManSeconds * 1000 : undefined,
        warmUpBars: trading.warmUpBars,
        log: (level, message) => {
          if (level === 'error') metrics.errors.inc({ component: 'trading' });
          log(level, message);
        },
        onEvent: (event) => {
          sessionMetrics.onEvent(event);
          log(event.kind === 'error' || event.kind === 'halted' ? 'warn' : 'info', describe(event));
        },
      });
      const differences = await session.start();
      if (fence.state !== 'open')
        throw new Error('stopped (lease lost or shutting down) while the session was starting');
      this.current = { db: run.db, lock, fence, session, metrics: tradingMetrics, runId: run.runId };
      log(
        'info',
        `${run.mode === 'live' ? 'LIVE' : 'PAPER'} trading ${run.coin} ${trading.interval} with ${this.options.strategy.id} on ${run.venue.label}, account ${run.account}; ${differences.length} reconciliation difference(s)`,
      );
    } catch (error) {
      fence.seal('the session did not start');
      await session?.stop().catch(() => undefined);
      lock?.release();
      closeJournal(run.db, metrics, log);
      throw error;
    } finally {
      this.starting = null;
    }
  }

  private async stopCurrent(): Promise<void> {
    const current = this.current;
    if (!current) return;
    this.current = null;
    const { log, metrics } = this.options;
    await current.session
      .stop()
      .catch((error: unknown) => log('error', `stopping the trading session: ${(error as Error).message}`));
    current.lock.release();
    closeJournal(current.db, metrics, log);
    metrics.clearSession();
    log('info', 'trading session stopped');
  }
}

/** Folds the write-ahead log into the database file and closes it: the journal is whole on disk. */
function closeJournal(db: Database, metrics: ServeMetrics, log: Log): void {
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch (error) {
    metrics.dbErrors.inc();
    log('error', `journal checkpoint: ${(error as Error).message}`);
  }
  try {
    db.close();
  } catch (error) {
    metrics.dbErrors.inc();
    log('error', `closing the journal: ${(error as Error).message}`);
  }
}
