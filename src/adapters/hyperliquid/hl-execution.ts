import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type {
  AccountState,
  ExecOrder,
  ExecutionClient,
  ExecutionHandlers,
  PlaceResult,
  VenueFill,
  VenueFunding,
  VenueOrderState,
} from '../../engine/execution/execution-client.ts';
import { TransportError, ValidationError, VenueRejectedError } from '../../shared/contract/errors.ts';
import { describeIssues } from '../../shared/contract/validation.ts';
import type { HlEndpoints } from './hl-endpoints.ts';
import type { HlExchangeClient, WireStatus } from './hl-exchange-client.ts';
import { openHlSocket, type HlSocketTuning } from './hl-socket.ts';
import {
  isValidPrice,
  isValidSize,
  roundPrice,
  wireDecimal,
  wireOrder,
  type WireOrder,
  type WireOrderType,
} from './hl-wire.ts';

const Num = z.string().regex(/^-?\d+(\.\d+)?$/);

const MetaSchema = z.object({
  universe: z.array(
    z.object({ name: z.string(), szDecimals: z.number().int(), maxLeverage: z.number().int() }).loose(),
  ),
});

const FillSchema = z
  .object({
    coin: z.string(),
    px: Num,
    sz: Num,
    side: z.enum(['B', 'A']),
    time: z.number().int(),
    closedPnl: Num,
    oid: z.number().int(),
    crossed: z.boolean(),
    fee: Num,
    tid: z.number().int(),
    cloid: z.string().nullish(),
  })
  .loose();

const OrderViewSchema = z
  .object({
    coin: z.string(),
    side: z.enum(['B', 'A']),
    limitPx: Num,
    sz: Num,
    oid: z.number().int(),
    timestamp: z.number().int(),
    origSz: Num,
    cloid: z.string().nullish(),
  })
  .loose();

const OrderStatusSchema = z.union([
  z.object({ status: z.literal('unknownOid') }),
  z.object({
    status: z.literal('order'),
    order: z.object({ order: OrderViewSchema, status: z.string(), statusTimestamp: z.number().int() }),
  }),
]);

const ClearinghouseSchema = z
  .object({
    assetPositions: z.array(
      z.object({ position: z.object({ coin: z.string(), szi: Num, entryPx: Num.nullish() }).loose() }).loose(),
    ),
    marginSummary: z.object({ accountValue: Num }).loose(),
  })
  .loose();

const OrderUpdatesSchema = z.array(
  z.object({ order: OrderViewSchema, status: z.string(), statusTimestamp: z.number().int() }),
);
const UserFillsEventSchema = z.object({ fills: z.array(FillSchema) }).loose();

/** A funding payment, as userFunding's delta and the userEvents funding event both carry it. */
const FundingSchema = z
  .object({ coin: z.string(), usdc: Num, szi: Num, fundingRate: Num, nSamples: z.number().int().nullish() })
  .loose();
const UserFundingSchema = z.array(
  z
    .object({
      time: z.number().int(),
      hash: z.string(),
      delta: FundingSchema.extend({ type: z.literal('funding') }),
    })
    .loose(),
);

/**
 * The userEvents events acted on (channel "user"); its `fills` duplicate userFills, and
 * anything else (TWAP history and slices) is ignored.
 */
const FundingEventSchema = z.object({ funding: FundingSchema.extend({ time: z.number().int() }) }).loose();
const AccountTakenOverSchema = z.union([
  z.object({ liquidation: z.object({}).loose() }).loose(),
  z.object({ nonUserCancel: z.array(z.object({ coin: z.string(), oid: z.number().int() }).loose()) }).loose(),
]);

/** userFunding answers hold at most this many payments: page on from the last one's time. */
const FUNDING_PAGE = 500;
/** More full pages than this is a venue answering nonsense, not a long absence (500 000 payments). */
const MAX_FUNDING_PAGES = 1_000;

/** Oids remembered across modifies (oldest forgotten first). */
const MAX_LINEAGE = 10_000;

/** A market as the order path needs it. */
interface Asset {
  readonly index: number;
  readonly szDecimals: number;
  readonly maxLeverage: number;
}

/** Options for {@link HlExecution} (and the tuning of its push connection). */
export interface HlExecutionOptions extends HlSocketTuning {
  readonly client: HlExchangeClient;
  readonly endpoints: HlEndpoints;
  /** The account traded and read (the master or sub-account address, never the agent's). */
  readonly account: string;
  /** How far through the book a market order may reach (default 5 %, as the SDKs do). */
  readonly slippage?: number;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(describeIssues(`venue ${what}`, result.error));
  return result.data;
}

