import { Decimal } from 'decimal.js';
import type { SessionEvent } from '../../shared/contract/session-events.ts';
import { toWire } from '../../shared/values/decimal-values.ts';
import { isTriggerKind, type Liquidity } from '../../shared/values/order.ts';
import { powerOfTenPlaces } from './lots.ts';
import { orderProblem } from './order-checks.ts';
import { Account, compareSizes, type PricedFill } from './account.ts';
import { FundingSchedule, FUNDING_PERIOD_MS, nextFundingHour } from './funding-schedule.ts';
import { highFirst } from './intrabar-path.ts';
import { liquidationPrice, marginFor } from './margin.ts';
import type { ExitReason } from './trade-record.ts';
import type { VenueConfig } from '../../shared/contract/venue-config.ts';
import { actionOf, isMarketOnTrigger, snapshotOf, type OrderRequest, type WorkingOrder } from './working-order.ts';

/** What happened to a submitted order. */
export interface SubmitResult {
  readonly orderId: string;
  readonly status: 'filled' | 'resting' | 'rejected' | 'canceled';
  readonly reason?: string;
}

/** Options for {@link SimVenue}. */
export interface SimVenueOptions {
  readonly sessionId: string;
  /** Receives every order, fill, funding and liquidation event; null to skip building them. */
  readonly emit: ((event: SessionEvent) => void) | null;
}

const ZERO = new Decimal(0);
const ONE = new Decimal(1);
const BPS = new Decimal(10_000);

/**
 * The simulated exchange of backtests, replays and paper trading: one market, one netting
 * position, exact decimal accounting. Orders rest, trigger and fill as price walks each bar
 * from its open through its extremes to its close (see {@link highFirst}); a gap at the open
 * fills everything it jumps over at the open. Partial fills are not modelled: a touched
 * order fills whole.
 */
export class SimVenue {
  readonly account: Account;
  /** Hours of funding the series had no rate for (charged nothing). */
  fundingHoursMissing = 0;
  private readonly config: VenueConfig;
  private readonly emitter: ((event: SessionEvent) => void) | null;
  private readonly sessionId: string;
  private readonly orders: WorkingOrder[] = [];
  private readonly makerFee: Decimal;
  private readonly takerFee: Decimal;
  private readonly makerFeeF: number;
  private readonly takerFeeF: number;
  private readonly slipUp: Decimal;
  private readonly slipDown: Decimal;
  private readonly slippage: boolean;
  private readonly leverage: Decimal;
  private readonly mmrF: number;
  private readonly isolated: boolean;
  private readonly funding: FundingSchedule;
  private nextHour = Number.NaN;
  private readonly lot: Decimal;
  /** Decimal places of the lot when it is 10^-n (n ≥ 0), else null. */
  private readonly lotPlaces: number | null;
  private seq = 0;
  /** The order a `submit` is following through `atPoint`, and how it ended. */
  private watched: string | null = null;
  private watchedResult: SubmitResult | null = null;
  private lastPriceF = Number.NaN;
  private lastPrice = ZERO;
  private time = 0;
  private bar = -1;
  /** Price at which the position is liquidated, NaN when it cannot be. */
  private liqF = Number.NaN;

  constructor(config: VenueConfig, options: SimVenueOptions) {
    this.config = config;
    this.sessionId = options.sessionId;
    this.emitter = options.emit;
    this.makerFee = new Decimal(config.makerFee);
    this.takerFee = new Decimal(config.takerFee);
    this.account = new Account(new Decimal(config.capital), this.makerFee, this.takerFee);
    this.makerFeeF = this.makerFee.toNumber();
    this.takerFeeF = this.takerFee.toNumber();
    const slip = new Decimal(config.slippageBps).div(BPS);
    this.slippage = !slip.isZero();
    this.slipUp = ONE.plus(slip);
    this.slipDown = ONE.minus(slip);
    this.leverage = new Decimal(config.leverage);
    this.mmrF = Number(config.maintenanceMarginRate);
    this.isolated = config.marginMode === 'isolated';
    this.funding = new FundingSchedule(config.funding);
    this.lot = new Decimal(config.lotSize);
    this.lotPlaces = powerOfTenPlaces(this.lot);
  }

