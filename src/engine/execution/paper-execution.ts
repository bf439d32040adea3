import { Decimal } from 'decimal.js';
import { ValidationError, VenueRejectedError } from '../../shared/contract/errors.ts';
import type { SessionEvent } from '../../shared/contract/session-events.ts';
import type { VenueConfig } from '../../shared/contract/venue-config.ts';
import type { Side } from '../../shared/values/side.ts';
import type { Clock } from '../ports.ts';
import { SimVenue } from '../venue/sim-venue.ts';
import type { OrderRequest } from '../venue/working-order.ts';
import type {
  AccountState,
  ExecOrder,
  ExecutionClient,
  ExecutionHandlers,
  Journal,
  JournalEntry,
  PlaceResult,
  VenueFill,
  VenueFunding,
  VenueOrderState,
} from './execution-client.ts';
import { orderFromRecord, orderRecord } from './order-record.ts';

/** A closed bar as paper trading receives it. */
export interface PaperBar {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/** Options for {@link PaperExecution}. */
export interface PaperExecutionOptions {
  /** The one market this paper account trades. */
  readonly coin: string;
  /** Fees, slippage, leverage, lot size and starting capital of the simulated account. */
  readonly venue: VenueConfig;
  /** The paper venue's own stream: everything it was told, replayed at start-up. */
  readonly journal: Journal;
  readonly clock: Clock;
  /** Smallest order value the venue accepts (Hyperliquid's $10 by default). */
  readonly minNotional?: Decimal;
}

interface PaperOrder {
  readonly order: ExecOrder;
  readonly oid: number;
  /** Its one-cancels-other group (position TP/SL), which a modify keeps. */
  readonly group: string | null;
  /** The simulator's id of it, known once it accepted or refused the order. */
  venueId: string | null;
  status: string;
  remaining: Decimal;
  statusTime: number;
}

type Command =
  | { readonly kind: 'bar'; readonly bar: PaperBar }
  | { readonly kind: 'place'; readonly orders: readonly ExecOrder[]; readonly grouping: string; readonly price: number }
  | { readonly kind: 'cancel'; readonly cloids: readonly string[] }
  | { readonly kind: 'modify'; readonly order: ExecOrder; readonly price: number };

const TEN = new Decimal(10);

/**
 * The venue of paper trading: HyperDesk's simulated exchange (the backtest's {@link SimVenue},
 * same fills, fees and margin) behind the same {@link ExecutionClient} port as Hyperliquid,
 * so a paper session runs the very order manager, risk rules and trader that go live. Prices
 * come from live closed bars (`onBar`) and, between bars, the latest price (`onPrice`):
 * market orders fill at it, triggers fire on each bar's path.
 *
 * The paper venue is event-sourced: every bar, order (with the price it met) and cancel is
 * journaled before it is applied, and start-up replays them through a fresh simulator, which
 * is deterministic, so the paper account survives a crash exactly as a real venue would.
 */
export class PaperExecution implements ExecutionClient {
  private readonly options: PaperExecutionOptions;
  private readonly venue: SimVenue;
  private readonly lot: Decimal;
  private readonly minNotional: Decimal;
  private readonly byVenueId = new Map<string, PaperOrder>();
  private readonly byCloid = new Map<string, PaperOrder>();
  private readonly fills: VenueFill[] = [];
  private readonly fundings: VenueFunding[] = [];
  private pendingFundings: VenueFunding[] = [];
  private pendingFills: VenueFill[] = [];
  private pendingUpdates: VenueOrderState[] = [];
  private handlers: ExecutionHandlers | null = null;
  private price = Number.NaN;
  private time = 0;
  private bars = 0;
  private lastBar = Number.NEGATIVE_INFINITY;
  private nextOid = 1;
  private nextTid = 1;
  private replaying = false;

  /** The account's fee rates (fractions), as it was opened with them. */
  get feeRates(): { readonly maker: string; readonly taker: string } {
    return { maker: this.options.venue.makerFee, taker: this.options.venue.takerFee };
  }

  constructor(options: PaperExecutionOptions) {
    this.options = options;
    this.lot = new Decimal(options.venue.lotSize);
    this.minNotional = options.minNotional ?? TEN;
    this.venue = new SimVenue(options.venue, { sessionId: 'paper', emit: (event) => this.onVenueEvent(event) });
  }