const side = (s: 'B' | 'A') => (s === 'B' ? 'buy' : 'sell');

/**
 * A venue fill. `cloidOf` names the order an oid belongs to after a modify; it wins over the
 * fill's own cloid, which is the one the order had when that oid was placed.
 */
function fillOf(f: z.infer<typeof FillSchema>, cloidOf: (oid: number) => string | undefined): VenueFill {
  return {
    tid: f.tid,
    oid: f.oid,
    cloid: cloidOf(f.oid) ?? f.cloid ?? null,
    coin: f.coin,
    side: side(f.side),
    price: new Decimal(f.px),
    qty: new Decimal(f.sz),
    fee: new Decimal(f.fee),
    closedPnl: new Decimal(f.closedPnl),
    time: f.time,
    crossed: f.crossed,
  };
}

function fundingOf(f: z.infer<typeof FundingSchema>, time: number): VenueFunding {
  return {
    coin: f.coin,
    amount: new Decimal(f.usdc),
    rate: new Decimal(f.fundingRate),
    qty: new Decimal(f.szi),
    time,
  };
}

function orderStateOf(view: z.infer<typeof OrderViewSchema>, status: string, statusTime: number): VenueOrderState {
  return {
    oid: view.oid,
    cloid: view.cloid ?? null,
    coin: view.coin,
    side: side(view.side),
    qty: new Decimal(view.sz),
    origQty: new Decimal(view.origSz),
    limitPrice: new Decimal(view.limitPx),
    status,
    statusTime,
  };
}

/**
 * Hyperliquid behind the engine's {@link ExecutionClient} port: meta (asset ids, size
 * decimals) loaded once, orders checked against the venue's grid before anything is sent,
 * market orders sent as IOC limits through the book by the slippage allowance (rounded so
 * they stay marketable), the venue's statuses mapped to the engine's, and the orderUpdates,
 * userFills and userEvents (funding, liquidations, cancels by the venue) channels on one
 * WebSocket that reconnects without limit and resubscribes.
 */
export class HlExecution implements ExecutionClient {
  private readonly options: HlExecutionOptions;
  private readonly assets = new Map<string, Asset>();
  /**
   * Every oid an order has had, by the cloid it is known by: a modify replaces the oid, and
   * fills on the old one still belong to the order.
   */
  private readonly lineage = new Map<number, string>();
  private readonly cloidOf = (oid: number): string | undefined => this.lineage.get(oid);

  constructor(options: HlExecutionOptions) {
    this.options = options;
  }

  /** Loads the venue's markets; call once before trading. */
  async init(): Promise<void> {
    const meta = parse(MetaSchema, await this.options.client.info({ type: 'meta' }), 'meta');
    meta.universe.forEach((m, index) =>
      this.assets.set(m.name, { index, szDecimals: m.szDecimals, maxLeverage: m.maxLeverage }),
    );
  }

  /** The market `coin`, or a clear error naming the ones that exist. */
  asset(coin: string): Asset {
    const asset = this.assets.get(coin);
    if (!asset) {
      const known = [...this.assets.keys()].slice(0, 12).join(', ');
      throw new ValidationError(
        `unknown coin "${coin}"; the venue lists ${known}${this.assets.size > 12 ? ', …' : ''}`,
      );
    }
    return asset;
  }

  sizeStep(coin: string): Decimal {
    return new Decimal(10).pow(-this.asset(coin).szDecimals);
  }

  validate(order: ExecOrder): void {
    const asset = this.asset(order.coin);
    const grid = { szDecimals: asset.szDecimals };
    if (!isValidSize(order.qty, grid)) {
      throw new ValidationError(
        `size ${order.qty.toFixed()} of ${order.coin} has more than ${asset.szDecimals} decimals`,
      );
    }
    for (const [what, price] of [
      ['price', order.limitPrice],
      ['trigger price', order.triggerPrice],
    ] as const) {
      if (price && !isValidPrice(price, grid)) {
        throw new ValidationError(
          `${what} ${price.toFixed()} is off ${order.coin}'s tick grid (5 significant figures, at most ${Math.max(6 - asset.szDecimals, 0)} decimals)`,
        );
      }
    }
    const reference = order.limitPrice ?? order.triggerPrice;
    if (!order.reduceOnly && reference && order.qty.times(reference).lt(10)) {
      throw new ValidationError(
        `order value ${order.qty.times(reference).toFixed(2)} is below the venue's minimum of $10`,
      );
    }
  }

