import type { Database } from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { resolveEndpoints } from '../../adapters/hyperliquid/hl-endpoints.ts';
import { HlMarketData } from '../../adapters/hyperliquid/hl-market-data.ts';
import { RunLock } from '../../adapters/run-lock.ts';
import { SqliteJournal } from '../../adapters/sqlite/sqlite-journal.ts';
import type { ExecOrder } from '../../engine/execution/execution-client.ts';
import type { TraderEvent } from '../../engine/execution/live-trader.ts';
import { RiskRulesSchema, type RiskRules } from '../../engine/execution/risk-manager.ts';
import type { ComponentContext, EngineComponent } from '../../engine/kernel/kernel.ts';
import { resolveStrategy } from '../../engine/strategy/strategy-registry.ts';
import type { Sizing } from '../../engine/trading/sizing.ts';
import type { CommandResponse, ParsedCommandRequest } from '../../shared/contract/commands.ts';
import { RiskDeniedError, ValidationError } from '../../shared/contract/errors.ts';
import type { TradingState } from '../../shared/contract/trading.ts';
import { openExecution, type OpenedExecution } from './open-execution.ts';
import { lockPathOf, runIdOf } from './run-ids.ts';
import { TradingSession } from './trading-session.ts';

/** Options for {@link TradingService}. */
export interface TradingServiceOptions {
  /** The engine's store: the journal of the paper account lives there. */
  readonly db: Database;
  /** Folder of the store, for the run's lock file; null for an in-memory store (no lock). */
  readonly dataDir: string | null;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** A strategy spec whose sizing each risk-sized ticket sets (the strategy itself never sees a bar). */
interface ManualSpec {
  readonly id: string;
  readonly params: Readonly<Record<string, unknown>>;
  sizing: Sizing;
}

interface Active {
  readonly coin: string;
  readonly apiUrl: string;
  readonly runId: string;
  readonly rules: RiskRules;
  readonly spec: ManualSpec;
  readonly opened: OpenedExecution;
  readonly session: TradingSession;
  readonly lock: RunLock | null;
  readonly journal: SqliteJournal;
}

type Outcome = CommandResponse<'SubmitTicket'>;

/** Most state events a second. */
const MIN_EVENT_GAP_MS = 100;
/** The state (its price and unrealised result) is sent at least this often while a session runs. */
const REFRESH_MS = 1000;
const MAX_FILLS = 200;
const ZERO = new Decimal(0);

/**
 * Manual paper trading from the UI: one {@link TradingSession} in manual mode (the strategy
 * never sees a bar) on a Hyperliquid-compatible venue's candles, whose paper account is the
 * one `hyperdesk trade --mode paper` uses for the same venue and market. Tickets go through
 * the session's {@link LiveTrader}: risk-sized market entries as intents (sizing, risk rules,
 * stop and target), the rest as orders of its order manager after the same entry rules.
 */
export class TradingService implements EngineComponent {
  readonly name = 'trading';
  private readonly options: TradingServiceOptions;
  private context: ComponentContext | null = null;
  private active: Active | null = null;
  private status: TradingState['status'] = 'idle';
  private error: string | null = null;
  private coin: string | null = null;
  private apiUrl: string | null = null;
  /** Tickets, cancels and kills one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Events of the ticket being handled (its refusals). */
  private capture: TraderEvent[] | null = null;
  private emitTimer: ReturnType<typeof setTimeout> | null = null;
  private refreshTimer: ReturnType<typeof setInterval> | null = null;
  private lastEmit = 0;

  constructor(options: TradingServiceOptions) {
    this.options = options;
  }

  start(context: ComponentContext): void {
    this.context = context;
    context.handle('StartPaperSession', (request) => this.startSession(request));
    context.handle('StopPaperSession', async () => {
      await this.stopSession();
      return this.state();
    });
    context.handle('SubmitTicket', (request) => this.serial(() => this.submit(request)));
    context.handle('CancelOrder', (request) => this.serial(() => this.cancel(request.cloid)));
    context.handle('KillSwitch', (request) =>
      this.serial(async () => {
        const active = this.require();
        await active.session.trader.kill(request.reason ?? 'kill switch (trade panel)');
        this.changed();
        return this.state();
      }),
    );
    context.handle('GetTradingState', () => this.state());
  }

  async stop(): Promise<void> {
    await this.stopSession();
    this.context = null;
  }