  /** Rebuilds the paper account from its journal; call once before trading. */
  restore(): void {
    this.replaying = true;
    try {
      for (const entry of this.options.journal.read()) {
        // The account's settings, written when it was opened; the caller has read them.
        if (entry.event === 'paper.config') continue;
        this.apply(commandOf(entry), entry.at);
      }
    } finally {
      this.replaying = false;
    }
    this.pendingFills = [];
    this.pendingUpdates = [];
    this.pendingFundings = [];
  }

  /** The latest price (fills market orders until the next one). */
  get lastPrice(): number {
    return this.price;
  }

  /** The account's leverage (fixed when it was opened). */
  get leverage(): number {
    return this.options.venue.leverage;
  }

  /** The account's maintenance margin rate (a fraction of the notional), as it was opened with it. */
  get maintenanceMarginRate(): string {
    return this.options.venue.maintenanceMarginRate;
  }

  /** Cross or isolated margin, as the account was opened. */
  get marginMode(): 'cross' | 'isolated' {
    return this.options.venue.marginMode;
  }

  /** Open time of the last bar the paper venue has seen (−∞ before the first). */
  get lastBarTime(): number {
    return this.lastBar;
  }

  /** A bar closed: working orders fill or trigger along its path, then the price is its close. */
  onBar(bar: PaperBar): void {
    if (bar.time <= this.lastBar) return;
    this.record({ kind: 'bar', bar });
  }

  /**
   * A price between bars (a mid or a trade): market orders fill at it. Not journaled by
   * itself: each order records the price it met.
   */
  onPrice(price: number): void {
    if (!(price > 0) || !Number.isFinite(price))
      throw new ValidationError(`paper price must be positive, got ${price}`);
    this.price = price;
  }

  validate(order: ExecOrder): void {
    if (order.coin !== this.options.coin) {
      throw new ValidationError(`unknown coin "${order.coin}": this paper account trades ${this.options.coin}`);
    }
    if (!order.qty.isFinite() || order.qty.lte(0)) throw new ValidationError('order size must be greater than 0');
    if (!order.qty.mod(this.lot).isZero()) {
      throw new ValidationError(`size ${order.qty.toFixed()} is not a whole number of lots (${this.lot.toFixed()})`);
    }
    for (const [what, price] of [
      ['price', order.limitPrice],
      ['trigger price', order.triggerPrice],
    ] as const) {
      if (price && (!price.isFinite() || price.lte(0))) throw new ValidationError(`${what} must be positive`);
    }
    if (order.kind === 'limit' && !order.limitPrice) throw new ValidationError('a limit order needs a limit price');
    if (order.kind !== 'market' && order.kind !== 'limit' && !order.triggerPrice) {
      throw new ValidationError(`a ${order.kind} order needs a trigger price`);
    }
    const reference =
      order.limitPrice ?? order.triggerPrice ?? (Number.isNaN(this.price) ? null : new Decimal(this.price));
    if (!order.reduceOnly && reference && order.qty.times(reference).lt(this.minNotional)) {
      throw new ValidationError(
        `order value ${order.qty.times(reference).toFixed(2)} is below the venue's minimum of $${this.minNotional.toFixed()}`,
      );
    }
  }

  sizeStep(): Decimal {
    return this.lot;
  }

  async place(
    orders: readonly ExecOrder[],
    grouping: 'na' | 'normalTpsl' | 'positionTpsl' = 'na',
  ): Promise<PlaceResult[]> {
    for (const order of orders) this.validate(order);
    if (Number.isNaN(this.price)) {
      return orders.map(() => ({ status: 'rejected', reason: 'the paper venue has no price yet (no bar has closed)' }));
    }
    for (const order of orders) {
      if (this.byCloid.has(order.cloid)) {
        return orders.map(() => ({ status: 'rejected', reason: 'Order with this cloid already exists.' }));
      }
    }
    const results = this.record({ kind: 'place', orders, grouping, price: this.price }) as PlaceResult[];
    this.flush();
    return results;
  }