  async place(
    orders: readonly ExecOrder[],
    grouping: 'na' | 'normalTpsl' | 'positionTpsl' = 'na',
  ): Promise<PlaceResult[]> {
    const wires: WireOrder[] = [];
    for (const order of orders) wires.push(await this.wire(order));
    let statuses: WireStatus[];
    try {
      statuses = await this.options.client.order(wires, grouping);
    } catch (error) {
      if (error instanceof VenueRejectedError) return orders.map(() => ({ status: 'rejected', reason: error.message }));
      throw error;
    }
    // A deterministic error of the whole batch can come back once for n orders.
    return orders.map((_, i) => this.result(statuses[i] ?? statuses[0]));
  }

  async cancel(orders: readonly { coin: string; cloid: string }[]): Promise<boolean[]> {
    if (orders.length === 0) return [];
    const statuses = await this.options.client.cancelByCloid(
      orders.map((o) => ({ asset: this.asset(o.coin).index, cloid: o.cloid })),
    );
    return orders.map((_, i) => statuses[i] === 'success');
  }

  async cancelAll(coin: string): Promise<number> {
    const asset = this.asset(coin).index;
    const open = (await this.openOrders()).filter((o) => o.coin === coin);
    if (open.length === 0) return 0;
    // By oid: orders placed elsewhere (the venue's app) have no cloid and must go too.
    const statuses = await this.options.client.cancel(open.map((o) => ({ a: asset, o: o.oid })));
    return statuses.filter((s) => s === 'success').length;
  }

  roundPrice(coin: string, price: Decimal, direction: 'up' | 'down'): Decimal {
    return roundPrice(price, { szDecimals: this.asset(coin).szDecimals }, direction);
  }

  async orderByCloid(cloid: string): Promise<VenueOrderState | null> {
    const raw = await this.options.client.info({ type: 'orderStatus', user: this.options.account, oid: cloid });
    const status = parse(OrderStatusSchema, raw, 'orderStatus');
    if (status.status === 'unknownOid') return null;
    return orderStateOf(status.order.order, status.order.status, status.order.statusTimestamp);
  }

  async openOrders(): Promise<VenueOrderState[]> {
    const raw = await this.options.client.info({ type: 'frontendOpenOrders', user: this.options.account });
    return parse(z.array(OrderViewSchema), raw, 'frontendOpenOrders').map((o) => orderStateOf(o, 'open', o.timestamp));
  }

  async fillsSince(time: number): Promise<VenueFill[]> {
    const out: VenueFill[] = [];
    let start = time;
    // The venue answers at most 2000 fills per request: page on from the last one's time.
    for (let page = 0; page < 50; page++) {
      const raw = await this.options.client.info({
        type: 'userFillsByTime',
        user: this.options.account,
        startTime: start,
      });
      const fills = parse(z.array(FillSchema), raw, 'userFillsByTime').map((f) => fillOf(f, this.cloidOf));
      out.push(...fills);
      if (fills.length < 2000) break;
      start = (fills[fills.length - 1] as VenueFill).time;
    }
    const seen = new Set<number>();
    return out.filter((f) => !seen.has(f.tid) && seen.add(f.tid)).sort((a, b) => a.time - b.time || a.tid - b.tid);
  }

  async fundingSince(time: number): Promise<VenueFunding[]> {
    const out: VenueFunding[] = [];
    let start = time;
    for (let page = 0; ; page++) {
      if (page === MAX_FUNDING_PAGES)
        throw new ValidationError(`venue userFunding kept answering full pages past ${MAX_FUNDING_PAGES} of them`);
      const raw = await this.options.client.info({ type: 'userFunding', user: this.options.account, startTime: start });
      const payments = parse(UserFundingSchema, raw, 'userFunding').map((p) => fundingOf(p.delta, p.time));
      out.push(...payments);
      if (payments.length < FUNDING_PAGE) break;
      // From the last one's time again (inclusive): other coins' payments of that hour may not
      // have fitted; the repeats are dropped below. One hour's payments (one per market) always
      // fit in a page, so moving on by at least 1 ms loses nothing.
      start = Math.max((payments[payments.length - 1] as VenueFunding).time, start + 1);
    }
    const seen = new Set<string>();
    return out
      .filter((f) => {
        const key = `${f.coin}@${f.time}`;
        return !seen.has(key) && seen.add(key);
      })
      .sort((a, b) => a.time - b.time || (a.coin < b.coin ? -1 : a.coin > b.coin ? 1 : 0));
  }

