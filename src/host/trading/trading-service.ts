import type { Database } from 'better-sqlite3';
import { Decimal } from 'decimal.js';
import { resolveEndpoints } from '../../adapters/hyperliquid/hl-endpoints.ts';
import { HlMarketData } from '../../adapters/hyperliquid/hl-market-data.ts';
import { WeightLimiter } from '../../adapters/hyperliquid/weight-limiter.ts';
import { RunLock } from '../../adapters/run-lock.ts';
import { openSecretStore } from '../../adapters/secrets/open-secret-store.ts';
import type { SecretStore } from '../../adapters/secrets/secret-store.ts';
import { SqliteJournal } from '../../adapters/sqlite/sqlite-journal.ts';
import type { AccountState, ExecOrder, VenueFill } from '../../engine/execution/execution-client.ts';
import type { TrackedOrder } from '../../engine/execution/order-manager.ts';
import type { TraderEvent } from '../../engine/execution/live-trader.ts';
import { RiskRulesSchema, type RiskRules } from '../../engine/execution/risk-manager.ts';
import type { ComponentContext, EngineComponent } from '../../engine/kernel/kernel.ts';
import { resolveStrategy } from '../../engine/strategy/strategy-registry.ts';
import type { Sizing } from '../../engine/trading/sizing.ts';
import type { CommandResponse, ParsedCommandRequest } from '../../shared/contract/commands.ts';
import { HyperdeskError, RiskDeniedError, TransportError, ValidationError } from '../../shared/contract/errors.ts';
import {
  isMainnetConfirmation,
  type StartTradingSession,
  type TradingNetwork,
  type TradingOrder,
  type TradingState,
} from '../../shared/contract/trading.ts';
import { openExecution, type OpenedExecution } from './open-execution.ts';
import { lockPathOf, runIdOf } from './run-ids.ts';
import { TradingSession } from './trading-session.ts';
import type { Settings } from '../../shared/contract/settings.ts';
import { z } from 'zod';
import { VenueConfigSchema } from '../../shared/contract/venue-config.ts';
import { feeRatesOf } from '../settings/settings-values.ts';

/** Options for {@link TradingService}. */
export interface TradingServiceOptions {
  /** The engine's store: the journal of the paper account lives there. */
  readonly db: Database;
  /** Folder of the store, for the run's lock file; null for an in-memory store (no lock). */
  readonly dataDir: string | null;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /**
   * Live sessions: where the signing key ('signing-key') is. Default: the store the CLI's
   * trade command uses (HYPERDESK_SIGNING_KEY when set, else the OS keychain), opened when a
   * live session starts.
   */
  readonly secrets?: SecretStore;
  /** Live: how long the venue waits before canceling every order once the session stops refreshing it. */
  readonly deadManMs?: number;
  /**
   * The trader's settings, read when a session starts: its risk rules, fixed fees for the paper
   * venue and the account live trading acts for when the request names none. Default: the
   * engine's default rules and the venue's base fees.
   */
  readonly settings?: () => Settings;
}

/** A strategy spec whose sizing each risk-sized ticket sets (the strategy itself never sees a bar). */
interface ManualSpec {
  readonly id: string;
  readonly params: Readonly<Record<string, unknown>>;
  sizing: Sizing;
}

interface Active {
  readonly mode: 'paper' | 'live';
  readonly network: TradingNetwork;
  readonly coin: string;
  readonly apiUrl: string;
  readonly limiter: WeightLimiter;
  readonly fees: NonNullable<TradingState['fees']>;
  /** The venue's highest leverage for the coin (live); null for paper (its leverage is fixed). */
  readonly venueMaxLeverage: number | null;
  readonly maintenanceMarginRate: string;
  readonly marginMode: 'cross' | 'isolated';
  /** The leverage set on the venue for the coin; null until the session sets one. */
  leverage: number | null;
  /** Latest venue reads (live: reused for {@link LIVE_SNAPSHOT_MS}, the venue's budget is shared). */
  snapshot: { at: number; account: AccountState; fills: VenueFill[]; mark: Decimal | null } | null;
  /** When the address budget was last read (live). */
  budgetAt: number;
  readonly runId: string;
  readonly rules: RiskRules;
  readonly spec: ManualSpec;
  readonly opened: OpenedExecution;
  readonly session: TradingSession;
  readonly lock: RunLock | null;
  readonly journal: SqliteJournal;
}