  /**
   * Cancel-and-replace, as Hyperliquid does it: the open order `cloid` is canceled and `order`
   * (same cloid, one-cancels-other group kept) placed at the current price under a new oid.
   */
  async modify(cloid: string, order: ExecOrder): Promise<number> {
    if (order.cloid !== cloid) {
      throw new ValidationError(`the replacement of ${cloid} must keep its cloid (got ${order.cloid})`);
    }
    this.validate(order);
    if (Number.isNaN(this.price)) throw new VenueRejectedError('the paper venue has no price yet (no bar has closed)');
    const current = this.byCloid.get(cloid);
    if (!current || current.status !== 'open') {
      throw new VenueRejectedError(
        `order ${cloid} is not open (${current?.status ?? 'unknown'}): it cannot be modified`,
      );
    }
    const result = this.record({ kind: 'modify', order, price: this.price }) as PlaceResult;
    this.flush();
    if (result.status === 'rejected') {
      throw new VenueRejectedError(`the replacement of ${cloid} was refused: ${result.reason}`);
    }
    return (this.byCloid.get(cloid) as PaperOrder).oid;
  }

  async cancel(orders: readonly { coin: string; cloid: string }[]): Promise<boolean[]> {
    const results = this.record({ kind: 'cancel', cloids: orders.map((o) => o.cloid) }) as boolean[];
    this.flush();
    return results;
  }

  async cancelAll(coin: string): Promise<number> {
    const open = [...this.byCloid.values()].filter((o) => o.status === 'open' && o.order.coin === coin);
    const done = await this.cancel(open.map((o) => ({ coin, cloid: o.order.cloid })));
    return done.filter(Boolean).length;
  }

  /** The paper venue has no price grid: prices are used as given. */
  roundPrice(_coin: string, price: Decimal): Decimal {
    return price;
  }

  async orderByCloid(cloid: string): Promise<VenueOrderState | null> {
    const order = this.byCloid.get(cloid);
    return order ? stateOf(order) : null;
  }

  async openOrders(): Promise<VenueOrderState[]> {
    return [...this.byCloid.values()].filter((o) => o.status === 'open').map(stateOf);
  }

  async fillsSince(time: number): Promise<VenueFill[]> {
    return this.fills.filter((f) => f.time >= time);
  }

  async fundingSince(time: number): Promise<VenueFunding[]> {
    return this.fundings.filter((f) => f.time >= time);
  }

  async account(): Promise<AccountState> {
    const account = this.venue.account;
    const mark = Number.isNaN(this.price) ? null : new Decimal(this.price);
    const qty = account.qty;
    return {
      equity: mark ? account.equityAt(mark) : account.cash,
      positions: qty.isZero()
        ? []
        : [{ coin: this.options.coin, qty, entryPrice: account.size.isZero() ? null : account.cost.div(account.size) }],
    };
  }

  async mark(coin: string): Promise<Decimal> {
    if (coin !== this.options.coin) throw new ValidationError(`the paper venue has no price for ${coin}`);
    if (Number.isNaN(this.price)) throw new ValidationError('the paper venue has no price yet (no bar has closed)');
    return new Decimal(this.price);
  }

  async setLeverage(coin: string, leverage: number): Promise<void> {
    if (coin !== this.options.coin) throw new ValidationError(`unknown coin "${coin}"`);
    if (leverage !== this.options.venue.leverage) {
      throw new ValidationError(
        `the paper account's leverage is ${this.options.venue.leverage}× (set when the session starts), not ${leverage}×`,
      );
    }
  }

  /** Nothing outlives a paper session: there is no switch to arm. */
  async deadManSwitch(): Promise<void> {}

  async subscribe(handlers: ExecutionHandlers): Promise<{ close(): Promise<void> }> {
    this.handlers = handlers;
    return {
      close: async () => {
        this.handlers = null;
      },
    };
  }

  /** Journals a command, then applies it (at the session clock's time). */
  private record(command: Command): unknown {
    const at = Math.trunc(this.options.clock.now());
    this.options.journal.append([{ at, event: `paper.${command.kind}`, payload: payloadOf(command) }]);
    const result = this.apply(command, at);
    if (command.kind === 'bar') this.flush();
    return result;
  }

