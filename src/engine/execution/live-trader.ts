import { Decimal } from 'decimal.js';
import { RiskDeniedError, TransportError } from '../../shared/contract/errors.ts';
import type { Side } from '../../shared/values/side.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';
import type { Clock, Scheduler } from '../ports.ts';
import type { Strategy, StrategyBar } from '../strategy/strategy.ts';
import { createStrategy, type StrategySpec } from '../strategy/strategy-registry.ts';
import type { Intent } from '../trading/intent.ts';
import { sizeEntry, type Sizing } from '../trading/sizing.ts';
import { powerOfTenPlaces } from '../venue/lots.ts';
import type { ExecOrder, ExecutionClient, Journal, VenueFunding } from './execution-client.ts';
import { FundingLedger } from './funding-ledger.ts';
import { OrderManager, type OrderManagerEvent, type TrackedOrder } from './order-manager.ts';
import { PositionManager } from './position-manager.ts';
import { RiskManager, type RiskRules } from './risk-manager.ts';

/** What a trading session reports. */
export type TraderEvent =
  | OrderManagerEvent
  | { readonly kind: 'signal'; readonly intent: Intent; readonly time: number }
  | { readonly kind: 'risk'; readonly rule: string; readonly message: string }
  | { readonly kind: 'halted'; readonly reason: string }
  | { readonly kind: 'resumed' }
  | { readonly kind: 'connection'; readonly state: 'up' | 'down' | 'breaker-open' }
  | { readonly kind: 'funding'; readonly funding: VenueFunding }
  | { readonly kind: 'error'; readonly message: string };

/** Options for {@link LiveTrader}. */
export interface LiveTraderOptions {
  readonly client: ExecutionClient;
  readonly journal: Journal;
  readonly clock: Clock;
  readonly scheduler: Scheduler;
  readonly coin: string;
  readonly interval: Timeframe;
  readonly strategy: StrategySpec;
  readonly rules: RiskRules;
  /** 8 hex digits owned by this account and market (client order ids). */
  readonly cloidPrefix: string;
  /** Leverage set on the venue at start (cross margin). */
  readonly leverage?: number;
  /** The venue cancels every open order this long after the session stops refreshing it. */
  readonly deadManMs?: number;
  /** Taker fee rate assumed when sizing (Hyperliquid's base tier by default). */
  readonly takerFee?: number;
  readonly onEvent?: (event: TraderEvent) => void;
}

const ZERO = new Decimal(0);

/**
 * What an entry would come to under the session's sizing and risk rules (see
 * {@link LiveTrader.checkEntry}): its size at the venue's mark, or the rule that refuses it.
 */
export type EntryCheck =
  | {
      readonly allowed: true;
      readonly qty: Decimal;
      /** The price it was sized at (the venue's mark). */
      readonly price: Decimal;
      readonly equity: Decimal;
    }
  | { readonly allowed: false; readonly rule: string; readonly message: string };

/**
 * A paper or live trading session on one market: closed bars go to the strategy, its
 * intents through sizing and the risk rules to the order manager, and the venue's pushes
 * (fills, order updates) back into positions. Start-up is the same after a crash and after a
 * clean stop: the journal is replayed, then reconciled with the venue, which is the truth.
 * While running, the venue's dead-man switch is kept armed, so orders do not outlive a dead
 * host. The kill switch cancels everything, flattens the position and halts new entries (the
 * halt is journaled: it holds after a restart until resumed).
 */
