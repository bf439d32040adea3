import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { isValidPrice } from '../../hyperliquid/hl-wire.ts';
import type { SimClock } from '../sim-clock.ts';
import { SIM_FUNDING_INTERVAL, SIM_MAX_RANGE_ITEMS, SimFundingRates } from '../sim-funding.ts';
import type { SimMarket } from '../sim-market.ts';
import { NonceWindow } from './nonce-window.ts';
import {
  applyFill,
  applyFunding,
  clearinghouseView,
  direction,
  frontendOrderView,
  newUser,
  openOrderView,
  positionMargin,
  type SimFill,
  type SimFundingPayment,
  type SimOrder,
  type SimUser,
} from './sim-accounts.ts';
import { recoverL1Signer, recoverUserSigner, type WireSignature } from './verify-signature.ts';

/** Options for {@link SimExchange}. */
export interface SimExchangeOptions {
  readonly market: SimMarket;
  readonly clock: SimClock;
  /** Which network signatures must be made for (L1 source "b" on testnet). Default testnet. */
  readonly isTestnet?: boolean;
  readonly takerFee?: string;
  readonly makerFee?: string;
  /** Width of the simulated book around the mark, in basis points. */
  readonly spreadBps?: number;
}

/** Something the exchange pushes to a user's WebSocket subscriptions. */
export interface SimUserEvent {
  readonly user: string;
  readonly channel: 'orderUpdates' | 'userFills' | 'user';
  readonly data: unknown;
}

/** A trade on a coin's public tape, in the venue's `trades` channel shape. */
export interface SimTrade {
  readonly coin: string;
  /** The aggressor's side. */
  readonly side: 'B' | 'A';
  readonly px: string;
  readonly sz: string;
  readonly hash: string;
  readonly time: number;
  readonly tid: number;
  /** Buyer, then seller. */
  readonly users: readonly [string, string];
}

/** The rest of the simulated market: the other side of every fill, and of the tape's trades. */
export const SIM_MARKET_MAKER = '0x000000000000000000000000000000000000beef';

/** An /exchange answer: HTTP status and body. */
export interface SimReply {
  readonly status: number;
  readonly body: unknown;
}

const Hex = z.string().regex(/^0x[0-9a-fA-F]+$/);
const ExchangeBody = z.object({
  action: z.record(z.string(), z.unknown()).and(z.object({ type: z.string() })),
  nonce: z.number().int(),
  signature: z.object({ r: Hex, s: Hex, v: z.number().int() }),
  vaultAddress: Hex.nullish(),
  expiresAfter: z.number().int().nullish(),
});

const WireOrderSchema = z.object({
  a: z.number().int().nonnegative(),
  b: z.boolean(),
  p: z.string(),
  s: z.string(),
  r: z.boolean(),
  t: z.union([
    z.object({ limit: z.object({ tif: z.enum(['Gtc', 'Ioc', 'Alo', 'FrontendMarket']) }) }),
    z.object({ trigger: z.object({ isMarket: z.boolean(), triggerPx: z.string(), tpsl: z.enum(['tp', 'sl']) }) }),
  ]),
  c: z
    .string()
    .regex(/^0x[0-9a-fA-F]{32}$/)
    .optional(),
});
type WireOrderIn = z.infer<typeof WireOrderSchema>;

const OK_DEFAULT = { status: 'ok', response: { type: 'default' } } as const;
const NO_USER = (address: string) => `L1 error: User or API Wallet ${address} does not exist.`;
const MISSING_ORDER = 'Order was never placed, already canceled, or filled.';

function err(message: string): SimReply {
  return { status: 200, body: { status: 'err', response: message } };
}

function decimal(text: string): Decimal | null {
  if (!/^-?\d+(\.\d+)?$/.test(text)) return null;
  return new Decimal(text);
}

/**
 * The exchange side of hl-sim: accounts, agents, nonces, an order book per coin that
 * matches against the simulated mark price (taker fills at the touch, resting limits when
 * the mark reaches them, triggers on the mark), modify as cancel-and-replace, isolated
 * margin, positions and fills in the venue's shapes, a public tape (every fill, and a one-lot
 * trade at each move of the mark), per-address request counts, and the venue's error
 * strings (the refusals of updateIsolatedMargin are the sim's own wording). Signatures are
 * verified and the signer recovered exactly as the venue does, so a client that signs wrongly
 * fails here too. Funding settles on every position at each hour the clock passes, at the
 * rate {@link SimExchange.funding} reports for that hour. Test controls: set the price or a
 * coin's funding rate, reject or partly fill the next orders, push a raw user event.
 */
