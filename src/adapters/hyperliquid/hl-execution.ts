import { SubscriptionClient, WebSocketTransport } from '@nktkas/hyperliquid';
import { Decimal } from 'decimal.js';
import { z } from 'zod';
import type {
  AccountState,
  ExecOrder,
  ExecutionClient,
  ExecutionHandlers,
  PlaceResult,
  VenueFill,
  VenueOrderState,
} from '../../engine/execution/execution-client.ts';
import { TransportError, ValidationError, VenueRejectedError } from '../../shared/contract/errors.ts';
import { describeIssues } from '../../shared/contract/validation.ts';
import type { HlEndpoints } from './hl-endpoints.ts';
import type { HlExchangeClient, WireStatus } from './hl-exchange-client.ts';
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

/** A market as the order path needs it. */
interface Asset {
  readonly index: number;
  readonly szDecimals: number;
  readonly maxLeverage: number;
}

/** Options for {@link HlExecution}. */
export interface HlExecutionOptions {
  readonly client: HlExchangeClient;
  readonly endpoints: HlEndpoints;
  /** The account traded and read (the master or sub-account address, never the agent's). */
  readonly account: string;
  /** How far through the book a market order may reach (default 5 %, as the SDKs do). */
  readonly slippage?: number;
  readonly reconnectBaseMs?: number;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(describeIssues(`venue ${what}`, result.error));
  return result.data;
}

const side = (s: 'B' | 'A') => (s === 'B' ? 'buy' : 'sell');

function fillOf(f: z.infer<typeof FillSchema>): VenueFill {
  return {
    tid: f.tid,
    oid: f.oid,
    cloid: f.cloid ?? null,
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
 * they stay marketable), the venue's statuses mapped to the engine's, and the orderUpdates
 * and userFills channels on a WebSocket that reconnects without limit and resubscribes.
 */
export class HlExecution implements ExecutionClient {
  private readonly options: HlExecutionOptions;
  private readonly assets = new Map<string, Asset>();

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
      const fills = parse(z.array(FillSchema), raw, 'userFillsByTime').map(fillOf);
      out.push(...fills);
      if (fills.length < 2000) break;
      start = (fills[fills.length - 1] as VenueFill).time;
    }
    const seen = new Set<number>();
    return out.filter((f) => !seen.has(f.tid) && seen.add(f.tid)).sort((a, b) => a.time - b.time || a.tid - b.tid);
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

  async subscribe(handlers: ExecutionHandlers): Promise<{ close(): Promise<void> }> {
    const base = this.options.reconnectBaseMs ?? 500;
    const transport = new WebSocketTransport({
      url: this.options.endpoints.wsUrl,
      isTestnet: this.options.endpoints.isTestnet,
      reconnect: {
        maxRetries: Number.POSITIVE_INFINITY,
        reconnectionDelay: (attempt: number) => Math.round(Math.random() * Math.min(10_000, base * 2 ** attempt)),
      },
    });
    let opened = false;
    transport.socket.addEventListener('open', () => {
      if (opened) handlers.onReconnect();
      opened = true;
    });
    const client = new SubscriptionClient({ transport });
    const user = this.options.account as `0x${string}`;
    try {
      const subs = await Promise.all([
        client.orderUpdates({ user }, (event: unknown) => {
          const parsed = OrderUpdatesSchema.safeParse(event);
          if (parsed.success)
            handlers.onOrderUpdates(parsed.data.map((u) => orderStateOf(u.order, u.status, u.statusTimestamp)));
        }),
        client.userFills({ user }, (event: unknown) => {
          const parsed = UserFillsEventSchema.safeParse(event);
          if (parsed.success) handlers.onFills(parsed.data.fills.map(fillOf));
        }),
      ]);
      return {
        async close() {
          await Promise.all(subs.map((s) => s.unsubscribe().catch(() => undefined)));
          transport.close();
        },
      };
    } catch (error) {
      transport.close();
      throw new TransportError(`cannot subscribe to the account's orders and fills: ${(error as Error).message}`);
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