export class LiveTrader {
  readonly orders: OrderManager;
  readonly positions = new PositionManager();
  readonly risk: RiskManager;
  private readonly funding: FundingLedger;
  private readonly options: LiveTraderOptions;
  private readonly strategy: Strategy;
  private readonly bar: StrategyBar = { index: 0, time: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  private subscription: { close(): Promise<void> } | null = null;
  private cancelRefresh: (() => void) | null = null;
  private barCount = 0;
  private lastBar = Number.NEGATIVE_INFINITY;
  private warmedTo = Number.NEGATIVE_INFINITY;
  private work: Promise<void> = Promise.resolve();
  /** The venue's push channel failed to reconnect too often: no new entries until it is back. */
  private venueUnreachable = false;
  private stopped = false;
  private warming = false;
  /** Leverage entries are sized with: the one set on the venue (see {@link useLeverage}). */
  private leverage: number;

  constructor(options: LiveTraderOptions) {
    this.options = options;
    this.leverage = options.leverage ?? 1;
    this.risk = new RiskManager(options.rules);
    this.funding = new FundingLedger(options.journal, this.positions, (funding) =>
      this.emit({ kind: 'funding', funding }),
    );
    this.strategy = createStrategy(options.strategy, {
      interval: options.interval,
      hooks: {
        // Why a rules strategy decided: kept with the fills, so paper and live outcomes can be
        // traced back to the rules (and their sources) like a backtest's.
        // Not while warming up: those decisions were never acted on.
        onExplanation: (explanation) => {
          if (!this.warming) {
            options.journal.append([{ at: this.now(), event: 'explanation', payload: { ...explanation } }]);
          }
        },
      },
    });
    this.orders = new OrderManager({
      client: options.client,
      journal: options.journal,
      clock: options.clock,
      positions: this.positions,
      cloidPrefix: options.cloidPrefix,
      onEvent: (event) => {
        if (event.kind === 'fill') this.risk.onFill(event.fill);
        this.emit(event);
      },
    });
  }

  /**
   * Rebuilds the session from the journal, subscribes to the venue's pushes, reconciles,
   * sets the leverage and arms the dead-man switch. Returns the differences reconciliation
   * found (each also journaled).
   */
  async start(): Promise<string[]> {
    const entries = this.options.journal.read();
    this.orders.restore(entries);
    this.risk.restore(entries);
    this.funding.restore(entries);
    for (const entry of entries)
      if (entry.event === 'bar') this.lastBar = Math.max(this.lastBar, Number(entry.payload.time));
    // Reconcile first, so what happened while away is found and reported; the push channel
    // opened after it replays recent fills, which the trade ids deduplicate.
    const differences = await this.orders.reconcile();
    await this.funding.catchUp(this.options.client, this.now());
    this.subscription = await this.options.client.subscribe({
      onFills: (fills) => this.serial(async () => this.orders.applyFills(fills)),
      onOrderUpdates: (states) => this.serial(async () => this.orders.applyOrderUpdates(states)),
      onReconnect: () =>
        this.serial(async () => {
          await this.orders.reconcile();
          await this.funding.catchUp(this.options.client, this.now());
        }),
      onFunding: (payments) => this.serial(async () => void this.funding.apply(payments)),
      onConnection: (state) => {
        if (state === 'breaker-open') this.venueUnreachable = true;
        if (state === 'up') this.venueUnreachable = false;
        this.emit({ kind: 'connection', state });
      },
    });
    if (this.options.leverage) await this.options.client.setLeverage(this.options.coin, this.options.leverage, true);
    await this.armDeadMan();
    return differences;
  }

  /** Stops following the venue; the dead-man switch is removed, orders stay. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelRefresh?.();
    this.cancelRefresh = null;
    await this.work;
    await this.subscription?.close();
    this.subscription = null;
    await this.options.client.deadManSwitch(null).catch(() => undefined);
  }

  /**
   * Shows the strategy bars that closed before the session could act on them (history at
   * start, bars that closed while it was down): its indicators warm up, but no order is sent,
   * since a signal from a stale bar is not one to trade on now.
   */
  warmUp(bars: readonly Omit<StrategyBar, 'index'>[]): Promise<void> {
    return this.serial(async () => {
      this.warming = true;
      try {
        this.feedWarmUp(bars);
      } finally {
        this.warming = false;
      }
    });
  }

  private feedWarmUp(bars: readonly Omit<StrategyBar, 'index'>[]): void {
    for (const bar of bars) {
      if (bar.time <= this.warmedTo) continue;
      this.warmedTo = bar.time;
      Object.assign(this.bar, bar, { index: this.barCount++ });
      const held = this.positions.get(this.options.coin).qty;
      this.strategy.onBar(this.bar, held.isZero() ? 0 : held.isPositive() ? 1 : -1);
    }
    if (this.warmedTo > this.lastBar) {
      this.lastBar = this.warmedTo;
      this.options.journal.append([{ at: this.now(), event: 'bar', payload: { time: this.lastBar, warmUp: true } }]);
    }
  }

  /** Feeds a closed bar (bars already seen before a restart are skipped). */
  onBar(bar: Omit<StrategyBar, 'index'>): Promise<void> {
    return this.serial(async () => {
      if (bar.time <= this.lastBar) return;
      this.lastBar = bar.time;
      this.warmedTo = bar.time;
      this.options.journal.append([{ at: this.now(), event: 'bar', payload: { time: bar.time } }]);
      Object.assign(this.bar, bar, { index: this.barCount++ });
      const held = this.positions.get(this.options.coin).qty;
      const intent = this.strategy.onBar(this.bar, held.isZero() ? 0 : held.isPositive() ? 1 : -1);
      if (!intent) return;
      this.emit({ kind: 'signal', intent, time: bar.time });
      await this.act(intent);
    });
  }

  /**
   * Acts on an intent from outside the strategy (a trade ticket): the same sizing, risk rules,
   * orders and protection as a strategy's, after whatever is queued.
   */
  submitIntent(intent: Intent): Promise<void> {
    return this.serial(async () => {
      this.emit({ kind: 'signal', intent, time: this.now() });
      await this.act(intent);
    });
  }

  /** The leverage entries are sized with (the venue's setting once {@link useLeverage} ran). */
  get currentLeverage(): number {
    return this.leverage;
  }

  /**
   * Sets `leverage` (cross margin) on the venue for the session's market, after whatever is
   * queued; later entries are sized with it. The venue's refusal is thrown (paper: the paper
   * account's leverage is fixed).
   */
  useLeverage(leverage: number): Promise<void> {
    return this.serial(async () => {
      await this.options.client.setLeverage(this.options.coin, leverage, true);
      this.leverage = leverage;
    });
  }

  /**
   * The dry run of an entry: the sizing (the strategy's, capped by the session's risk per
   * trade) and the risk rules, at the venue's mark and the account as it is now; `leverage`
   * and `sizing` default to the session's. Nothing is sent, journaled or recorded.
   */
  async checkEntry(
    stop: number | null,
    what: { readonly leverage?: number; readonly sizing?: Sizing } = {},
  ): Promise<EntryCheck> {
    const leverage = what.leverage ?? this.leverage;
    const coin = this.options.coin;
    if (this.venueUnreachable) {
      return {
        allowed: false,
        rule: 'venue-unreachable',
        message: 'the venue connection is down (reconnecting): no new entries until it is back',
      };
    }
    // Both at once: they are independent, and this is on the way from a signal to its order.
    const [mark, account] = await Promise.all([this.options.client.mark(coin), this.options.client.account()]);
    const lot = this.options.client.sizeStep(coin);
    // The strategy's risk per trade, never above the session's hard limit.
    const chosen = what.sizing ?? this.options.strategy.sizing;
    const sizing =
      chosen.kind === 'risk'
        ? { kind: 'risk' as const, percent: Math.min(chosen.percent, this.options.rules.riskPercent) }
        : chosen;
    const size = sizeEntry(sizing, {
      equity: account.equity.toNumber(),
      price: mark.toNumber(),
      stop,
      takerFee: this.options.takerFee ?? 0.00045,
      leverage,
      lot,
      lotF: lot.toNumber(),
      lotPlaces: powerOfTenPlaces(lot),
    });
    if ('rule' in size) return { allowed: false, rule: size.rule, message: size.message };
    const denial = this.risk.check(
      {
        coin,
        reduceOnly: false,
        notionalAfter: size.qty.times(mark),
        equity: account.equity,
        openPositionsAfter: account.positions.filter((p) => !p.qty.isZero() && p.coin !== coin).length + 1,
      },
      this.now(),
    );
    if (denial) return { allowed: false, rule: denial.rule, message: denial.message };
    return { allowed: true, qty: size.qty, price: mark, equity: account.equity };
  }

  /** The kill switch: cancel every order, flatten the position, halt new entries. */
  kill(reason: string): Promise<void> {
    return this.serial(async () => {
      this.risk.halt(reason);
      this.options.journal.append([{ at: this.now(), event: 'risk.halted', payload: { reason } }]);
      this.emit({ kind: 'halted', reason });
      // Every step runs even when one fails: a kill that stops half-way is worse than none.
      const failures: string[] = [];
      await this.orders.cancel().catch((error: unknown) => failures.push(`cancel: ${(error as Error).message}`));
      await this.options.client
        .cancelAll(this.options.coin)
        .catch((error: unknown) => failures.push(`cancel all: ${(error as Error).message}`));
      await this.flatten('kill switch').catch((error: unknown) => failures.push((error as Error).message));
      if (failures.length > 0) throw new TransportError(`kill switch incomplete: ${failures.join('; ')}`);
    });
  }

  /** Lifts a halt. */
  resume(): void {
    this.risk.resume();
    this.options.journal.append([{ at: this.now(), event: 'risk.resumed', payload: {} }]);
    this.emit({ kind: 'resumed' });
  }

  private async act(intent: Intent): Promise<void> {
    const coin = this.options.coin;
    const held = this.positions.get(coin).qty;
    if (intent.kind === 'exit') {
      if (held.isZero()) return;
      await this.orders.cancel(this.orders.open.filter((o) => o.order.coin === coin).map((o) => o.order.cloid));
      await this.flatten(intent.reason);
      return;
    }
    const long = intent.side === 'buy';
    if (!held.isZero() && held.isPositive() === long && intent.fresh !== true) return;
    if (this.venueUnreachable) {
      this.denied('venue-unreachable', 'the venue connection is down (reconnecting): no new entries until it is back');
      return;
    }
    if (!held.isZero()) {
      await this.orders.cancel(this.orders.open.filter((o) => o.order.coin === coin).map((o) => o.order.cloid));
      await this.flatten(intent.reason);
    }
    // Sized on the account as it is after any reversal: the close realised a result.
    const size = await this.checkEntry(intent.stop ?? null);
    if (!size.allowed) {
      this.denied(size.rule, size.message);
      return;
    }
    await this.send([this.market(intent.side, size.qty, false)]);
    if (intent.stop == null && intent.takeProfit == null) return;
    // The protection covers what the venue holds, however much of the entry filled.
    const qty = await this.venuePosition();
    if (qty.isZero()) return;
    const exit: Side = qty.isPositive() ? 'sell' : 'buy';
    const longHeld = qty.isPositive();
    const brackets: Omit<ExecOrder, 'cloid'>[] = [];
    // On the venue's price grid: the stop rounded away from the entry (never a tighter stop
    // than asked), the target towards it (never a farther one).
    if (intent.stop != null) {
      const stop = this.options.client.roundPrice(coin, new Decimal(intent.stop), longHeld ? 'down' : 'up');
      brackets.push(this.trigger('stop-market', exit, qty.abs(), stop));
    }
    if (intent.takeProfit != null) {
      const target = this.options.client.roundPrice(coin, new Decimal(intent.takeProfit), longHeld ? 'down' : 'up');
      brackets.push(this.trigger('take-profit-market', exit, qty.abs(), target));
    }
    let placed: TrackedOrder[] = [];
    let problem: string | null = null;
    try {
      placed = await this.send(brackets, 'positionTpsl');
    } catch (error) {
      problem = (error as Error).message;
    }
    const refused = placed.find((t) => t.status === 'rejected');
    if (problem !== null || refused) {
      // A position without its stop is not one to keep.
      const why = problem ?? refused?.reason ?? 'refused';
      this.options.journal.append([{ at: this.now(), event: 'protection.failed', payload: { reason: why } }]);
      this.emit({ kind: 'error', message: `stop/target refused (${why}): closing the position` });
      await this.orders.cancel(placed.filter((t) => t.status !== 'rejected').map((t) => t.order.cloid));
      await this.flatten(`protection refused: ${why}`);
    }
  }

  /** The signed size of this market's position as the venue holds it. */
  private async venuePosition(): Promise<Decimal> {
    const account = await this.options.client.account();
    return account.positions.find((p) => p.coin === this.options.coin)?.qty ?? ZERO;
  }

  /**
   * Closes the venue's position in this market (not the journal's idea of it) and checks it
   * is closed; throws a TransportError naming what is left when it is not.
   */
  private async flatten(reason: string): Promise<void> {
    // The first close goes out on what the session knows (no round trip before it: a reversal
    // is time-critical); the venue's position is what is checked, and closed, after it.
    const known = this.positions.get(this.options.coin).qty;
    let held = known.isZero() ? await this.venuePosition() : known;
    for (let attempt = 0; attempt < 2 && !held.isZero(); attempt++) {
      await this.send([this.market(held.isPositive() ? 'sell' : 'buy', held.abs(), true)]);
      held = await this.venuePosition();
    }
    if (!held.isZero()) {
      throw new TransportError(
        `the position is not flat after closing it: ${held.toFixed()} ${this.options.coin} left`,
      );
    }
    this.options.journal.append([{ at: this.now(), event: 'position.flattened', payload: { reason } }]);
  }

  private async send(
    orders: Omit<ExecOrder, 'cloid'>[],
    grouping: 'na' | 'positionTpsl' = 'na',
  ): Promise<TrackedOrder[]> {
    const now = this.now();
    for (const order of orders) {
      const denial = this.risk.check(
        {
          coin: order.coin,
          reduceOnly: order.reduceOnly,
          notionalAfter: ZERO,
          equity: new Decimal(1),
          openPositionsAfter: 0,
        },
        now,
      );
      if (denial) {
        this.denied(denial.rule, denial.message);
        throw new RiskDeniedError(`${denial.rule}: ${denial.message}`);
      }
      this.risk.onOrderSent(now);
    }
    try {
      const tracked = await this.orders.submit(orders, grouping);
      for (const t of tracked) if (t.status === 'rejected') this.risk.onError(now);
      return tracked;
    } catch (error) {
      this.risk.onError(now);
      this.emit({ kind: 'error', message: (error as Error).message });
      throw error;
    }
  }

  private market(side: Side, qty: Decimal, reduceOnly: boolean): Omit<ExecOrder, 'cloid'> {
    return {
      coin: this.options.coin,
      side,
      qty,
      kind: 'market',
      limitPrice: null,
      triggerPrice: null,
      tif: 'ioc',
      reduceOnly,
    };
  }

  private trigger(
    kind: 'stop-market' | 'take-profit-market',
    side: Side,
    qty: Decimal,
    price: Decimal,
  ): Omit<ExecOrder, 'cloid'> {
    return {
      coin: this.options.coin,
      side,
      qty,
      kind,
      limitPrice: null,
      triggerPrice: price,
      tif: 'gtc',
      reduceOnly: true,
    };
  }

  private denied(rule: string, message: string): void {
    this.options.journal.append([{ at: this.now(), event: 'risk.denied', payload: { rule, message } }]);
    this.emit({ kind: 'risk', rule, message });
  }

  /**
   * Arms the venue's dead-man switch and schedules its refresh at half its span. A failed
   * refresh is retried sooner (a quarter span) and reported: left alone, the venue would
   * cancel every order, stops included, while the session goes on.
   */
  private async armDeadMan(): Promise<void> {
    const ms = this.options.deadManMs;
    if (!ms) return;
    let next = ms / 2;
    try {
      await this.options.client.deadManSwitch(this.now() + ms);
    } catch (error) {
      next = ms / 4;
      this.risk.onError(this.now());
      this.emit({ kind: 'error', message: `dead-man switch not refreshed: ${(error as Error).message}` });
    } finally {
      if (!this.stopped) {
        this.cancelRefresh = this.options.scheduler.schedule(next, () => {
          this.cancelRefresh = null;
          void this.armDeadMan();
        });
      }
    }
  }

  /** Runs `work` after everything queued before it: bars, pushes and commands never interleave. */
  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.work.then(work);
    this.work = next.catch((error: unknown) => this.emit({ kind: 'error', message: (error as Error).message }));
    return next;
  }

  private now(): number {
    return Math.trunc(this.options.clock.now());
  }

  private emit(event: TraderEvent): void {
    this.options.onEvent?.(event);
  }
}