  /** Orders resting or waiting for their trigger. */
  get workingOrders(): readonly WorkingOrder[] {
    return this.orders;
  }

  /** Sets the time stamped on what happens next (the close time, in close-fill mode). */
  setTime(time: number): void {
    this.time = time;
  }

  /**
   * Starts bar `index`, opening at `time`: settles the funding hours up to it on the position
   * held into the bar, then fills whatever the open price reached (gaps fill at the open).
   */
  openBar(index: number, time: number, open: number): void {
    this.bar = index;
    this.time = time;
    if (!this.funding.none) this.settleFunding(time, open);
    if (this.orders.length > 0 || !Number.isNaN(this.liqF)) this.atPoint(open);
  }

  /** Walks the rest of the bar: open → extremes (order per the intrabar mode) → close. */
  runBar(open: number, high: number, low: number, close: number): void {
    if (this.orders.length === 0) {
      // Only a liquidation could happen: look at the extreme against the position.
      const liq = this.liqF;
      if (Number.isNaN(liq) || (this.account.qtyF > 0 ? low > liq : high < liq)) return;
    }
    const first = highFirst(this.config.intrabar, this.account.qtyF, open, high, low);
    let price = this.walk(open, first ? high : low);
    price = this.walk(price, first ? low : high);
    this.walk(price, close);
  }

  /** Settles the funding hours after the last settled one up to `time` (the end of the data). */
  settleFundingUntil(time: number, price: number): void {
    if (!this.funding.none) this.settleFunding(time, price);
  }

  /**
   * Submits an order at the current price `priceF` (a bar's open or close); `sizeF` is its
   * size as a plain number when the caller already has it. Market orders
   * and limit orders that cross fill at once as takers; post-only (`alo`) orders that would
   * cross are rejected; `ioc` orders that do not cross are canceled; the rest rest.
   */
  submit(request: OrderRequest, priceF: number, sizeF = request.qty.toNumber()): SubmitResult {
    const id = `o${++this.seq}`;
    const problem = this.validate(request);
    if (problem) return this.reject({ id, request }, problem);
    const kind = request.kind;
    const order: WorkingOrder = {
      id,
      seq: this.seq,
      request,
      kind,
      side: request.side,
      tif: request.tif ?? 'gtc',
      qtyF: sizeF,
      limitF: request.limitPrice ? request.limitPrice.toNumber() : Number.NaN,
      triggerF: request.triggerPrice ? request.triggerPrice.toNumber() : Number.NaN,
      triggered: false,
    };
    if (kind === 'limit') {
      const crosses = request.side === 'buy' ? order.limitF >= priceF : order.limitF <= priceF;
      if (crosses && order.tif === 'alo') return this.reject(order, 'post-only order would take liquidity');
      this.accepted(order);
      // A marketable limit takes liquidity at the current price, no worse than its limit.
      if (crosses)
        return this.fillNow(order, new Decimal(priceF), priceF, 'taker', 'order', request.limitPrice as Decimal);
      if (order.tif === 'ioc') return this.cancelUnfilled(order, 'ioc order did not cross');
      this.orders.push(order);
      return { orderId: id, status: 'resting' };
    }
    this.accepted(order);
    if (kind === 'market') return this.fillNow(order, this.decimalOf(priceF), priceF, 'taker', 'order');
    this.orders.push(order);
    // A trigger order whose trigger is already reached acts now; remember how it ended.
    this.watched = id;
    this.watchedResult = null;
    try {
      this.atPoint(priceF);
    } finally {
      this.watched = null;
    }
    if (this.orders.includes(order)) return { orderId: id, status: 'resting' };
    return this.watchedResult ?? { orderId: id, status: 'filled' };
  }

  /** Cancels a working order; false when it is not working (filled, canceled, unknown). */
  cancel(orderId: string, reason: string): boolean {
    const order = this.orders.find((o) => o.id === orderId);
    if (!order) return false;
    this.remove(order);
    this.canceled(order, reason);
    return true;
  }