  private apply(command: Command, at: number): unknown {
    switch (command.kind) {
      case 'bar': {
        const { bar } = command;
        this.lastBar = bar.time;
        this.time = Math.max(this.time, bar.time);
        this.venue.openBar(this.bars++, bar.time, bar.open);
        this.venue.runBar(bar.open, bar.high, bar.low, bar.close);
        this.price = bar.close;
        return undefined;
      }
      case 'place':
        this.price = command.price;
        this.time = Math.max(this.time, at);
        this.venue.setTime(this.time);
        return this.applyPlace(command.orders, command.grouping);
      case 'modify':
        this.price = command.price;
        this.time = Math.max(this.time, at);
        this.venue.setTime(this.time);
        return this.applyModify(command.order);
      case 'cancel':
        this.venue.setTime(Math.max(this.time, at));
        return command.cloids.map((cloid) => {
          const order = this.byCloid.get(cloid);
          if (!order || order.status !== 'open') return false;
          return order.venueId !== null && this.venue.cancel(order.venueId, 'canceled by request');
        });
    }
  }

  private applyModify(order: ExecOrder): PlaceResult {
    const old = this.byCloid.get(order.cloid);
    if (!old || old.status !== 'open') return { status: 'rejected', reason: 'Cannot modify canceled or filled order' };
    // Replaced, not ended: the owner keeps tracking the order under its new oid, so the
    // simulator's cancel of the old one is not reported as the order's end.
    old.status = 'replaced';
    old.statusTime = this.time;
    if (old.venueId !== null) this.venue.cancel(old.venueId, 'replaced by a modify');
    return this.placeOne(order, old.group);
  }

  private applyPlace(orders: readonly ExecOrder[], grouping: string): PlaceResult[] {
    // Position TP/SL: one-cancels-other, like the venue's position brackets.
    const group = grouping === 'na' ? null : `tpsl-${(orders[0] as ExecOrder).cloid}`;
    return orders.map((order) => this.placeOne(order, group));
  }

  private placeOne(order: ExecOrder, group: string | null): PlaceResult {
    const paper: PaperOrder = {
      order,
      oid: this.nextOid++,
      group,
      venueId: null,
      status: 'open',
      remaining: order.qty,
      statusTime: this.time,
    };
    this.byCloid.set(order.cloid, paper);
    const request: OrderRequest = {
      kind: order.kind,
      side: order.side,
      qty: order.qty,
      limitPrice: order.limitPrice,
      triggerPrice: order.triggerPrice,
      tif: order.tif,
      reduceOnly: order.reduceOnly,
      clientId: order.cloid,
      group,
    };
    const result = this.venue.submit(request, this.price);
    if (result.status === 'rejected') {
      paper.status = 'rejected';
      return { status: 'rejected', reason: result.reason ?? 'rejected' };
    }
    if (result.status === 'canceled') {
      return { status: 'rejected', reason: result.reason ?? 'canceled' };
    }
    if (result.status === 'filled') {
      const filled = this.fills.filter((f) => f.oid === paper.oid);
      const qty = filled.reduce((sum, f) => sum.plus(f.qty), new Decimal(0));
      const value = filled.reduce((sum, f) => sum.plus(f.qty.times(f.price)), new Decimal(0));
      return {
        status: 'filled',
        oid: paper.oid,
        filledQty: qty,
        avgPrice: qty.isZero() ? new Decimal(0) : value.div(qty),
      };
    }
    return { status: 'resting', oid: paper.oid };
  }

