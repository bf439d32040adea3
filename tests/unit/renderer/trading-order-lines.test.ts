import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { TradingOrder, TradingState } from '../../../src/shared/contract/trading.ts';
import {
  dragPrice,
  hitTestLine,
  linesRange,
  pendingModify,
  snapToGrid,
  tradingLines,
} from '../../../src/renderer/src/trading/order-lines.ts';
import { rateLimitView } from '../../../src/renderer/src/trading/rate-limit-view.ts';

const order = (patch: Partial<TradingOrder> = {}): TradingOrder => ({
  cloid: '0xaaa',
  side: 'buy',
  kind: 'limit',
  qty: '0.02',
  filledQty: '0',
  limitPrice: '43000',
  triggerPrice: null,
  reduceOnly: false,
  status: 'accepted',
  submittedAt: 0,
  ...patch,
});

const state = (patch: Partial<TradingState> = {}): TradingState => ({
  mode: 'paper',
  network: 'custom',
  account: null,
  coin: 'BTC',
  apiUrl: 'http://127.0.0.1:1',
  status: 'running',
  error: null,
  equity: '10000',
  mark: '43500',
  position: { qty: '0', entryPrice: null, unrealized: '0' },
  realized: '0',
  orders: [],
  fills: [],
  halted: null,
  priceDecimals: 1,
  sizeDecimals: 5,
  margin: null,
  fees: null,
  rateLimit: null,
  ...patch,
});

describe('trading lines: snapping a dragged price to the venue tick', () => {
  it('rounds to 5 significant figures, or whole, within the allowed decimals', () => {
    // BTC (szDecimals 5 → 1 decimal): five-figure prices are whole dollars.
    expect(snapToGrid(43174.62, 1)?.toFixed()).toBe('43175');
    expect(snapToGrid(43174.49, 1)?.toFixed()).toBe('43174');
    // A price under 10 000 keeps one decimal (5 significant figures).
    expect(snapToGrid(9876.54, 1)?.toFixed()).toBe('9876.5');
    // Six figures stay whole (integers are always allowed).
    expect(snapToGrid(123456.7, 1)?.toFixed()).toBe('123457');
    // A small coin (szDecimals 0 → 6 decimals): 5 significant figures decide.
    expect(snapToGrid(0.123456789, 6)?.toFixed()).toBe('0.12346');
    expect(snapToGrid(new Decimal('1.000049'), 6)?.toFixed()).toBe('1');
    // Exact with decimals: no float noise in the result.
    expect(snapToGrid(0.1 + 0.2, 6)?.toFixed()).toBe('0.3');
    // Just under a power of ten: the coarser tick of the next magnitude is still on the grid.
    expect(snapToGrid(9999.96, 1)?.toFixed()).toBe('10000');
  });

  it('refuses what is not a positive price', () => {
    expect(snapToGrid(0, 1)).toBeNull();
    expect(snapToGrid(-5, 1)).toBeNull();
    expect(snapToGrid(Number.NaN, 1)).toBeNull();
    expect(snapToGrid(0.01, 1)).toBeNull();
  });

  it('maps a drag row to a price through the scale, on the tick', () => {
    // A scale of 10 dollars a pixel from 44000 at the top.
    const toPrice = (y: number) => (y < 0 ? null : 44000 - y * 10.037);
    expect(dragPrice(100, toPrice, 1)?.toFixed()).toBe('42996');
    expect(dragPrice(-1, toPrice, 1)).toBeNull();
  });
});