  /** Cancels every working order that `match` selects. */
  cancelWhere(match: (order: WorkingOrder) => boolean, reason: string): void {
    if (this.orders.length === 0) return;
    for (const order of [...this.orders]) if (match(order)) this.cancel(order.id, reason);
  }

  /** Closes the whole position at `priceF` with a market order; returns false when flat. */
  closePosition(priceF: number, reason: ExitReason): boolean {
    const account = this.account;
    if (account.qtyF === 0) return false;
    const id = `o${++this.seq}`;
    const side = account.long ? 'sell' : 'buy';
    const order: WorkingOrder = {
      id,
      seq: this.seq,
      request: { kind: 'market', side, qty: account.size, reduceOnly: true },
      kind: 'market',
      side,
      tif: 'ioc',
      qtyF: Math.abs(this.account.qtyF),
      limitF: Number.NaN,
      triggerF: Number.NaN,
      triggered: false,
    };
    this.accepted(order);
    this.fillNow(order, this.decimalOf(priceF), priceF, 'taker', reason);
    return true;
  }

  /** The exact price a bar's plain-number price stands for; the last one is reused (a flip fills twice at it). */
  private decimalOf(priceF: number): Decimal {
    if (priceF !== this.lastPriceF) {
      this.lastPriceF = priceF;
      this.lastPrice = new Decimal(priceF);
    }
    return this.lastPrice;
  }

  private validate(request: OrderRequest): string | null {
    return orderProblem(request, this.lot, this.lotPlaces, this.reduceOnlyBlocked(request.side));
  }

  private reduceOnlyBlocked(side: 'buy' | 'sell'): boolean {
    const q = this.account.qtyF;
    return q === 0 || (side === 'buy') === q > 0;
  }

  /**
   * Processes every order the price `price` reaches at one instant (a gap, an arrival), until
   * none is left; orders act before a liquidation at the same instant (a stop the market
   * jumped over fills first).
   */
  private atPoint(price: number): void {
    for (let guard = this.guardLimit(); guard > 0; guard--) {
      let hit: WorkingOrder | null = null;
      for (const order of this.orders) {
        const { price: level, up } = actionOf(order);
        if (up ? price >= level : price <= level) {
          hit = order;
          break;
        }
      }
      if (hit) {
        this.act(hit, price, true);
        continue;
      }
      if (this.liquidationReached(price)) {
        this.liquidate(price);
        continue;
      }
      return;
    }
    throw new Error('sim-venue: orders keep triggering each other at one price');
  }

  /** Enough iterations for every working order to act a few times; more means a loop. */
  private guardLimit(): number {
    return 1000 + 4 * this.orders.length;
  }

  /**
   * Moves price from `from` to `to`, acting on orders in the order price reaches them (all of
   * those at one level before moving on; on a tie, the older first); returns `to`.
   */
  private walk(from: number, to: number): number {
    let price = from;
    for (let guard = this.guardLimit(); guard > 0; guard--) {
      // A liquidation level already behind the price (after a fill or funding moved it) is reached now.
      if (this.liquidationReached(price)) {
        this.liquidate(price);
        continue;
      }
      if (price === to) return to;
      const up = to > price;
      let best: WorkingOrder | null = null;
      let bestLevel = to;
      for (const order of this.orders) {
        const action = actionOf(order);
        if (action.up !== up) continue;
        const level = action.price;
        const reached = up ? level >= price && level <= bestLevel : level <= price && level >= bestLevel;
        if (!reached || (best !== null && level === bestLevel)) continue;
        best = order;
        bestLevel = level;
      }
      // Liquidation comes after an order at the same level: a stop there fills first.
      const liq = this.liqF;
      const long = this.account.qtyF > 0;
      const liqReached =
        !Number.isNaN(liq) &&
        (long
          ? !up && liq < price && (best === null ? liq >= bestLevel : liq > bestLevel)
          : up && liq > price && (best === null ? liq <= bestLevel : liq < bestLevel));
      if (liqReached) {
        price = liq;
        this.liquidate(liq);
        continue;
      }
      if (!best) return to;
      price = bestLevel;
      this.act(best, price, false);
    }
    throw new Error('sim-venue: orders keep triggering each other inside one bar');
  }