type Outcome = CommandResponse<'SubmitTicket'>;
type Ticket = ParsedCommandRequest<'SubmitTicket'>;

/** A refusal before anything is sent: the rule and why. */
interface Refusal {
  readonly rule: string;
  readonly message: string;
}

/** What the entry rules made of a ticket sized in coins. */
interface SizedGate {
  readonly denial: Refusal | null;
  readonly qty: Decimal;
  readonly price: Decimal;
  readonly reduceOnly: boolean;
}

const VenueMetaSchema = z.object({
  universe: z.array(z.object({ name: z.string(), maxLeverage: z.number().int().positive() }).loose()),
});

/** Most state events a second. */
const MIN_EVENT_GAP_MS = 100;
/** The state (its price and unrealised result) is sent at least this often while a session runs. */
const REFRESH_MS = 1000;
const MAX_FILLS = 200;
/** Live: venue reads behind the state are reused this long (they cost request weight). */
const LIVE_SNAPSHOT_MS = 5000;
/** Live: fills of this far back are listed. */
const LIVE_FILLS_BACK_MS = 7 * 24 * 3_600_000;
/** Live: the address's action budget is read this often. */
const BUDGET_REFRESH_MS = 60_000;
/** The CLI trade command's default dead-man span. */
const DEFAULT_DEAD_MAN_MS = 60_000;
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
  private mode: 'paper' | 'live' = 'paper';
  private network: TradingNetwork | null = null;
  private account: string | null = null;
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
    context.handle('StartPaperSession', (request) =>
      this.startSession({ ...request, mode: 'paper', network: 'custom' }),
    );
    context.handle('StartTradingSession', (request) => this.startSession(request));
    context.handle('StopPaperSession', async () => {
      await this.stopSession();
      return this.state();
    });
    context.handle('SubmitTicket', (request) => this.serial(() => this.submit(request)));
    context.handle('CheckTicket', (request) => this.serial(() => this.check(request)));
    context.handle('CancelOrder', (request) => this.serial(() => this.cancel(request.cloid)));
    context.handle('ModifyOrder', (request) => this.serial(() => this.modify(request)));
    context.handle('KillSwitch', (request) =>
      this.serial(async () => {
        const active = this.require();
        active.snapshot = null;
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

  private async startSession(request: StartTradingSession): Promise<TradingState> {
    // The contract checks this too; the service must not rely on its caller for real money.
    if (
      request.mode === 'live' &&
      request.network === 'mainnet' &&
      !isMainnetConfirmation(request.coin, request.confirmation)
    ) {
      throw new ValidationError('confirmation: live trading on mainnet needs the typed confirmation phrase');
    }
    const endpoints = resolveEndpoints(
      request.network === 'custom'
        ? { apiUrl: request.apiUrl, network: request.mode === 'live' ? 'testnet' : undefined }
        : { network: request.network },
    );
    if (this.active || this.status === 'starting') {
      const same =
        this.active &&
        this.active.mode === request.mode &&
        this.active.coin === request.coin &&
        this.active.apiUrl === endpoints.apiUrl;
      if (same) return this.state();
      throw new ValidationError(
        `a ${this.mode} session on ${this.coin ?? '?'} (${this.apiUrl ?? '?'}) is running; stop it before starting another`,
      );
    }
    this.status = 'starting';
    this.error = null;
    this.mode = request.mode;
    this.network = request.network;
    this.account = null;
    this.coin = request.coin;
    this.apiUrl = endpoints.apiUrl;
    this.changed();
    let lock: RunLock | null = null;
    let session: TradingSession | null = null;
    const db = this.options.db;
    try {
      const settings = this.options.settings?.() ?? null;
      const rules = settings?.risk ?? RiskRulesSchema.parse({});
      const fees = settings ? feeRatesOf(settings) : null;
      if (request.leverage !== undefined && request.leverage > rules.maxLeverage) {
        throw new RiskDeniedError(
          `max-leverage: leverage ${request.leverage} is above the rules' maximum of ${rules.maxLeverage}`,
        );
      }
      const live = request.mode === 'live';
      // One limiter for the candles and the orders: the venue counts their weight together.
      const limiter = new WeightLimiter();
      const probe = runIdOf(request.mode, endpoints.apiUrl, request.account ?? 'paper', request.coin);
      const opened = await openExecution({
        mode: request.mode,
        endpoints,
        coin: request.coin,
        db,
        runId: probe,
        secrets: live ? (this.options.secrets ?? defaultSecretStore()) : undefined,
        account: request.account ?? settings?.accountAddress ?? undefined,
        capital: request.capital,
        ...(fees ? { fees } : {}),
        leverage: request.leverage,
        limiter,
      });
      const runId = live ? runIdOf('live', endpoints.apiUrl, opened.account, request.coin) : probe;
      if (this.options.dataDir !== null) {
        lock = RunLock.acquire(
          lockPathOf(this.options.dataDir, runId),
          `${request.mode} trading ${request.coin}${live ? ` for ${opened.account}` : ''}`,
        );
      }
      // The journal must survive a power cut, not only a crash, as the CLI's trade command's.
      db.pragma('synchronous = FULL');
      const spec: ManualSpec = { ...resolveStrategy('sma-cross', {}), sizing: { kind: 'risk', percent: 1 } };
      const host = new URL(endpoints.apiUrl).host;
      session = new TradingSession({
        runId,
        db,
        coin: request.coin,
        interval: '1m',
        strategy: spec,
        rules,
        leverage: opened.paper?.leverage ?? request.leverage ?? 1,
        execution: opened.execution,
        paper: opened.paper,
        marketData: new HlMarketData({ endpoints, limiter }),
        source: `hl@${host}`,
        label: `Hyperliquid-compatible (${host})`,
        deadManMs: live ? (this.options.deadManMs ?? DEFAULT_DEAD_MAN_MS) : undefined,
        manual: true,
        warmUpBars: 1,
        log: (level, message) => this.options.log?.(level, message),
        onEvent: (event) => {
          this.capture?.push(event);
          // Something happened on the account (a fill, an order's end): read it afresh.
          if (this.active) this.active.snapshot = null;
          this.changed();
        },
      });
      await session.start();
      const venueMaxLeverage = opened.client ? await venueMaxLeverageOf(opened, request.coin) : null;
      this.active = {
        mode: request.mode,
        network: request.network,
        coin: request.coin,
        apiUrl: endpoints.apiUrl,
        limiter,
        snapshot: null,
        budgetAt: 0,
        fees: sessionFees(opened, fees),
        venueMaxLeverage,
        // Hyperliquid: maintenance margin is half the initial margin at the asset's maximum leverage.
        maintenanceMarginRate: opened.paper
          ? opened.paper.maintenanceMarginRate
          : new Decimal(1).div(2 * (venueMaxLeverage ?? 1)).toFixed(),
        // The trader sets live leverage as cross margin (see LiveTrader.start).
        marginMode: opened.paper?.marginMode ?? 'cross',
        leverage: opened.paper?.leverage ?? request.leverage ?? null,
        runId,
        rules,
        spec,
        opened,
        session,
        lock,
        journal: new SqliteJournal(db, runId),
      };
      this.account = live ? opened.account : null;
      this.status = 'running';
      this.refreshTimer = setInterval(() => this.changed(), REFRESH_MS);
      this.changed();
      return await this.state();
    } catch (error) {
      await session?.stop().catch(() => undefined);
      lock?.release();
      db.pragma('synchronous = NORMAL');
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
      // Back to the store's default (see open-database.ts) once no session journals.
      this.options.db.pragma('synchronous = NORMAL');
      this.status = 'idle';
      if (this.emitTimer) clearTimeout(this.emitTimer);
      this.emitTimer = null;
      this.changed();
    }
  }

  private require(): Active {
    if (!this.active) throw new ValidationError('no trading session is running; start one first');
    return this.active;
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async submit(ticket: ParsedCommandRequest<'SubmitTicket'>): Promise<Outcome> {
    const active = this.require();
    active.snapshot = null;
    this.capture = [];
    try {
      const leverage = this.leverageRefusal(active, ticket);
      if (leverage) return this.refuse(active, leverage.rule, leverage.message);
      if (ticket.leverage !== undefined && ticket.leverage !== active.leverage) {
        // Before the order: the venue margins it with the leverage set when it arrives.
        await active.session.trader.useLeverage(ticket.leverage);
        active.leverage = ticket.leverage;
      }
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
    const refused = await this.riskedRefusal(active, ticket);
    if (refused) return this.refuse(active, refused.rule, refused.message);
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
    const { denial, qty, price, reduceOnly } = await this.sizedGate(active, ticket);
    if (denial) return this.refuse(active, denial.rule, denial.message);
    const now = Date.now();
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
    // From here the entry is on the venue: a failure must not read as if nothing had happened.
    try {
      return await this.protect(active, ticket, order);
    } catch (error) {
      return {
        accepted: false,
        reason: `the entry was sent but its stop/target were not placed (${(error as Error).message}): check the position`,
      };
    }
  }

  /** The stop and target of a filled market entry; the entry closed when the venue refuses them. */
  private async protect(active: Active, ticket: Ticket, order: Omit<ExecOrder, 'cloid'>): Promise<Outcome> {
    const trader = active.session.trader;
    // The protection covers what the venue holds, however much of the entry filled.
    const position = await this.venueQty(active);
    if (position.isZero()) return { accepted: true, reason: null };
    const exit = position.isPositive() ? 'sell' : 'buy';
    // On the venue's price grid, as the trader's own entries: the stop rounded away from the
    // entry (never tighter than asked), the target towards it. An off-grid price sent as typed
    // is refused after the entry filled, and the entry is then closed at the trader's cost.
    const bracket = (kind: 'stop-market' | 'take-profit-market', at: string): Omit<ExecOrder, 'cloid'> => ({
      coin: active.coin,
      side: exit,
      qty: position.abs(),
      kind,
      limitPrice: null,
      triggerPrice: active.opened.execution.roundPrice(active.coin, new Decimal(at), exit === 'sell' ? 'down' : 'up'),
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
    const [close] = await trader.orders.submit([
      { ...order, side: exit, qty: position.abs(), kind: 'market', limitPrice: null, tif: 'ioc', reduceOnly: true },
    ]);
    if (!close || close.status === 'rejected') {
      return {
        accepted: false,
        reason: `stop/target refused (${problem}), and closing the entry was refused too (${close?.reason ?? 'no status'}): the position is open WITHOUT a stop`,
      };
    }
    return { accepted: false, reason: `stop/target refused (${problem}): the entry was closed` };
  }

  /**
   * The pre-trade check (`CheckTicket`): the same leverage bound, sizing and entry rules as
   * {@link submit}, and nothing sent, journaled or recorded.
   */
  private async check(ticket: Ticket): Promise<CommandResponse<'CheckTicket'>> {
    const active = this.require();
    const no = (r: Refusal) => ({
      allowed: false,
      rule: r.rule,
      reason: r.message,
      sizedQty: null,
      notional: null,
      riskToStop: null,
    });
    const leverage = this.leverageRefusal(active, ticket);
    if (leverage) return no(leverage);
    let qty: Decimal;
    let price: Decimal;
    if (ticket.riskPercent !== undefined) {
      const refused = await this.riskedRefusal(active, ticket);
      if (refused) return no(refused);
      // The sizing the submit would set, passed along: the session's spec stays as it is.
      const entry = await active.session.trader.checkEntry(ticket.stop === undefined ? null : Number(ticket.stop), {
        leverage: ticket.leverage,
        sizing: { kind: 'risk', percent: ticket.riskPercent },
      });
      if (!entry.allowed) return no({ rule: entry.rule, message: entry.message });
      qty = entry.qty;
      price = entry.price;
    } else {
      const gate = await this.sizedGate(active, ticket);
      if (gate.denial)
        return { ...no(gate.denial), sizedQty: gate.qty.toFixed(), notional: gate.qty.times(gate.price).toFixed() };
      qty = gate.qty;
      price = gate.price;
    }
    const notional = qty.times(price);
    const entryFee = notional.times(ticket.kind === 'limit' ? active.fees.maker : active.fees.taker);
    const riskToStop =
      ticket.stop === undefined
        ? null
        : qty
            .times(price.minus(ticket.stop).abs())
            .plus(entryFee)
            .plus(qty.times(ticket.stop).times(active.fees.taker));
    return {
      allowed: true,
      rule: null,
      reason: null,
      sizedQty: qty.toFixed(),
      notional: notional.toFixed(),
      riskToStop: riskToStop?.toFixed() ?? null,
    };
  }

  /** The ticket's leverage against the risk rules, the venue's maximum and a paper account's fixed one. */
  private leverageRefusal(active: Active, ticket: Ticket): Refusal | null {
    const asked = ticket.leverage;
    if (asked === undefined) return null;
    if (asked > active.rules.maxLeverage) {
      return {
        rule: 'max-leverage',
        message: `leverage ${asked}× is above the risk rules' maximum of ${active.rules.maxLeverage}×`,
      };
    }
    if (active.venueMaxLeverage !== null && asked > active.venueMaxLeverage) {
      return {
        rule: 'venue-max-leverage',
        message: `leverage ${asked}× is above the venue's maximum of ${active.venueMaxLeverage}× for ${active.coin}`,
      };
    }
    const paper = active.opened.paper;
    if (paper && asked !== paper.leverage) {
      return {
        rule: 'paper-leverage',
        message: `the paper account's leverage is ${paper.leverage}× (set when it was opened), not ${asked}×`,
      };
    }
    return null;
  }

  /** The rules a risk-sized entry meets before the trader sizes it: the risk per trade, no position to add to. */
  private async riskedRefusal(active: Active, ticket: Ticket): Promise<Refusal | null> {
    const percent = ticket.riskPercent ?? 0;
    if (percent > active.rules.riskPercent) {
      return {
        rule: 'riskPercent',
        message: `risk ${percent}% is above the session's limit of ${active.rules.riskPercent}% per trade`,
      };
    }
    // The sizing takes the stop's distance either side: a stop above a buy would size the entry and
    // then close it at once.
    const side = bracketSideRefusal(ticket, await active.opened.execution.mark(active.coin));
    if (side) return side;
    const held = await this.venueQty(active);
    if (!held.isZero() && held.isPositive() === (ticket.side === 'buy')) {
      return {
        rule: 'position-open',
        message: `already ${held.isPositive() ? 'long' : 'short'} ${held.abs().toFixed()} ${active.coin}: a risk-sized entry opens a position; size by quantity to add`,
      };
    }
    return null;
  }

  /** The entry rules on an order of a given size, at its price (limit, trigger, or the mark). */
  private async sizedGate(active: Active, ticket: Ticket): Promise<SizedGate> {
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
    // Working orders that add to the position count as filled: resting entries each within the
    // limits must not add up, once they fill, to a position above them.
    const working = active.session.trader.orders.open
      .filter((o) => o.order.coin === active.coin && !o.order.reduceOnly && o.order.side === ticket.side)
      .reduce((sum, o) => sum.plus(o.order.qty.minus(o.filledQty)), ZERO);
    const after = held.plus(signed).plus(ticket.side === 'buy' ? working : working.neg());
    const others = account.positions.filter((p) => p.coin !== active.coin && !p.qty.isZero()).length;
    const denial =
      bracketSideRefusal(ticket, price) ??
      active.session.trader.risk.check(
        {
          coin: active.coin,
          reduceOnly,
          notionalAfter: after.abs().times(price),
          equity: account.equity,
          openPositionsAfter: others + 1,
        },
        Date.now(),
      );
    return { denial, qty, price, reduceOnly };
  }

  private async cancel(cloid: string): Promise<CommandResponse<'CancelOrder'>> {
    const active = this.require();
    active.snapshot = null;
    const tracked = active.session.trader.orders.open.find((o) => o.order.cloid === cloid);
    if (!tracked) return { cloid, canceled: false };
    await active.session.trader.orders.cancel([cloid]);
    this.changed();
    return { cloid, canceled: tracked.status === 'canceled' };
  }

  /**
   * Moves a working order through the order manager (journaled; the venue's modify). Refusals
   * by the venue are answers with its reason; asking for a price the order has not is one too.
   */
  private async modify(request: ParsedCommandRequest<'ModifyOrder'>): Promise<CommandResponse<'ModifyOrder'>> {
    const active = this.require();
    active.snapshot = null;
    const orders = active.session.trader.orders;
    const tracked = orders.open.find((o) => o.order.cloid === request.cloid);
    if (!tracked) return { cloid: request.cloid, modified: false, reason: 'the order is no longer open', order: null };
    try {
      const done = await orders.modify(request.cloid, {
        limitPrice: request.limitPrice === undefined ? undefined : new Decimal(request.limitPrice),
        triggerPrice: request.triggerPrice === undefined ? undefined : new Decimal(request.triggerPrice),
      });
      return { cloid: request.cloid, modified: true, reason: null, order: orderView(done) };
    } catch (error) {
      if (!(error instanceof HyperdeskError) || error instanceof TransportError) throw error;
      return {
        cloid: request.cloid,
        modified: false,
        reason: error.message,
        order: FINAL_VIEW.has(tracked.status) ? null : orderView(tracked),
      };
    } finally {
      this.changed();
    }
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
      mode: this.mode,
      network: this.network,
      account: this.account,
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
        priceDecimals: null,
        sizeDecimals: null,
        margin: null,
        fees: null,
        rateLimit: null,
      };
    }
    const execution = active.opened.execution;
    const { account, fills: allFills, mark } = await this.snapshot(active);
    const position = account.positions.find((p) => p.coin === active.coin);
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
      orders: active.session.trader.orders.open.map(orderView),
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
      priceDecimals: priceDecimalsOf(execution.sizeStep(active.coin)),
      sizeDecimals: execution.sizeStep(active.coin).decimalPlaces(),
      margin: {
        mode: active.marginMode,
        leverage: active.leverage,
        maxLeverage: Math.min(active.rules.maxLeverage, active.venueMaxLeverage ?? active.rules.maxLeverage),
        leverageFixed: active.opened.paper !== null,
        maintenanceMarginRate: active.maintenanceMarginRate,
      },
      fees: active.fees,
      rateLimit: await this.rateLimit(active),
    };
  }

  /**
   * The account, fills and mark behind the state. Paper: read each time (no cost). Live: reused
   * for {@link LIVE_SNAPSHOT_MS} unless an order action dropped them, as each read spends the
   * venue's request weight (the state is sent every second).
   */
  private async snapshot(active: Active): Promise<NonNullable<Active['snapshot']>> {
    const now = Date.now();
    if (active.mode === 'live' && active.snapshot && now - active.snapshot.at < LIVE_SNAPSHOT_MS)
      return active.snapshot;
    const execution = active.opened.execution;
    const paper = active.opened.paper;
    const [account, fills, mark] = await Promise.all([
      execution.account(),
      execution.fillsSince(paper ? 0 : now - LIVE_FILLS_BACK_MS),
      paper
        ? Promise.resolve(Number.isFinite(paper.lastPrice) ? new Decimal(paper.lastPrice) : null)
        : execution.mark(active.coin).catch(() => null),
    ]);
    active.snapshot = { at: now, account, fills, mark };
    return active.snapshot;
  }

  /** The venue request budget in use: this session's weight, and (live) the address's actions. */
  private async rateLimit(active: Active): Promise<TradingState['rateLimit']> {
    const client = active.opened.client;
    if (client && Date.now() - active.budgetAt >= BUDGET_REFRESH_MS) {
      active.budgetAt = Date.now();
      await client.refreshAddressBudget(active.opened.account).catch((error: unknown) => {
        this.options.log?.('warn', `address budget: ${(error as Error).message}`);
      });
    }
    const budget = client?.addressBudget ?? null;
    const weightUsed = active.limiter.used();
    const weightLimit = active.limiter.capacity;
    const shares = [weightUsed / weightLimit];
    if (budget && budget.cap > 0) shares.push(budget.used / budget.cap);
    return {
      weightUsed,
      weightLimit,
      addressUsed: budget?.used ?? null,
      addressCap: budget?.cap ?? null,
      ratio: Math.min(1, Math.max(...shares)),
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

/**
 * A market entry's stop and target on the wrong side of the price it fills at: a stop above a
 * buy (or below a sell) triggers at once and closes the entry at the trader's cost. Checked
 * before the entry is sent; the ticket panel checks it too, but the service must not rely on it.
 */
function bracketSideRefusal(ticket: Ticket, price: Decimal): Refusal | null {
  if (ticket.kind !== 'market') return null;
  const long = ticket.side === 'buy';
  if (ticket.stop !== undefined && (long ? price.lte(ticket.stop) : price.gte(ticket.stop))) {
    return {
      rule: 'stop',
      message: `stop ${ticket.stop} is ${long ? 'not below' : 'not above'} the price ${price.toFixed()} of the ${ticket.side}`,
    };
  }
  if (ticket.takeProfit !== undefined && (long ? price.gte(ticket.takeProfit) : price.lte(ticket.takeProfit))) {
    return {
      rule: 'takeProfit',
      message: `take-profit ${ticket.takeProfit} is ${long ? 'not above' : 'not below'} the price ${price.toFixed()} of the ${ticket.side}`,
    };
  }
  return null;
}

const FINAL_VIEW: ReadonlySet<string> = new Set(['filled', 'canceled', 'rejected', 'expired']);

/** An order of the order manager as the contract shows it. */
function orderView(o: TrackedOrder): TradingOrder {
  return {
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
  };
}

/**
 * Hyperliquid's perp price grid: 6 decimals less the market's size decimals (its lot is
 * 10^-szDecimals), never below 0.
 */
function priceDecimalsOf(lot: Decimal): number {
  return Math.max(6 - lot.decimalPlaces(), 0);
}

/** The venue's highest leverage for `coin` (its `meta`), read once when a live session starts. */
async function venueMaxLeverageOf(opened: OpenedExecution, coin: string): Promise<number> {
  const raw: unknown = await opened.client?.info({ type: 'meta' });
  const meta = VenueMetaSchema.safeParse(raw);
  if (!meta.success) throw new ValidationError(`the venue's meta is not as expected: ${meta.error.message}`);
  const market = meta.data.universe.find((m) => m.name === coin);
  if (!market) throw new ValidationError(`the venue lists no market "${coin}"`);
  return market.maxLeverage;
}

/** The secret store `hyperdesk trade` reads the signing key from when none is named. */
function defaultSecretStore(): SecretStore {
  return openSecretStore(process.env.HYPERDESK_SIGNING_KEY ? 'env' : 'keychain');
}

/** The fee rates the session's orders pay, and their source (see `TradingState.fees`). */
function sessionFees(
  opened: OpenedExecution,
  fixed: { makerFee: string; takerFee: string } | null,
): NonNullable<TradingState['fees']> {
  if (opened.paper) return { ...opened.paper.feeRates, source: 'paper-account' };
  if (fixed) return { maker: fixed.makerFee, taker: fixed.takerFee, source: 'settings' };
  const base = VenueConfigSchema.parse({});
  return { maker: base.makerFee, taker: base.takerFee, source: 'venue-base-tier' };
}