export class SimExchange {
  private readonly options: SimExchangeOptions;
  private readonly users = new Map<string, SimUser>();
  /** Agent address → the user it signs for. */
  private readonly agentOf = new Map<string, string>();
  private readonly nonces = new NonceWindow();
  private readonly overrides = new Map<string, Decimal>();
  private readonly listeners = new Set<(event: SimUserEvent) => void>();
  private readonly tape = new Set<(trade: SimTrade) => void>();
  /** Last price each coin's tape printed, to print a trade when the mark moves. */
  private readonly lastPrinted = new Map<string, string>();
  private readonly takerFee: Decimal;
  private readonly makerFee: Decimal;
  private nextOid = 1_000;
  private nextTid = 1;
  /** Tape trades of price moves are numbered apart, so fills keep their tids. */
  private nextTapeTid = 1_000_000_000;
  private rejections: string[] = [];
  private partialFraction: Decimal | null = null;
  /** The last hour whose funding has been settled (hours up to the start predate every position). */
  private settledHour: number;
  /** Funding rates per coin and hour: what fundingHistory reports and what positions pay. */
  readonly funding = new SimFundingRates();

  constructor(options: SimExchangeOptions) {
    this.options = options;
    this.takerFee = new Decimal(options.takerFee ?? '0.00045');
    this.makerFee = new Decimal(options.makerFee ?? '0.00015');
    this.settledHour = Math.floor(options.clock.now() / SIM_FUNDING_INTERVAL) * SIM_FUNDING_INTERVAL;
    options.clock.onTick(() => this.tick());
  }

  // ---- test and demo controls -------------------------------------------------------

  /** Credits `usdc` to `address` (creating the account): what a deposit does. */
  fund(address: string, usdc: Decimal.Value): void {
    const key = address.toLowerCase();
    const user = this.users.get(key);
    if (user) user.usdc = user.usdc.plus(usdc);
    else this.users.set(key, newUser(key, new Decimal(usdc)));
  }

  /** Pins the mark of `coin` (null returns it to the synthetic walk); resting orders react at once. */
  setPrice(coin: string, price: Decimal.Value | null): void {
    if (price === null) this.overrides.delete(coin);
    else this.overrides.set(coin, new Decimal(price));
    this.tick();
  }

  /**
   * Pins `coin`'s hourly funding rate (a fraction: 0.001 is 0.1 % per hour) for every
   * settlement from the next hour on; null returns it to the interest component alone.
   */
  setFundingRate(coin: string, rate: Decimal.Value | null): void {
    if (!this.coin(coin)) throw new Error(`hl-sim lists no coin ${coin}`);
    this.funding.setRate(coin, rate, this.options.clock.now());
  }

  /**
   * Pushes `data` to `address`'s userEvents subscriptions as the venue would (channel
   * "user"): for events the sim does not produce itself, such as `liquidation` or
   * `nonUserCancel`.
   */
  pushUserEvent(address: string, data: unknown): void {
    this.emit({ user: address.toLowerCase(), channel: 'user', data });
  }

  /**
   * `address`'s funding payments settled in [startTime, endTime], oldest first, at most 500:
   * the venue's `userFunding` answer.
   */
  fundingPayments(address: string, startTime: number, endTime: number): SimFundingPayment[] {
    const user = this.users.get(address.toLowerCase());
    if (!user) return [];
    const out: SimFundingPayment[] = [];
    for (const payment of user.fundings) {
      if (payment.time < startTime || payment.time > endTime) continue;
      out.push(payment);
      if (out.length === SIM_MAX_RANGE_ITEMS) break;
    }
    return out;
  }

  /** The next `count` orders are refused with `message` (a venue error string). */
  rejectNext(count: number, message: string): void {
    this.rejections = Array.from({ length: count }, () => message);
  }

  /** The next taker order fills only this share of its size (the rest rests or is canceled). */
  partlyFillNext(fraction: Decimal.Value): void {
    this.partialFraction = new Decimal(fraction);
  }