  /** Triggers or fills `order`, which price just reached at `priceF` (`jump`: by a gap or at arrival). */
  private act(order: WorkingOrder, priceF: number, jump: boolean): void {
    const { kind, request } = order;
    if (!order.triggered && isTriggerKind(kind)) {
      order.triggered = true;
      const trigger = request.triggerPrice as Decimal;
      if (this.emitter) {
        this.emitter({
          event: 'OrderTriggered',
          payload: { sessionId: this.sessionId, at: this.time, orderId: order.id, price: toWire(trigger) },
        });
      }
      const reason: ExitReason = kind.startsWith('stop') ? 'stop' : 'take-profit';
      // At a gap the order triggers at the price the market jumped to, not at its trigger.
      const base = jump ? new Decimal(priceF) : trigger;
      const baseF = jump ? priceF : order.triggerF;
      if (isMarketOnTrigger(kind)) {
        this.remove(order);
        this.fillNow(order, base, baseF, 'taker', reason);
        return;
      }
      // A triggered stop-limit whose limit is marketable takes liquidity at once, no worse
      // than its limit; otherwise it rests as a limit order.
      if (order.side === 'buy' ? order.limitF >= baseF : order.limitF <= baseF) {
        this.remove(order);
        this.fillNow(order, base, baseF, 'taker', reason, request.limitPrice as Decimal);
      }
      return;
    }
    // A resting limit adds liquidity: at its limit, or at the better price a gap jumped to.
    this.remove(order);
    const reason: ExitReason = kind === 'stop-limit' ? 'stop' : kind === 'take-profit-limit' ? 'take-profit' : 'order';
    if (jump) this.fillNow(order, new Decimal(priceF), priceF, 'maker', reason);
    else this.fillNow(order, request.limitPrice as Decimal, order.limitF, 'maker', reason);
  }

  /** Fills `order` now at `base` (before slippage); `cap` bounds a taker price by the order's limit. */
  private fillNow(
    order: WorkingOrder,
    base: Decimal,
    baseF: number,
    liquidity: Liquidity,
    reason: ExitReason,
    cap?: Decimal,
  ): SubmitResult {
    const { request } = order;
    const account = this.account;
    const buy = request.side === 'buy';
    let size = request.qty;
    let sizeF = order.qtyF;
    if (request.reduceOnly) {
      if (this.reduceOnlyBlocked(request.side))
        return this.cancelUnfilled(order, 'reduce-only order would open a position');
      // Never more than the position.
      const heldF = Math.abs(account.qtyF);
      if (compareSizes(size, sizeF, account.size, heldF) > 0) {
        size = account.size;
        sizeF = heldF;
      }
    }
    let price = base;
    let priceF = baseF;
    if (liquidity === 'taker' && this.slippage) {
      price = buy ? base.times(this.slipUp) : base.times(this.slipDown);
      priceF = price.toNumber();
    }
    // A marketable limit never fills worse than its limit (checked exactly: marketability
    // was judged on plain numbers).
    if (cap && (buy ? price.gt(cap) : price.lt(cap))) {
      price = cap;
      priceF = cap.toNumber();
    }
    const value = size.times(price);
    const valueF = sizeF * priceF;
    const maker = liquidity === 'maker';
    const fee = value.times(maker ? this.makerFee : this.takerFee);
    const feeF = valueF * (maker ? this.makerFeeF : this.takerFeeF);
    const fill: PricedFill = { buy, size, sizeF, price, priceF, value, valueF, fee, feeF, maker };
    const margin = this.marginFor(fill);
    if (margin === null) return this.cancelUnfilled(order, 'insufficient margin');
    const stop = request.stop ?? null;
    const realized = account.fill(
      fill,
      { time: this.time, bar: this.bar, reason, stop, tag: request.tag ?? null },
      margin,
    );
    this.updateLiquidationPrice();
    if (this.emitter) {
      this.emitter({
        event: 'OrderFilled',
        payload: {
          sessionId: this.sessionId,
          at: this.time,
          orderId: order.id,
          side: request.side,
          price: toWire(price),
          qty: toWire(size),
          fee: toWire(fee),
          liquidity,
          realizedPnl: toWire(realized),
          position: toWire(account.qty),
        },
      });
    }
    if (request.group)
      this.cancelWhere((o) => o.request.group === request.group, 'the other order of its group filled');
    if (account.qtyF === 0 && this.orders.length > 0) {
      this.cancelWhere((o) => o.request.reduceOnly === true, 'the position is closed');
    }
    return this.ended(order, { orderId: order.id, status: 'filled' });
  }

