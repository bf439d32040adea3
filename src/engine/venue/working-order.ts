import type { Decimal } from 'decimal.js';
import type { OrderSnapshot } from '../../shared/contract/session-events.ts';
import { toWire } from '../../shared/values/decimal-values.ts';
import type { OrderKind, TimeInForce } from '../../shared/values/order.ts';
import type { Side } from '../../shared/values/side.ts';

/** An order as a strategy's intent path hands it to a venue. */
export interface OrderRequest {
  readonly kind: OrderKind;
  readonly side: Side;
  /** Size in base units, > 0, a whole number of lots. */
  readonly qty: Decimal;
  /** Limit price of limit, stop-limit and take-profit-limit orders. */
  readonly limitPrice?: Decimal | null;
  /** Trigger price of stop and take-profit orders. */
  readonly triggerPrice?: Decimal | null;
  /** Time in force of limit orders (default `gtc`). */
  readonly tif?: TimeInForce;
  /** Only ever reduces the position; never opens or flips it. */
  readonly reduceOnly?: boolean;
  readonly clientId?: string | null;
  /** One-cancels-other group: when one member fills, the others are canceled. */
  readonly group?: string | null;
  readonly tag?: string | null;
  /** Stop of the position this order opens, for R multiples. */
  readonly stop?: number | null;
}

/** An order the venue is working, with plain-number copies of its prices for trigger checks. */
export interface WorkingOrder {
  readonly id: string;
  readonly seq: number;
  readonly request: OrderRequest;
  readonly kind: OrderKind;
  readonly side: Side;
  readonly tif: TimeInForce;
  /** The size as a plain number (correctly rounded, so comparisons keep their direction). */
  readonly qtyF: number;
  readonly limitF: number;
  readonly triggerF: number;
  /** Stop and take-profit orders turn true when their trigger price is reached. */
  triggered: boolean;
}

/**
 * The price at which a working order acts next, and whether it acts when price rises to it
 * (`up`) or falls to it. Untriggered stops and take-profits act at their trigger, limit
 * orders (including triggered stop-limits) at their limit, triggered market orders at once.
 */
export function actionOf(order: WorkingOrder): { price: number; up: boolean } {
  const buy = order.side === 'buy';
  if (!order.triggered && (order.kind === 'stop-market' || order.kind === 'stop-limit')) {
    return { price: order.triggerF, up: buy };
  }
  if (!order.triggered && (order.kind === 'take-profit-market' || order.kind === 'take-profit-limit')) {
    return { price: order.triggerF, up: !buy };
  }
  // A limit buy fills when price falls to its limit; a limit sell when it rises to it.
  return { price: order.limitF, up: !buy };
}

/** True when the order becomes a market order once triggered. */
export function isMarketOnTrigger(kind: OrderKind): boolean {
  return kind === 'stop-market' || kind === 'take-profit-market';
}

/** The order in wire form, for events. */
export function snapshotOf(order: WorkingOrder | { id: string; request: OrderRequest }): OrderSnapshot {
  const r = order.request;
  return {
    orderId: order.id,
    clientId: r.clientId ?? null,
    kind: r.kind,
    side: r.side,
    qty: toWire(r.qty),
    limitPrice: r.limitPrice ? toWire(r.limitPrice) : null,
    triggerPrice: r.triggerPrice ? toWire(r.triggerPrice) : null,
    tif: r.tif ?? 'gtc',
    reduceOnly: r.reduceOnly ?? false,
    group: r.group ?? null,
    tag: r.tag ?? null,
  };
}