  private async startSession(request: ParsedCommandRequest<'StartPaperSession'>): Promise<TradingState> {
    const endpoints = resolveEndpoints({ apiUrl: request.apiUrl });
    if (this.active || this.status === 'starting') {
      if (this.active && this.active.coin === request.coin && this.active.apiUrl === endpoints.apiUrl) {
        return this.state();
      }
      throw new ValidationError(
        `a paper session on ${this.coin ?? '?'} (${this.apiUrl ?? '?'}) is running; stop it before starting another`,
      );
    }
    this.status = 'starting';
    this.error = null;
    this.coin = request.coin;
    this.apiUrl = endpoints.apiUrl;
    this.changed();
    const runId = runIdOf('paper', endpoints.apiUrl, 'paper', request.coin);
    let lock: RunLock | null = null;
    let session: TradingSession | null = null;
    try {
      const rules = RiskRulesSchema.parse({});
      if (request.leverage !== undefined && request.leverage > rules.maxLeverage) {
        throw new RiskDeniedError(
          `max-leverage: leverage ${request.leverage} is above the rules' maximum of ${rules.maxLeverage}`,
        );
      }
      if (this.options.dataDir !== null) {
        lock = RunLock.acquire(lockPathOf(this.options.dataDir, runId), `paper trading ${request.coin}`);
      }
      const opened = await openExecution({
        mode: 'paper',
        endpoints,
        coin: request.coin,
        db: this.options.db,
        runId,
        capital: request.capital,
        leverage: request.leverage,
      });
      const spec: ManualSpec = { ...resolveStrategy('sma-cross', {}), sizing: { kind: 'risk', percent: 1 } };
      const host = new URL(endpoints.apiUrl).host;
      session = new TradingSession({
        runId,
        db: this.options.db,
        coin: request.coin,
        interval: '1m',
        strategy: spec,
        rules,
        leverage: opened.paper?.leverage ?? 1,
        execution: opened.execution,
        paper: opened.paper,
        marketData: new HlMarketData({ endpoints }),
        source: `hl@${host}`,
        label: `Hyperliquid-compatible (${host})`,
        manual: true,
        warmUpBars: 1,
        log: (level, message) => this.options.log?.(level, message),
        onEvent: (event) => {
          this.capture?.push(event);
          this.changed();
        },
      });
      await session.start();
      this.active = {
        coin: request.coin,
        apiUrl: endpoints.apiUrl,
        runId,
        rules,
        spec,
        opened,
        session,
        lock,
        journal: new SqliteJournal(this.options.db, runId),
      };
      this.status = 'running';
      this.refreshTimer = setInterval(() => this.changed(), REFRESH_MS);
      this.changed();
      return await this.state();
    } catch (error) {
      await session?.stop().catch(() => undefined);
      lock?.release();
      this.status = 'failed';
      this.error = (error as Error).message;
      this.changed();
      throw error;
    }
  }

  private async stopSession(): Promise<void> {
    const active = this.active;
    if (this.refreshTimer) clearInterval(this.refreshTimer);
    this.refreshTimer = null;
    if (!active) return;
    this.status = 'stopping';
    this.changed();
    this.active = null;
    try {
      await this.queue.catch(() => undefined);
      await active.session.stop();
    } finally {
      active.lock?.release();
      this.status = 'idle';
      if (this.emitTimer) clearTimeout(this.emitTimer);
      this.emitTimer = null;
      this.changed();
    }
  }