  private ended(order: WorkingOrder, result: SubmitResult): SubmitResult {
    if (order.id === this.watched) this.watchedResult = result;
    return result;
  }

  private marginFor(fill: PricedFill): Decimal | null {
    return marginFor(this.account, fill, this.config.leverage, this.leverage, this.isolated);
  }

  private updateLiquidationPrice(): void {
    this.liqF = liquidationPrice(this.account, this.isolated, this.mmrF);
  }

  private liquidationReached(price: number): boolean {
    const liq = this.liqF;
    if (Number.isNaN(liq)) return false;
    return this.account.qtyF > 0 ? price <= liq : price >= liq;
  }

  private liquidate(priceF: number): void {
    const position = this.account.qty;
    this.cancelWhere(() => true, 'liquidation');
    if (this.emitter) {
      this.emitter({
        event: 'PositionLiquidated',
        payload: {
          sessionId: this.sessionId,
          at: this.time,
          price: toWire(new Decimal(priceF)),
          position: toWire(position),
        },
      });
    }
    this.closePosition(priceF, 'liquidation');
  }

  private settleFunding(time: number, price: number): void {
    if (Number.isNaN(this.nextHour)) {
      this.nextHour = nextFundingHour(time);
      return;
    }
    for (; this.nextHour <= time; this.nextHour += FUNDING_PERIOD_MS) {
      const rate = this.funding.rateAt(this.nextHour);
      if (rate === null) {
        this.fundingHoursMissing++;
        continue;
      }
      const position = this.account.qty;
      if (position.isZero()) continue;
      const mark = new Decimal(price);
      // Positive rates: longs pay, shorts receive.
      const amount = position.times(mark).times(rate).neg();
      this.account.addFunding(amount);
      this.updateLiquidationPrice();
      this.emitter?.({
        event: 'FundingPaid',
        payload: {
          sessionId: this.sessionId,
          at: this.nextHour,
          rate: toWire(rate),
          price: toWire(mark),
          position: toWire(position),
          amount: toWire(amount),
        },
      });
    }
  }

  private remove(order: WorkingOrder): void {
    const index = this.orders.indexOf(order);
    if (index >= 0) this.orders.splice(index, 1);
  }

  private cancelUnfilled(order: WorkingOrder, reason: string): SubmitResult {
    this.remove(order);
    this.canceled(order, reason);
    return this.ended(order, { orderId: order.id, status: 'canceled', reason });
  }

  private reject(order: { id: string; request: OrderRequest }, reason: string): SubmitResult {
    if (this.emitter) {
      this.emitter({
        event: 'OrderRejected',
        payload: { sessionId: this.sessionId, at: this.time, order: snapshotOf(order), reason },
      });
    }
    return { orderId: order.id, status: 'rejected', reason };
  }

  private accepted(order: WorkingOrder): void {
    if (this.emitter) {
      this.emitter({
        event: 'OrderAccepted',
        payload: { sessionId: this.sessionId, at: this.time, order: snapshotOf(order) },
      });
    }
  }

  private canceled(order: WorkingOrder, reason: string): void {
    this.emitter?.({
      event: 'OrderCanceled',
      payload: { sessionId: this.sessionId, at: this.time, orderId: order.id, reason },
    });
  }
}