  async account(): Promise<AccountState> {
    const raw = await this.options.client.info({ type: 'clearinghouseState', user: this.options.account });
    const state = parse(ClearinghouseSchema, raw, 'clearinghouseState');
    return {
      equity: new Decimal(state.marginSummary.accountValue),
      positions: state.assetPositions.map(({ position }) => ({
        coin: position.coin,
        qty: new Decimal(position.szi),
        entryPrice: position.entryPx ? new Decimal(position.entryPx) : null,
      })),
    };
  }

  async mark(coin: string): Promise<Decimal> {
    const mids = parse(z.record(z.string(), Num), await this.options.client.info({ type: 'allMids' }), 'allMids');
    const mid = mids[coin];
    if (mid === undefined) throw new ValidationError(`the venue has no price for ${coin}`);
    return new Decimal(mid);
  }

  async setLeverage(coin: string, leverage: number, cross: boolean): Promise<void> {
    const asset = this.asset(coin);
    if (!Number.isInteger(leverage) || leverage < 1 || leverage > asset.maxLeverage) {
      throw new ValidationError(
        `leverage ${leverage} for ${coin} must be a whole number from 1 to ${asset.maxLeverage}`,
      );
    }
    await this.options.client.updateLeverage(asset.index, cross, leverage);
  }

  async deadManSwitch(time: number | null): Promise<void> {
    await this.options.client.scheduleCancel(time);
  }

  /**
   * Changes a resting order (named by its cloid or its oid) into `order`. The venue does this
   * as cancel-and-replace: the replacement gets a NEW oid, which is returned. The
   * replacement carries `order.cloid`, and both oids are remembered under it, so fills
   * reported on the old oid, even without a cloid, are attributed to the same order. Named
   * by cloid, the order must keep that cloid. A refused replacement throws
   * {@link VenueRejectedError}: the original may already be canceled, so ask for it by cloid.
   */
  async modify(ref: string | number, order: ExecOrder): Promise<number> {
    if (typeof ref === 'string' && ref.toLowerCase() !== order.cloid.toLowerCase()) {
      throw new ValidationError(
        `the replacement of ${ref} must keep its cloid (got ${order.cloid}): fills of both oids belong to one order`,
      );
    }
    this.validate(order);
    const wire = await this.wire(order);
    const cloid = order.cloid.toLowerCase();
    // batchModify, not modify: only its answer carries the replacement's status and oid.
    const [status] = await this.options.client.batchModify([
      { oid: typeof ref === 'string' ? ref.toLowerCase() : ref, order: wire },
    ]);
    const result = this.result(status);
    if (result.status === 'rejected') {
      throw new VenueRejectedError(`the replacement of ${ref} was refused: ${result.reason}`);
    }
    // Named by cloid, the old oid's fills already carry that cloid; named by oid, they may not.
    if (typeof ref === 'number') this.lineage.set(ref, cloid);
    let oid: number;
    if (result.status === 'waiting') {
      // A replacement waiting for a trigger or a parent has no oid in the answer: ask by cloid.
      const state = await this.orderByCloid(cloid);
      if (!state) throw new TransportError(`the venue does not know the replacement ${cloid} it accepted`);
      oid = state.oid;
    } else oid = result.oid;
    this.lineage.set(oid, cloid);
    // Bounded: an order is modified a handful of times, and old oids stop filling once canceled.
    while (this.lineage.size > MAX_LINEAGE) this.lineage.delete(this.lineage.keys().next().value as number);
    return oid;
  }

  /**
   * Moves `amountUsd` of margin into (positive) or out of (negative) the isolated position in
   * `coin`. The venue takes whole micro-dollars, so more than 6 decimals is refused.
   */
  async updateIsolatedMargin(coin: string, amountUsd: Decimal): Promise<void> {
    const asset = this.asset(coin);
    const ntli = amountUsd.times(1_000_000);
    if (!ntli.isInteger() || ntli.isZero() || !Number.isSafeInteger(ntli.toNumber())) {
      throw new ValidationError(
        `isolated margin change ${amountUsd.toFixed()} USD must be non-zero with at most 6 decimals`,
      );
    }
    // isBuy only matters in hedge mode, which the venue does not have yet; the Python SDK sends true.
    await this.options.client.updateIsolatedMargin(asset.index, true, ntli.toNumber());
  }