  /** Subscribes to user events (the WebSocket server forwards them). */
  onEvent(listener: (event: SimUserEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Subscribes to the public tape: every fill, and a trade at each move of a coin's mark. */
  onTrade(listener: (trade: SimTrade) => void): () => void {
    this.tape.add(listener);
    return () => this.tape.delete(listener);
  }

  /** The account of `address`, for tests. */
  user(address: string): SimUser | undefined {
    return this.users.get(address.toLowerCase());
  }

  /** Mark price of `coin`. */
  mark(coin: string): Decimal {
    return this.overrides.get(coin) ?? new Decimal(this.options.market.mids()[coin] ?? '0');
  }

  /** Best bid and ask around the mark, on the price grid. */
  book(coin: string): { bid: Decimal; ask: Decimal } {
    const mark = this.mark(coin);
    const half = new Decimal(this.options.spreadBps ?? 2).div(20_000);
    const sz = this.coin(coin)?.szDecimals ?? 5;
    const grid = (p: Decimal, up: boolean) => {
      const places = Math.max(6 - sz, 0);
      let q = p.toDecimalPlaces(places, up ? Decimal.ROUND_CEIL : Decimal.ROUND_FLOOR);
      if (!q.isInteger()) q = q.toSignificantDigits(5, up ? Decimal.ROUND_CEIL : Decimal.ROUND_FLOOR);
      return q;
    };
    return {
      bid: grid(mark.times(new Decimal(1).minus(half)), false),
      ask: grid(mark.times(new Decimal(1).plus(half)), true),
    };
  }

  // ---- /exchange ---------------------------------------------------------------------

  /** Answers a POST /exchange body. */
  async exchange(raw: unknown): Promise<SimReply> {
    const parsed = ExchangeBody.safeParse(raw);
    if (!parsed.success) return { status: 422, body: 'Failed to deserialize the JSON body into the target type' };
    const { action, nonce, signature } = parsed.data;
    const vaultAddress = parsed.data.vaultAddress?.toLowerCase() as `0x${string}` | undefined;
    const expiresAfter = parsed.data.expiresAfter ?? undefined;
    const now = this.options.clock.now();
    if (expiresAfter !== undefined && expiresAfter < now)
      return err(`Action expired: expiresAfter ${expiresAfter} is before ${now}`);
    const type = action.type;
    if (type === 'approveAgent') return this.approveAgent(action, nonce, signature as WireSignature);
    let signer: string;
    try {
      signer = await recoverL1Signer({
        action,
        nonce,
        signature: signature as WireSignature,
        vaultAddress,
        expiresAfter,
        isTestnet: this.options.isTestnet ?? true,
      });
    } catch {
      return err('Invalid signature');
    }
    const address = this.users.has(signer) ? signer : this.agentOf.get(signer);
    const user = address ? this.users.get(address) : undefined;
    if (!user) return err(NO_USER(signer));
    if (vaultAddress) return err(`Vault not registered: ${vaultAddress}`);
    const nonceProblem = this.nonces.accept(signer, nonce, now);
    if (nonceProblem) return err(nonceProblem);
    // The address budget counts a batch of n as n requests (the IP limit counts it as one).
    const batch = [action.orders, action.cancels, action.modifies].find(Array.isArray);
    user.requests += Math.max(1, batch?.length ?? 0);
    switch (type) {
      case 'order':
        return this.order(user, action);
      case 'cancel':
        return this.cancel(user, action, false);
      case 'cancelByCloid':
        return this.cancel(user, action, true);
      case 'modify':
        return this.modify(user, [action], false);
      case 'batchModify':
        return this.modify(user, (action.modifies as unknown[] | undefined) ?? [], true);
      case 'updateLeverage':
        return this.updateLeverage(user, action);
      case 'updateIsolatedMargin':
        return this.updateIsolatedMargin(user, action);
      case 'scheduleCancel':
        return this.scheduleCancel(user, action, now);
      case 'noop':
        return { status: 200, body: OK_DEFAULT };
      default:
        return { status: 501, body: `hl-sim does not simulate the ${JSON.stringify(type)} action` };
    }
  }

  private async approveAgent(
    action: Record<string, unknown>,
    nonce: number,
    signature: WireSignature,
  ): Promise<SimReply> {
    if (action.nonce !== nonce) return err('approveAgent: the action nonce must equal the request nonce');
    const chain = (this.options.isTestnet ?? true) ? 'Testnet' : 'Mainnet';
    if (action.hyperliquidChain !== chain) return err(`approveAgent: hyperliquidChain must be ${chain}`);
    const signer = await recoverUserSigner(action, signature);
    const user = this.users.get(signer);
    if (!user) return err(`Must deposit before performing actions. User: ${signer}`);
    const nonceProblem = this.nonces.accept(signer, nonce, this.options.clock.now());
    if (nonceProblem) return err(nonceProblem);
    const agent = String(action.agentAddress).toLowerCase();
    user.agents.set(agent, String(action.agentName ?? ''));
    this.agentOf.set(agent, user.address);
    return { status: 200, body: OK_DEFAULT };
  }

  private coin(name: string) {
    return this.options.market.coins.find((c) => c.name === name);
  }

  private coinOf(asset: number) {
    return this.options.market.coins[asset];
  }

  private order(user: SimUser, action: Record<string, unknown>): SimReply {
    const orders = z.array(WireOrderSchema).min(1).safeParse(action.orders);
    const grouping = action.grouping ?? 'na';
    if (!orders.success || !['na', 'normalTpsl', 'positionTpsl'].includes(String(grouping))) {
      return { status: 422, body: 'Failed to deserialize the JSON body into the target type' };
    }
    if (grouping === 'positionTpsl' && orders.data.some((o) => !o.r)) {
      return err('TP/SL orders must be reduce only.');
    }
    const statuses: unknown[] = [];
    let parent: SimOrder | null = null;
    orders.data.forEach((wire, i) => {
      const child = grouping === 'normalTpsl' && i > 0;
      if (child && parent && parent.sz.gt(0)) {
        const order = this.build(user, wire, false);
        if (typeof order === 'string') statuses.push({ error: order });
        else {
          parent.children.push(order);
          this.status(user, order, 'waitingForFill');
          statuses.push('waitingForFill');
        }
        return;
      }
      const status = this.place(user, wire, grouping === 'positionTpsl');
      statuses.push(status.reply);
      if (i === 0) parent = status.order;
    });
    return { status: 200, body: { status: 'ok', response: { type: 'order', data: { statuses } } } };
  }

  /** Validates a wire order into a book order, or returns the venue's error string. */
  private build(user: SimUser, wire: WireOrderIn, positionTpsl: boolean): SimOrder | string {
    const coin = this.coinOf(wire.a);
    if (!coin) return `Asset ${wire.a} is out of range.`;
    const szDecimals = coin.szDecimals ?? 5;
    const px = decimal(wire.p);
    const sz = decimal(wire.s);
    if (!px || !isValidPrice(px, { szDecimals })) return 'Price must be divisible by tick size.';
    if (!sz || sz.isZero()) return 'Order has zero size.';
    if (sz.isNegative() || sz.decimalPlaces() > szDecimals) return 'Order has invalid size.';
    const trigger = 'trigger' in wire.t ? wire.t.trigger : null;
    const triggerPx = trigger ? decimal(trigger.triggerPx) : null;
    if (trigger && (!triggerPx || !isValidPrice(triggerPx, { szDecimals }))) return 'Invalid TP/SL price.';
    if (!wire.r && px.times(sz).lt(10)) return 'Order must have minimum value of $10.';
    const cloid = wire.c?.toLowerCase() ?? null;
    if (cloid && user.cloids.has(cloid)) return 'Order with this cloid already exists.';
    const tif = 'limit' in wire.t ? (wire.t.limit.tif === 'FrontendMarket' ? 'Ioc' : wire.t.limit.tif) : null;
    return {
      oid: this.nextOid++,
      cloid,
      coin: coin.name,
      side: wire.b ? 'B' : 'A',
      limitPx: px,
      sz,
      origSz: sz,
      timestamp: this.options.clock.now(),
      reduceOnly: wire.r,
      tif,
      trigger: trigger && triggerPx ? { isMarket: trigger.isMarket, triggerPx, tpsl: trigger.tpsl } : null,
      isPositionTpsl: positionTpsl,
      children: [],
    };
  }

  /** Places one order: validation, then an immediate match, a rest, or a refusal. */
  private place(user: SimUser, wire: WireOrderIn, positionTpsl: boolean): { reply: unknown; order: SimOrder | null } {
    const rejection = this.rejections.shift();
    if (rejection) return { reply: { error: rejection }, order: null };
    const order = this.build(user, wire, positionTpsl);
    if (typeof order === 'string') return { reply: { error: order }, order: null };
    const problem = this.reduceOnlyProblem(user, order) ?? this.marginProblem(user, order);
    if (problem) return { reply: { error: problem }, order: null };
    if (order.cloid) user.cloids.set(order.cloid, order.oid);
    const cloid = order.cloid ? { cloid: order.cloid } : {};
    if (order.trigger) {
      this.rest(user, order);
      return { reply: { resting: { oid: order.oid, ...cloid } }, order };
    }
    const { bid, ask } = this.book(order.coin);
    const crosses = order.side === 'B' ? order.limitPx.gte(ask) : order.limitPx.lte(bid);
    if (order.tif === 'Alo' && crosses) {
      user.cloids.delete(order.cloid ?? '');
      return {
        reply: { error: `Post only order would have immediately matched, bbo was ${bid.toFixed()}@${ask.toFixed()}` },
        order: null,
      };
    }
    if (!crosses) {
      if (order.tif === 'Ioc') {
        user.cloids.delete(order.cloid ?? '');
        return { reply: { error: 'Order could not immediately match against any resting orders.' }, order: null };
      }
      this.rest(user, order);
      return { reply: { resting: { oid: order.oid, ...cloid } }, order };
    }
    const touch = order.side === 'B' ? ask : bid;
    const fraction = this.partialFraction;
    this.partialFraction = null;
    const size = fraction
      ? order.sz.times(fraction).toDecimalPlaces(this.coin(order.coin)?.szDecimals ?? 5, Decimal.ROUND_DOWN)
      : order.sz;
    if (size.gt(0)) this.fill(user, order, size, touch, true);
    if (order.sz.isZero())
      return {
        reply: { filled: { totalSz: size.toFixed(), avgPx: touch.toFixed(), oid: order.oid, ...cloid } },
        order,
      };
    if (order.tif === 'Ioc') {
      this.finish(user, order, 'canceled');
      return {
        reply: { filled: { totalSz: size.toFixed(), avgPx: touch.toFixed(), oid: order.oid, ...cloid } },
        order,
      };
    }
    this.rest(user, order);
    return { reply: { resting: { oid: order.oid, ...cloid } }, order };
  }

  private reduceOnlyProblem(user: SimUser, order: SimOrder): string | null {
    if (!order.reduceOnly) return null;
    const szi = user.positions.get(order.coin)?.szi ?? new Decimal(0);
    const increases = szi.isZero() || szi.isPositive() === (order.side === 'B');
    return increases ? 'Reduce only order would increase position.' : null;
  }

  private marginProblem(user: SimUser, order: SimOrder): string | null {
    if (order.reduceOnly) return null;
    // A marketable order is margined at the price it will fill at, a resting one at its limit.
    const { bid, ask } = this.book(order.coin);
    const touch = order.side === 'B' ? ask : bid;
    const crosses = order.trigger === null && (order.side === 'B' ? order.limitPx.gte(ask) : order.limitPx.lte(bid));
    const lev = user.leverage.get(order.coin)?.value ?? 20;
    const required = order.sz.times(crosses ? touch : order.limitPx).div(lev);
    return required.gt(this.freeMargin(user)) ? 'Insufficient margin to place order.' : null;
  }

  private rest(user: SimUser, order: SimOrder): void {
    user.open.set(order.oid, order);
    this.status(user, order, 'open');
  }

  private finish(user: SimUser, order: SimOrder, status: string): void {
    user.open.delete(order.oid);
    this.status(user, order, status);
    if (status !== 'filled') for (const child of order.children) this.status(user, child, 'canceled');
  }

  private status(user: SimUser, order: SimOrder, status: string): void {
    const now = this.options.clock.now();
    user.statuses.set(order.oid, { order, status, statusTimestamp: now });
    this.emit({
      user: user.address,
      channel: 'orderUpdates',
      data: [{ order: openOrderView(order), status, statusTimestamp: now }],
    });
  }

  /** Fills `size` of `order` at `px` (taker when `crossed`), books it and tells the user. */
  private fill(user: SimUser, order: SimOrder, size: Decimal, px: Decimal, crossed: boolean): void {
    const before = user.positions.get(order.coin)?.szi ?? new Decimal(0);
    let qty = size;
    if (order.reduceOnly) qty = Decimal.min(size, before.abs());
    if (qty.isZero()) {
      this.finish(user, order, 'reduceOnlyCanceled');
      return;
    }
    const signed = order.side === 'B' ? qty : qty.neg();
    const realized = applyFill(user, order.coin, signed, px);
    const fee = qty.times(px).times(crossed ? this.takerFee : this.makerFee);
    user.usdc = user.usdc.plus(realized).minus(fee);
    user.cumVolume = user.cumVolume.plus(qty.times(px));
    order.sz = order.sz.minus(qty);
    const after = user.positions.get(order.coin)?.szi ?? new Decimal(0);
    const now = this.options.clock.now();
    const fill: SimFill = {
      coin: order.coin,
      px: px.toFixed(),
      sz: qty.toFixed(),
      side: order.side,
      time: now,
      startPosition: before.toFixed(),
      dir: direction(before, after),
      closedPnl: realized.toFixed(),
      hash: `0x${(this.nextTid * 2654435761).toString(16).padStart(64, '0').slice(-64)}`,
      oid: order.oid,
      crossed,
      fee: fee.toFixed(),
      feeToken: 'USDC',
      tid: this.nextTid++,
      ...(order.cloid ? { cloid: order.cloid } : {}),
    };
    user.fills.push(fill);
    // The same trade on the public tape: the taker is the aggressor, the sim's market the other side.
    const aggressor = crossed ? order.side : order.side === 'B' ? 'A' : 'B';
    this.print({
      coin: order.coin,
      side: aggressor,
      px: fill.px,
      sz: fill.sz,
      hash: fill.hash,
      time: now,
      tid: fill.tid,
      users: order.side === 'B' ? [user.address, SIM_MARKET_MAKER] : [SIM_MARKET_MAKER, user.address],
    });
    this.emit({ user: user.address, channel: 'userFills', data: { user: user.address, fills: [fill] } });
    this.emit({ user: user.address, channel: 'user', data: { fills: [fill] } });
    if (order.sz.isZero()) {
      this.finish(user, order, 'filled');
      for (const child of order.children) this.rest(user, child);
      order.children = [];
    }
    // Reduce-only orders left with nothing to reduce are canceled, as the venue does.
    if (after.isZero()) {
      for (const other of [...user.open.values()]) {
        if (other.coin === order.coin && other.reduceOnly && other !== order)
          this.finish(user, other, 'reduceOnlyCanceled');
      }
    }
  }

  private cancel(user: SimUser, action: Record<string, unknown>, byCloid: boolean): SimReply {
    const list = z
      .array(
        byCloid
          ? z.object({ asset: z.number().int(), cloid: z.string() })
          : z.object({ a: z.number().int(), o: z.number().int() }),
      )
      .safeParse(action.cancels);
    if (!list.success) return { status: 422, body: 'Failed to deserialize the JSON body into the target type' };
    const statuses = list.data.map((c) => {
      const oid = 'cloid' in c ? user.cloids.get(c.cloid.toLowerCase()) : c.o;
      const order = oid === undefined ? undefined : user.open.get(oid);
      if (!order || this.coinOf('asset' in c ? c.asset : c.a)?.name !== order.coin) return { error: MISSING_ORDER };
      this.finish(user, order, 'canceled');
      return 'success';
    });
    return { status: 200, body: { status: 'ok', response: { type: 'cancel', data: { statuses } } } };
  }

  /**
   * Modify is cancel-and-replace on Hyperliquid: the replacement gets a new oid, and fills
   * that happened on the old order stay with the old oid.
   */
  private modify(user: SimUser, modifies: unknown[], batch: boolean): SimReply {
    const list = z
      .array(z.object({ oid: z.union([z.number().int(), z.string()]), order: WireOrderSchema }))
      .safeParse(modifies);
    if (!list.success) return { status: 422, body: 'Failed to deserialize the JSON body into the target type' };
    const statuses = list.data.map((m) => {
      const oid = typeof m.oid === 'number' ? m.oid : user.cloids.get(m.oid.toLowerCase());
      const old = oid === undefined ? undefined : user.open.get(oid);
      if (!old) return { error: MISSING_ORDER };
      this.finish(user, old, 'canceled');
      if (old.cloid && m.order.c?.toLowerCase() === old.cloid) user.cloids.delete(old.cloid);
      return this.place(user, m.order, old.isPositionTpsl).reply;
    });
    if (!batch) {
      const only = statuses[0] as { error?: string } | string;
      return typeof only === 'object' && only.error ? err(only.error) : { status: 200, body: OK_DEFAULT };
    }
    return { status: 200, body: { status: 'ok', response: { type: 'order', data: { statuses } } } };
  }

  private updateLeverage(user: SimUser, action: Record<string, unknown>): SimReply {
    const parsed = z
      .object({ asset: z.number().int(), isCross: z.boolean(), leverage: z.number().int() })
      .safeParse(action);
    if (!parsed.success) return { status: 422, body: 'Failed to deserialize the JSON body into the target type' };
    const coin = this.coinOf(parsed.data.asset);
    if (!coin) return err(`Asset ${parsed.data.asset} is out of range.`);
    if (parsed.data.leverage < 1 || parsed.data.leverage > (coin.maxLeverage ?? 50)) {
      return err(`Invalid leverage value: ${parsed.data.leverage} (max ${coin.maxLeverage ?? 50})`);
    }
    user.leverage.set(coin.name, { cross: parsed.data.isCross, value: parsed.data.leverage });
    return { status: 200, body: OK_DEFAULT };
  }

  /**
   * Moves margin between the account and an isolated position: `ntli` micro-USD in, or out
   * when negative. Taking out more than leaves the position its initial margin, or putting in
   * more than the account has free, is refused.
   */
  private updateIsolatedMargin(user: SimUser, action: Record<string, unknown>): SimReply {
    const parsed = z.object({ asset: z.number().int(), isBuy: z.boolean(), ntli: z.number().int() }).safeParse(action);
    if (!parsed.success) return { status: 422, body: 'Failed to deserialize the JSON body into the target type' };
    const coin = this.coinOf(parsed.data.asset);
    if (!coin) return err(`Asset ${parsed.data.asset} is out of range.`);
    const pos = user.positions.get(coin.name);
    if (!pos) return err(`No position in ${coin.name} to update the isolated margin of.`);
    const lev = user.leverage.get(coin.name);
    if (!lev || lev.cross) return err(`Cannot update isolated margin of a cross position in ${coin.name}.`);
    const amount = new Decimal(parsed.data.ntli).div(1_000_000);
    if (amount.isNegative() && pos.marginAdded.plus(amount).isNegative())
      return err('Insufficient margin to remove: the position would fall below its initial margin.');
    if (amount.isPositive() && amount.gt(this.freeMargin(user)))
      return err('Insufficient margin to add: the account has not that much free.');
    pos.marginAdded = pos.marginAdded.plus(amount);
    return { status: 200, body: OK_DEFAULT };
  }

  /** Account value not held as margin by any position. */
  private freeMargin(user: SimUser): Decimal {
    let equity = user.usdc;
    let used = new Decimal(0);
    for (const [coin, pos] of user.positions) {
      const px = this.mark(coin);
      const entry = pos.entryNtl.div(pos.szi.abs());
      equity = equity.plus(pos.szi.times(px.minus(entry)));
      used = used.plus(positionMargin(user, coin, pos, px));
    }
    return equity.minus(used);
  }

  private scheduleCancel(user: SimUser, action: Record<string, unknown>, now: number): SimReply {
    const time = action.time;
    if (time === undefined) {
      user.scheduledCancel = null;
      return { status: 200, body: OK_DEFAULT };
    }
    if (typeof time !== 'number' || time < now + 5_000)
      return err('Scheduled cancel time too early, must be at least 5 seconds from now.');
    if (user.scheduledCancelsToday >= 10) return err('Too many scheduled cancels triggered today.');
    user.scheduledCancel = time;
    return { status: 200, body: OK_DEFAULT };
  }

  // ---- the book moving with the mark --------------------------------------------------

  private tick(): void {
    const now = this.options.clock.now();
    // Funding first: the hours the clock passed were settled on the positions held then,
    // before anything the new mark fills changes them.
    this.settleFunding(now);
    for (const user of this.users.values()) {
      if (user.scheduledCancel !== null && now >= user.scheduledCancel) {
        user.scheduledCancel = null;
        user.scheduledCancelsToday++;
        for (const order of [...user.open.values()]) this.finish(user, order, 'scheduledCancel');
      }
      for (const order of [...user.open.values()]) {
        if (!user.open.has(order.oid)) continue;
        const mark = this.mark(order.coin);
        const buy = order.side === 'B';
        if (order.trigger) {
          const { tpsl, triggerPx, isMarket } = order.trigger;
          const hit = (tpsl === 'sl') === buy ? mark.gte(triggerPx) : mark.lte(triggerPx);
          if (!hit) continue;
          if (isMarket) {
            this.fill(user, order, order.sz, mark, true);
          } else {
            const { bid, ask } = this.book(order.coin);
            if (buy ? order.limitPx.gte(ask) : order.limitPx.lte(bid))
              this.fill(user, order, order.sz, buy ? ask : bid, true);
            else {
              // Triggered: it rests as a plain limit from now on.
              user.open.delete(order.oid);
              const limit: SimOrder = { ...order, trigger: null, tif: 'Gtc' };
              this.rest(user, limit);
            }
          }
          continue;
        }
        if (buy ? mark.lte(order.limitPx) : mark.gte(order.limitPx))
          this.fill(user, order, order.sz, order.limitPx, false);
      }
    }
    this.printMoves(now);
  }

  /**
   * Settles every hour boundary in (last settled hour, now], each on its own: a clock that
   * jumps several hours settles each of them. Each is marked at the mark of now: the sim keeps
   * no mark history (the venue uses the oracle price at the hour, which a real-time clock
   * ticking every second matches closely).
   */
  private settleFunding(now: number): void {
    const hour = Math.floor(now / SIM_FUNDING_INTERVAL) * SIM_FUNDING_INTERVAL;
    for (let time = this.settledHour + SIM_FUNDING_INTERVAL; time <= hour; time += SIM_FUNDING_INTERVAL) {
      for (const user of this.users.values()) {
        for (const coin of [...user.positions.keys()]) {
          const payment = applyFunding(user, coin, time, this.mark(coin), this.funding.rateAt(coin, time));
          if (!payment) continue;
          const { type: _type, ...funding } = payment.delta;
          this.emit({ user: user.address, channel: 'user', data: { funding: { time, ...funding } } });
        }
      }
    }
    this.settledHour = Math.max(this.settledHour, hour);
  }

  /** Prints a trade of one lot at each coin's mark when it has moved since the last print. */
  private printMoves(now: number): void {
    if (this.tape.size === 0) return;
    const mids = this.options.market.mids();
    for (const coin of this.options.market.coins) {
      const mark = this.overrides.get(coin.name) ?? new Decimal(mids[coin.name] ?? '0');
      const last = this.lastPrinted.get(coin.name);
      if (last === mark.toFixed()) continue;
      this.lastPrinted.set(coin.name, mark.toFixed());
      // The first look at a coin only sets where its tape starts.
      if (last === undefined || mark.isZero()) continue;
      const tid = this.nextTapeTid++;
      this.print({
        coin: coin.name,
        side: mark.gt(last) ? 'B' : 'A',
        px: mark.toFixed(),
        sz: new Decimal(10).pow(-(coin.szDecimals ?? 5)).toFixed(),
        hash: `0x${(tid * 2654435761).toString(16).padStart(64, '0').slice(-64)}`,
        time: now,
        tid,
        users: [SIM_MARKET_MAKER, SIM_MARKET_MAKER],
      });
    }
  }

  private print(trade: SimTrade): void {
    for (const listener of this.tape) listener(trade);
  }

  private emit(event: SimUserEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  // ---- /info for users -----------------------------------------------------------------

  /** Answers the user-specific and trading info types; undefined when `type` is not one. */
  info(body: Record<string, unknown>): unknown {
    const user = typeof body.user === 'string' ? this.users.get(body.user.toLowerCase()) : undefined;
    const empty = user === undefined;
    const now = this.options.clock.now();
    switch (body.type) {
      case 'clearinghouseState':
        return clearinghouseView(
          user ?? newUser(String(body.user), new Decimal(0)),
          (c) => this.mark(c),
          (c) => this.coin(c)?.maxLeverage ?? 50,
          now,
        );
      case 'openOrders':
        return empty ? [] : [...user.open.values()].filter((o) => !o.trigger).map(openOrderView);
      case 'frontendOpenOrders':
        return empty ? [] : [...user.open.values()].map(frontendOrderView);
      case 'userFills':
        return empty ? [] : [...user.fills].reverse().slice(0, 2000);
      case 'userFillsByTime': {
        const start = Number(body.startTime ?? 0);
        const end =
          body.endTime === undefined || body.endTime === null ? Number.POSITIVE_INFINITY : Number(body.endTime);
        return empty ? [] : user.fills.filter((f) => f.time >= start && f.time <= end).slice(0, 2000);
      }
      case 'orderStatus': {
        const ref = body.oid;
        const oid =
          typeof ref === 'string' ? user?.cloids.get(ref.toLowerCase()) : typeof ref === 'number' ? ref : undefined;
        const status = oid === undefined ? undefined : user?.statuses.get(oid);
        if (!status) return { status: 'unknownOid' };
        return {
          status: 'order',
          order: {
            order: frontendOrderView(status.order),
            status: status.status,
            statusTimestamp: status.statusTimestamp,
          },
        };
      }
      case 'userRateLimit': {
        const cap = 10_000 + Math.floor(user?.cumVolume.toNumber() ?? 0);
        const used = user?.requests ?? 0;
        return {
          cumVlm: (user?.cumVolume ?? new Decimal(0)).toFixed(),
          nRequestsUsed: used,
          nRequestsCap: cap,
          // Weight bought with reserveRequestWeight and not yet used: the sim sells none.
          nRequestsSurplus: 0,
        };
      }
      case 'l2Book': {
        const coin = String(body.coin);
        if (!this.coin(coin)) return null;
        const { bid, ask } = this.book(coin);
        const level = (px: Decimal, k: number) => ({ px: px.toFixed(), sz: String(1 + k), n: 1 + (k % 3) });
        return {
          coin,
          time: now,
          levels: [
            [level(bid, 0), level(bid.times(0.9999).toSignificantDigits(5), 1)],
            [level(ask, 0), level(ask.times(1.0001).toSignificantDigits(5), 1)],
          ],
        };
      }
      default:
        return undefined;
    }
  }
}