  private require(): Active {
    if (!this.active) throw new ValidationError('no paper session is running; start one first');
    return this.active;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async submit(ticket: ParsedCommandRequest<'SubmitTicket'>): Promise<Outcome> {
    const active = this.require();
    this.capture = [];
    try {
      const outcome =
        ticket.riskPercent !== undefined
          ? await this.submitRisked(active, ticket)
          : await this.submitSized(active, ticket);
      this.changed();
      return outcome;
    } catch (error) {
      return { accepted: false, reason: (error as Error).message };
    } finally {
      this.capture = null;
    }
  }

  /** A market entry sized by the risk to its stop: the trader's own path (sizing, rules, protection). */
  private async submitRisked(active: Active, ticket: ParsedCommandRequest<'SubmitTicket'>): Promise<Outcome> {
    const percent = ticket.riskPercent ?? 0;
    if (percent > active.rules.riskPercent) {
      return this.refuse(
        active,
        'riskPercent',
        `risk ${percent}% is above the session's limit of ${active.rules.riskPercent}% per trade`,
      );
    }
    const held = await this.venueQty(active);
    if (!held.isZero() && held.isPositive() === (ticket.side === 'buy')) {
      return this.refuse(
        active,
        'position-open',
        `already ${held.isPositive() ? 'long' : 'short'} ${held.abs().toFixed()} ${active.coin}: a risk-sized entry opens a position; size by quantity to add`,
      );
    }
    active.spec.sizing = { kind: 'risk', percent };
    await active.session.trader.submitIntent({
      kind: 'enter',
      side: ticket.side,
      stop: ticket.stop === undefined ? null : Number(ticket.stop),
      takeProfit: ticket.takeProfit === undefined ? null : Number(ticket.takeProfit),
      reason: 'trade ticket',
    });
    return this.outcome();
  }

  /** An order of a given size: the entry rules, then the order manager (and the stop and target once filled). */
  private async submitSized(active: Active, ticket: ParsedCommandRequest<'SubmitTicket'>): Promise<Outcome> {
    const trader = active.session.trader;
    const execution = active.opened.execution;
    const qty = new Decimal(ticket.qty ?? '0');
    const held = await this.venueQty(active);
    const signed = ticket.side === 'buy' ? qty : qty.neg();
    // An order that only reduces the position passes the entry rules (and is sent reduce-only).
    const reduceOnly = !held.isZero() && held.isPositive() !== signed.isPositive() && qty.lte(held.abs());
    const [mark, account] = await Promise.all([execution.mark(active.coin), execution.account()]);
    const price =
      ticket.kind === 'limit'
        ? new Decimal(ticket.limitPrice ?? '0')
        : ticket.kind === 'stop-market'
          ? new Decimal(ticket.triggerPrice ?? '0')
          : mark;
    const now = Date.now();
    const denial = trader.risk.check(
      {
        coin: active.coin,
        reduceOnly,
        notionalAfter: held.plus(signed).abs().times(price),
        equity: account.equity,
        openPositionsAfter: 1,
      },
      now,
    );
    if (denial) return this.refuse(active, denial.rule, denial.message);
    if (!reduceOnly) trader.risk.onOrderSent(now);
    const order: Omit<ExecOrder, 'cloid'> = {
      coin: active.coin,
      side: ticket.side,
      qty,
      kind: ticket.kind,
      limitPrice: ticket.kind === 'limit' ? price : null,
      triggerPrice: ticket.kind === 'stop-market' ? price : null,
      tif: ticket.kind === 'market' ? 'ioc' : 'gtc',
      reduceOnly,
    };
    const [entry] = await trader.orders.submit([order]);
    if (!entry || entry.status === 'rejected') {
      trader.risk.onError(now);
      return { accepted: false, reason: entry?.reason ?? 'the venue gave no status' };
    }
    if (ticket.kind !== 'market' || (ticket.stop === undefined && ticket.takeProfit === undefined)) {
      return { accepted: true, reason: null };
    }
    // The protection covers what the venue holds, however much of the entry filled.
    const position = await this.venueQty(active);
    if (position.isZero()) return { accepted: true, reason: null };
    const exit = position.isPositive() ? 'sell' : 'buy';
    const bracket = (kind: 'stop-market' | 'take-profit-market', at: string): Omit<ExecOrder, 'cloid'> => ({
      coin: active.coin,
      side: exit,
      qty: position.abs(),
      kind,
      limitPrice: null,
      triggerPrice: new Decimal(at),
      tif: 'gtc',
      reduceOnly: true,
    });
    const brackets: Omit<ExecOrder, 'cloid'>[] = [];
    if (ticket.stop !== undefined) brackets.push(bracket('stop-market', ticket.stop));
    if (ticket.takeProfit !== undefined) brackets.push(bracket('take-profit-market', ticket.takeProfit));
    let problem: string | null;
    let placed: Awaited<ReturnType<typeof trader.orders.submit>> = [];
    try {
      placed = await trader.orders.submit(brackets, 'positionTpsl');
      const refused = placed.find((t) => t.status === 'rejected');
      problem = refused ? (refused.reason ?? 'refused by the venue') : null;
    } catch (error) {
      problem = (error as Error).message;
    }
    if (problem === null) return { accepted: true, reason: null };
    // A position without its stop is not one to keep: close what the entry opened.
    await trader.orders.cancel(placed.filter((t) => t.status !== 'rejected').map((t) => t.order.cloid));
    await trader.orders.submit([
      { ...order, side: exit, qty: position.abs(), kind: 'market', limitPrice: null, tif: 'ioc', reduceOnly: true },
    ]);
    return { accepted: false, reason: `stop/target refused (${problem}): the entry was closed` };
  }

  private async cancel(cloid: string): Promise<CommandResponse<'CancelOrder'>> {
    const active = this.require();
    const tracked = active.session.trader.orders.open.find((o) => o.order.cloid === cloid);
    if (!tracked) return { cloid, canceled: false };
    await active.session.trader.orders.cancel([cloid]);
    this.changed();
    return { cloid, canceled: tracked.status === 'canceled' };
  }

  /** What the trader reported while it handled the ticket: its first refusal, if any. */
  private outcome(): Outcome {
    for (const event of this.capture ?? []) {
      if (event.kind === 'risk') return { accepted: false, reason: `${event.rule}: ${event.message}` };
      if (event.kind === 'error') return { accepted: false, reason: event.message };
      if (event.kind === 'order' && event.order.status === 'rejected')
        return { accepted: false, reason: event.order.reason ?? 'refused by the venue' };
    }
    return { accepted: true, reason: null };
  }

  private refuse(active: Active, rule: string, message: string): Outcome {
    active.journal.append([{ at: Date.now(), event: 'risk.denied', payload: { rule, message } }]);
    return { accepted: false, reason: `${rule}: ${message}` };
  }

  private async venueQty(active: Active): Promise<Decimal> {
    const account = await active.opened.execution.account();
    return account.positions.find((p) => p.coin === active.coin)?.qty ?? ZERO;
  }

  /** The session's state now. */
  private async state(): Promise<TradingState> {
    const active = this.active;
    const base = {
      mode: 'paper' as const,
      coin: this.coin,
      apiUrl: this.apiUrl,
      status: this.status,
      error: this.error,
    };
    if (!active) {
      return {
        ...base,
        equity: '0',
        mark: null,
        position: { qty: '0', entryPrice: null, unrealized: '0' },
        realized: '0',
        orders: [],
        fills: [],
        halted: null,
      };
    }
    const execution = active.opened.execution;
    const [account, allFills] = await Promise.all([execution.account(), execution.fillsSince(0)]);
    const position = account.positions.find((p) => p.coin === active.coin);
    const last = active.opened.paper?.lastPrice ?? Number.NaN;
    const mark = Number.isFinite(last) ? new Decimal(last) : null;
    const qty = position?.qty ?? ZERO;
    const entry = position?.entryPrice ?? null;
    const unrealized = mark && entry && !qty.isZero() ? mark.minus(entry).times(qty) : ZERO;
    const fills = allFills.filter((f) => f.coin === active.coin).slice(-MAX_FILLS);
    const realized = fills.reduce((sum, f) => sum.plus(f.closedPnl).minus(f.fee), ZERO);
    return {
      ...base,
      equity: account.equity.toFixed(),
      mark: mark?.toFixed() ?? null,
      position: { qty: qty.toFixed(), entryPrice: entry?.toFixed() ?? null, unrealized: unrealized.toFixed() },
      realized: realized.toFixed(),
      orders: active.session.trader.orders.open.map((o) => ({
        cloid: o.order.cloid,
        side: o.order.side,
        kind: o.order.kind,
        qty: o.order.qty.toFixed(),
        filledQty: o.filledQty.toFixed(),
        limitPrice: o.order.limitPrice?.toFixed() ?? null,
        triggerPrice: o.order.triggerPrice?.toFixed() ?? null,
        reduceOnly: o.order.reduceOnly,
        status: o.status,
        submittedAt: o.submittedAt,
      })),
      fills: fills.map((f) => ({
        tid: f.tid,
        cloid: f.cloid,
        side: f.side,
        price: f.price.toFixed(),
        qty: f.qty.toFixed(),
        fee: f.fee.toFixed(),
        closedPnl: f.closedPnl.toFixed(),
        time: f.time,
      })),
      halted: active.session.trader.risk.haltReason,
    };
  }

  /** Something changed: the state goes out, at most every {@link MIN_EVENT_GAP_MS}. */
  private changed(): void {
    if (this.emitTimer || !this.context) return;
    const wait = Math.max(0, this.lastEmit + MIN_EVENT_GAP_MS - Date.now());
    this.emitTimer = setTimeout(() => {
      this.emitTimer = null;
      this.lastEmit = Date.now();
      void this.state()
        .then((state) =>
          this.context?.bus.publish({ event: 'TradingStateChanged', payload: { ...state, at: Date.now() } }),
        )
        .catch((error: unknown) => this.options.log?.('warn', `trading state: ${(error as Error).message}`));
    }, wait);
  }
}