  async subscribe(handlers: ExecutionHandlers): Promise<{ close(): Promise<void> }> {
    const { endpoints, reconnectBaseMs, reconnectCapMs, breakerAfter, keepAliveMs, pongTimeoutMs } = this.options;
    const socket = openHlSocket({
      endpoints,
      reconnectBaseMs,
      reconnectCapMs,
      breakerAfter,
      keepAliveMs,
      pongTimeoutMs,
      onReconnect: handlers.onReconnect,
      onConnection: handlers.onConnection,
    });
    const user = this.options.account as `0x${string}`;
    try {
      const subs = await Promise.all([
        socket.subscriptions.orderUpdates({ user }, (event: unknown) => {
          const parsed = OrderUpdatesSchema.safeParse(event);
          if (parsed.success)
            handlers.onOrderUpdates(parsed.data.map((u) => orderStateOf(u.order, u.status, u.statusTimestamp)));
        }),
        socket.subscriptions.userFills({ user }, (event: unknown) => {
          const parsed = UserFillsEventSchema.safeParse(event);
          if (parsed.success) handlers.onFills(parsed.data.fills.map((f) => fillOf(f, this.cloidOf)));
        }),
        socket.subscriptions.userEvents({ user }, (event: unknown) => {
          const funding = FundingEventSchema.safeParse(event);
          if (funding.success) handlers.onFunding?.([fundingOf(funding.data.funding, funding.data.funding.time)]);
          // The venue changed the account without the trader asking: a liquidation closes
          // positions and a nonUserCancel removes orders (margin, delisting, …). The fills and
          // order updates that go with them may not map onto the trader's orders, so its view of
          // positions and orders can no longer be trusted; onReconnect is the engine's "fetch
          // everything again", which reconciles orders and fills with the venue.
          else if (AccountTakenOverSchema.safeParse(event).success) handlers.onReconnect();
        }),
      ]);
      return {
        async close() {
          await Promise.all(subs.map((s) => s.unsubscribe().catch(() => undefined)));
          socket.close();
        },
      };
    } catch (error) {
      socket.close();
      throw new TransportError(
        `cannot subscribe to the account's orders, fills and events: ${(error as Error).message}`,
      );
    }
  }

  private async wire(order: ExecOrder): Promise<WireOrder> {
    const asset = this.asset(order.coin);
    const grid = { szDecimals: asset.szDecimals };
    const isBuy = order.side === 'buy';
    let price = order.limitPrice;
    let type: WireOrderType;
    if (order.kind === 'market') {
      // An IOC limit far enough through the book to fill, rounded away from the mid so it stays marketable.
      const mark = await this.mark(order.coin);
      const slip = new Decimal(this.options.slippage ?? 0.05);
      price = roundPrice(
        isBuy ? mark.times(slip.plus(1)) : mark.times(new Decimal(1).minus(slip)),
        grid,
        isBuy ? 'up' : 'down',
      );
      type = { limit: { tif: 'Ioc' } };
    } else if (order.kind === 'limit') {
      type = { limit: { tif: order.tif === 'alo' ? 'Alo' : order.tif === 'ioc' ? 'Ioc' : 'Gtc' } };
    } else {
      const trigger = order.triggerPrice as Decimal;
      const isMarket = order.kind === 'stop-market' || order.kind === 'take-profit-market';
      price = isMarket ? trigger : order.limitPrice;
      type = {
        trigger: { isMarket, triggerPx: wireDecimal(trigger), tpsl: order.kind.startsWith('stop') ? 'sl' : 'tp' },
      };
    }
    return wireOrder({
      asset: asset.index,
      isBuy,
      price: price as Decimal,
      size: order.qty,
      reduceOnly: order.reduceOnly,
      type,
      cloid: order.cloid,
    });
  }

  private result(status: WireStatus | undefined): PlaceResult {
    if (status === undefined) return { status: 'rejected', reason: 'the venue gave no status' };
    if (typeof status === 'string')
      return status === 'success' ? { status: 'rejected', reason: 'unexpected status' } : { status: 'waiting' };
    if ('error' in status) return { status: 'rejected', reason: status.error };
    if ('resting' in status) return { status: 'resting', oid: status.resting.oid };
    return {
      status: 'filled',
      oid: status.filled.oid,
      filledQty: new Decimal(status.filled.totalSz),
      avgPrice: new Decimal(status.filled.avgPx),
    };
  }
}