describe('trading lines: which lines, and which one a pointer grabs', () => {
  it('draws working orders by the price a drag changes, and the entry, which cannot be dragged', () => {
    const lines = tradingLines(
      state({
        orders: [
          order(),
          order({
            cloid: '0xbbb',
            side: 'sell',
            kind: 'stop-market',
            limitPrice: null,
            triggerPrice: '42000',
            reduceOnly: true,
          }),
          order({
            cloid: '0xccc',
            side: 'sell',
            kind: 'take-profit-market',
            limitPrice: null,
            triggerPrice: '45000',
            reduceOnly: true,
          }),
          order({ cloid: '0xddd', kind: 'market', limitPrice: null }),
        ],
        position: { qty: '0.01', entryPrice: '43321.5', unrealized: '1' },
      }),
    );
    expect(lines.map((l) => [l.id, l.price.toFixed(), l.field, l.title])).toEqual([
      ['0xaaa', '43000', 'limitPrice', 'BUY LMT 0.02'],
      ['0xbbb', '42000', 'triggerPrice', 'SL 0.02'],
      ['0xccc', '45000', 'triggerPrice', 'TP 0.02'],
      ['entry', '43321.5', null, 'LONG 0.01 @'],
    ]);
    expect(linesRange(lines)).toEqual({ min: 42000, max: 45000 });
    // No session running: no lines.
    expect(tradingLines(state({ status: 'idle', orders: [order()] }))).toEqual([]);
  });

  it('grabs the nearest draggable line within the tolerance, never the entry', () => {
    const lines = tradingLines(
      state({
        orders: [order(), order({ cloid: '0xbbb', limitPrice: '43010' })],
        position: { qty: '0.01', entryPrice: '43100', unrealized: '0' },
      }),
    );
    // One pixel per dollar, 44000 at the top.
    const toY = (price: number) => 44000 - price;
    expect(hitTestLine(lines, 1000, toY)?.id).toBe('0xaaa');
    expect(hitTestLine(lines, 992, toY)?.id).toBe('0xbbb');
    expect(hitTestLine(lines, 994, toY)?.id).toBe('0xbbb');
    expect(hitTestLine(lines, 995.5, toY)?.id).toBe('0xaaa');
    expect(hitTestLine(lines, 1020, toY)).toBeNull();
    // The entry (900) is not draggable.
    expect(hitTestLine(lines, 900, toY)).toBeNull();
    // Off the scale: nothing.
    expect(hitTestLine(lines, 1000, () => null)).toBeNull();
  });

  it('asks for a modify only when the price moved, for the remaining size', () => {
    const partly = order({ filledQty: '0.005' });
    const modify = pendingModify(partly, new Decimal('42950'));
    expect(modify).toMatchObject({ cloid: '0xaaa', field: 'limitPrice', description: 'buy limit 0.015' });
    expect(modify?.from.toFixed()).toBe('43000');
    expect(modify?.to.toFixed()).toBe('42950');
    expect(pendingModify(partly, new Decimal('43000.0'))).toBeNull();
    const stop = order({ kind: 'stop-market', limitPrice: null, triggerPrice: '42000' });
    expect(pendingModify(stop, new Decimal('42100'))?.field).toBe('triggerPrice');
    expect(pendingModify(order({ kind: 'market', limitPrice: null }), new Decimal('1'))).toBeNull();
  });
});

describe('trading: the request budget in the status bar', () => {
  it('shows the larger share in whole percent and warns above 80 %', () => {
    const calm = rateLimitView({ weightUsed: 96, weightLimit: 960, addressUsed: 10, addressCap: 10000, ratio: 0.1 });
    expect(calm).toEqual({
      text: 'API 10 %',
      warn: false,
      title: 'Venue request budget: weight 96 of 960 this minute; address actions 10 of 10000',
    });
    expect(
      rateLimitView({ weightUsed: 768, weightLimit: 960, addressUsed: null, addressCap: null, ratio: 0.8 }).warn,
    ).toBe(false);
    const hot = rateLimitView({ weightUsed: 800, weightLimit: 960, addressUsed: null, addressCap: null, ratio: 0.833 });
    expect(hot.warn).toBe(true);
    expect(hot.text).toBe('API 83 % ⚠');
    expect(hot.title).not.toMatch(/address/);
  });
});