  private onVenueEvent(event: SessionEvent): void {
    if (event.event === 'OrderAccepted' || event.event === 'OrderRejected') {
      // Our orders carry their cloid as client id: that ties the simulator's id to them. Its
      // own orders (a liquidation's close) have none.
      const cloid = event.payload.order.clientId;
      const order = cloid === null ? undefined : this.byCloid.get(cloid);
      if (order && order.venueId === null) {
        order.venueId = event.payload.order.orderId;
        this.byVenueId.set(order.venueId, order);
      }
      if (order && event.event === 'OrderRejected') this.update(order, 'rejected', event.payload.at);
    } else if (event.event === 'OrderFilled') {
      const order = this.byVenueId.get(event.payload.orderId);
      const qty = new Decimal(event.payload.qty);
      if (order) order.remaining = order.remaining.minus(qty);
      // A fill of the venue's own order (a liquidation) is still a fill of the account.
      const fill: VenueFill = {
        tid: this.nextTid++,
        oid: order?.oid ?? this.nextOid++,
        cloid: order?.order.cloid ?? null,
        coin: this.options.coin,
        side: event.payload.side as Side,
        price: new Decimal(event.payload.price),
        qty,
        fee: new Decimal(event.payload.fee),
        closedPnl: new Decimal(event.payload.realizedPnl),
        time: event.payload.at,
        crossed: event.payload.liquidity === 'taker',
      };
      this.fills.push(fill);
      if (order && order.remaining.lte(0)) this.update(order, 'filled', event.payload.at);
      if (!this.replaying) this.pendingFills.push(fill);
    } else if (event.event === 'OrderCanceled') {
      const order = this.byVenueId.get(event.payload.orderId);
      if (order && order.status === 'open') this.update(order, 'canceled', event.payload.at);
    } else if (event.event === 'FundingPaid') {
      const funding: VenueFunding = {
        coin: this.options.coin,
        amount: new Decimal(event.payload.amount),
        rate: new Decimal(event.payload.rate),
        qty: new Decimal(event.payload.position),
        time: event.payload.at,
      };
      this.fundings.push(funding);
      if (!this.replaying) this.pendingFundings.push(funding);
    } else if (event.event === 'PositionLiquidated') {
      for (const order of this.byCloid.values())
        if (order.status === 'open') this.update(order, 'marginCanceled', event.payload.at);
    }
  }

  private update(order: PaperOrder, status: string, time: number): void {
    order.status = status;
    order.statusTime = time;
    if (!this.replaying) this.pendingUpdates.push(stateOf(order));
  }

  /** Pushes what happened to the subscriber, after the caller's call has returned. */
  private flush(): void {
    const fills = this.pendingFills;
    const updates = this.pendingUpdates;
    const fundings = this.pendingFundings;
    this.pendingFills = [];
    this.pendingUpdates = [];
    this.pendingFundings = [];
    const handlers = this.handlers;
    if (!handlers || (fills.length === 0 && updates.length === 0 && fundings.length === 0)) return;
    void Promise.resolve().then(() => {
      if (updates.length > 0) handlers.onOrderUpdates(updates);
      if (fills.length > 0) handlers.onFills(fills);
      if (fundings.length > 0) handlers.onFunding?.(fundings);
    });
  }
}

function stateOf(order: PaperOrder): VenueOrderState {
  return {
    oid: order.oid,
    cloid: order.order.cloid,
    coin: order.order.coin,
    side: order.order.side,
    qty: order.status === 'open' ? order.remaining : new Decimal(0),
    origQty: order.order.qty,
    limitPrice: order.order.limitPrice ?? order.order.triggerPrice ?? new Decimal(0),
    status: order.status,
    statusTime: order.statusTime,
  };
}

function payloadOf(command: Command): Record<string, unknown> {
  switch (command.kind) {
    case 'bar':
      return { ...command.bar };
    case 'cancel':
      return { cloids: command.cloids };
    case 'modify':
      return { price: command.price, order: orderRecord(command.order) };
    case 'place':
      return {
        grouping: command.grouping,
        price: command.price,
        orders: command.orders.map(orderRecord),
      };
  }
}

function commandOf(entry: JournalEntry): Command {
  const p = entry.payload;
  switch (entry.event) {
    case 'paper.bar':
      return {
        kind: 'bar',
        bar: {
          time: Number(p.time),
          open: Number(p.open),
          high: Number(p.high),
          low: Number(p.low),
          close: Number(p.close),
        },
      };
    case 'paper.cancel':
      return { kind: 'cancel', cloids: p.cloids as string[] };
    case 'paper.modify':
      return { kind: 'modify', price: Number(p.price), order: orderFromRecord(p.order as Record<string, unknown>) };
    case 'paper.place':
      return {
        kind: 'place',
        grouping: String(p.grouping),
        price: Number(p.price),
        orders: (p.orders as Record<string, unknown>[]).map(orderFromRecord),
      };
    default:
      throw new ValidationError(`the paper journal has an entry this version does not know: ${entry.event}`);
  }
}
