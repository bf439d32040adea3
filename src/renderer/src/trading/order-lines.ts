import { Decimal } from 'decimal.js';
import type { TradingOrder, TradingState } from '../../../shared/contract/trading.ts';

/** Hyperliquid prices have at most this many significant figures, unless they are whole. */
const MAX_SIGNIFICANT = 5;

/** Which price of an order a line stands for (and a drag changes). */
export type OrderPriceField = 'limitPrice' | 'triggerPrice';

/** A horizontal line of the trading session on the chart. */
export interface TradingLine {
  /** The order's cloid, or `entry` for the position's entry. */
  readonly id: string;
  readonly price: Decimal;
  /** Short text on the line, e.g. "BUY LMT 0.01". */
  readonly title: string;
  readonly color: string;
  readonly dashed: boolean;
  /** The price a drag changes; null for lines that cannot be dragged (the entry). */
  readonly field: OrderPriceField | null;
  readonly order: TradingOrder | null;
}

/** Colours of the lines: buys and sells, stops, targets, the entry. */
export const LINE_COLORS = {
  buy: '#26a69a',
  sell: '#ef5350',
  stop: '#ff9800',
  target: '#42a5f5',
  entry: '#b0bec5',
} as const;

/**
 * `price` on the venue's price grid, to the nearest tick: at most `decimals` decimals, then at
 * most 5 significant figures unless whole (Hyperliquid's rule; the engine checks the same).
 * Returns null for a price that is not a positive number or rounds to 0.
 */
export function snapToGrid(price: Decimal | number, decimals: number): Decimal | null {
  const raw = typeof price === 'number' ? (Number.isFinite(price) ? new Decimal(price) : null) : price;
  if (!raw?.isFinite() || raw.lte(0)) return null;
  // One rounding to the tick at this magnitude (two in a row could round 43174.49 up to 43175):
  // 5 significant figures, never finer than `decimals`, never coarser than 1 (whole prices pass).
  const significant = Decimal.min(1, new Decimal(10).pow(raw.e - (MAX_SIGNIFICANT - 1)));
  const tick = Decimal.max(new Decimal(10).pow(-decimals), significant);
  const p = raw.div(tick).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).times(tick);
  return p.isZero() ? null : p;
}

/** The price a working order's line stands for: its trigger when it has one, else its limit. */
export function orderPriceField(order: TradingOrder): OrderPriceField | null {
  if (order.triggerPrice !== null) return 'triggerPrice';
  if (order.limitPrice !== null) return 'limitPrice';
  return null;
}

function orderLabel(order: TradingOrder): { title: string; color: string } {
  const size = new Decimal(order.qty).minus(order.filledQty).toFixed();
  switch (order.kind) {
    case 'limit':
      return { title: `${order.side.toUpperCase()} LMT ${size}`, color: LINE_COLORS[order.side] };
    case 'take-profit-market':
    case 'take-profit-limit':
      return { title: `TP ${size}`, color: LINE_COLORS.target };
    case 'stop-market':
    case 'stop-limit':
      return {
        title: order.reduceOnly ? `SL ${size}` : `${order.side.toUpperCase()} STOP ${size}`,
        color: LINE_COLORS.stop,
      };
    default:
      return { title: `${order.side.toUpperCase()} ${order.kind} ${size}`, color: LINE_COLORS[order.side] };
  }
}

/** The lines of a running session: its working orders (draggable) and the position's entry. */
export function tradingLines(state: TradingState | null): TradingLine[] {
  if (state?.status !== 'running') return [];
  const lines: TradingLine[] = [];
  for (const order of state.orders) {
    const field = orderPriceField(order);
    const price = field === null ? null : order[field];
    if (field === null || price === null) continue;
    lines.push({ id: order.cloid, price: new Decimal(price), ...orderLabel(order), dashed: false, field, order });
  }
  const qty = new Decimal(state.position.qty);
  if (!qty.isZero() && state.position.entryPrice !== null) {
    lines.push({
      id: 'entry',
      price: new Decimal(state.position.entryPrice),
      title: `${qty.isPositive() ? 'LONG' : 'SHORT'} ${qty.abs().toFixed()} @`,
      color: LINE_COLORS.entry,
      dashed: true,
      field: null,
      order: null,
    });
  }
  return lines;
}

/**
 * The draggable line nearest to `y` (pixels from the top of the chart pane) within
 * `tolerance` pixels, or null. `toY` is the series' priceToCoordinate.
 */
export function hitTestLine(
  lines: readonly TradingLine[],
  y: number,
  toY: (price: number) => number | null,
  tolerance = 6,
): TradingLine | null {
  let best: TradingLine | null = null;
  let bestDistance = tolerance;
  for (const line of lines) {
    if (line.field === null) continue;
    const at = toY(line.price.toNumber());
    if (at === null) continue;
    const distance = Math.abs(at - y);
    if (distance <= bestDistance) {
      best = line;
      bestDistance = distance;
    }
  }
  return best;
}

/** Where a drag to `y` puts the line: the price there on the venue's grid, or null off the scale. */
export function dragPrice(y: number, toPrice: (y: number) => number | null, decimals: number): Decimal | null {
  const price = toPrice(y);
  return price === null ? null : snapToGrid(price, decimals);
}

/** A modify waiting for the trader's confirmation. */
export interface PendingModify {
  readonly cloid: string;
  readonly field: OrderPriceField;
  readonly from: Decimal;
  readonly to: Decimal;
  /** e.g. "buy limit 0.01". */
  readonly description: string;
}

/**
 * The modify a move of `order` to `to` asks for, or null when it changes nothing (the same
 * tick) or the order has no such price.
 */
export function pendingModify(order: TradingOrder, to: Decimal): PendingModify | null {
  const field = orderPriceField(order);
  const current = field === null ? null : order[field];
  if (field === null || current === null) return null;
  const from = new Decimal(current);
  if (from.eq(to)) return null;
  const size = new Decimal(order.qty).minus(order.filledQty).toFixed();
  return { cloid: order.cloid, field, from, to, description: `${order.side} ${order.kind} ${size}` };
}

/** The price range the lines need in view, for the chart's autoscale; null without lines. */
export function linesRange(lines: readonly TradingLine[]): { min: number; max: number } | null {
  if (lines.length === 0) return null;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const line of lines) {
    const p = line.price.toNumber();
    min = Math.min(min, p);
    max = Math.max(max, p);
  }
  return { min, max };
}
