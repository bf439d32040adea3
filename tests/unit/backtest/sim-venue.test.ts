import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { SimVenue } from '../../../src/engine/venue/sim-venue.ts';
import type { OrderRequest } from '../../../src/engine/venue/working-order.ts';
import type { SessionEvent } from '../../../src/shared/contract/session-events.ts';
import { VenueConfigSchema, type VenueConfigInput } from '../../../src/shared/contract/venue-config.ts';

const d = (v: string | number) => new Decimal(v);
const HOUR = 3_600_000;

/** A venue with round numbers: 10 000 capital, 0.1 % taker, 0.02 % maker, lot 0.001. */
function venue(config: VenueConfigInput = {}) {
  const events: SessionEvent[] = [];
  const v = new SimVenue(
    VenueConfigSchema.parse({ capital: '10000', takerFee: '0.001', makerFee: '0.0002', lotSize: '0.001', ...config }),
    { sessionId: 's', emit: (e) => events.push(e) },
  );
  return { v, events, names: () => events.map((e) => e.event) };
}

/** Runs one bar through the venue: open, then the walk to the close. */
function bar(v: SimVenue, index: number, o: number, h: number, l: number, c: number, time = index * 60_000) {
  v.openBar(index, time, o);
  v.runBar(o, h, l, c);
}

const buy = (qty: string, extra: Partial<OrderRequest> = {}): OrderRequest => ({
  kind: 'market',
  side: 'buy',
  qty: d(qty),
  ...extra,
});
const sell = (qty: string, extra: Partial<OrderRequest> = {}): OrderRequest => ({
  kind: 'market',
  side: 'sell',
  qty: d(qty),
  ...extra,
});

describe('simulated venue: market orders and fees', () => {
  it('fills a market order at the current price as a taker, fee exact', () => {
    const { v, events } = venue();
    v.openBar(0, 0, 100);
    const r = v.submit(buy('2'), 100);
    expect(r.status).toBe('filled');
    // 2 × 100 = 200 notional, 0.1 % taker = 0.2
    expect(v.account.cash.toFixed()).toBe('9999.8');
    expect(v.account.feesPaid.toFixed()).toBe('0.2');
    const fill = events.find((e) => e.event === 'OrderFilled');
    expect(fill?.payload).toMatchObject({ price: '100', qty: '2', fee: '0.2', liquidity: 'taker', position: '2' });
  });

  it('books a round trip exactly: PnL, fees and balance to the last digit', () => {
    const { v } = venue();
    v.openBar(0, 0, 100.1);
    v.submit(buy('3'), 100.1);
    v.openBar(1, 60_000, 100.3);
    v.submit(sell('3'), 100.3);
    // gross 3 × 0.2 = 0.6; fees 0.001 × (300.3 + 300.9) = 0.6012; net −0.0012
    const t = v.account.trades.at(0);
    expect(t.grossPnl.toFixed()).toBe('0.6');
    expect(t.fees.toFixed()).toBe('0.6012');
    expect(t.pnl.toFixed()).toBe('-0.0012');
    expect(t.outcome).toBe(-1);
    expect(v.account.cash.toFixed()).toBe('9999.9988');
    // Floats would give 0.6000000000000227 here: 3 × (100.3 − 100.1).
    expect(t.returnPct).toBeCloseTo(-0.0012 / 300.3, 15);
  });

  it('applies slippage against the trader on taker fills only', () => {
    const { v } = venue({ slippageBps: 10 });
    v.openBar(0, 0, 100);
    v.submit(buy('1'), 100);
    v.submit(sell('1'), 100);
    const t = v.account.trades.at(0);
    expect(t.entryPrice.toFixed()).toBe('100.1');
    expect(t.exitPrice.toFixed()).toBe('99.9');
    // A resting limit (maker) gets its own price.
    v.submit({ kind: 'limit', side: 'buy', qty: d('1'), limitPrice: d('99') }, 100);
    bar(v, 1, 100, 100, 98, 99.5);
    expect(v.account.trades.count).toBe(1);
    expect(v.account.qty.toFixed()).toBe('1');
    expect(v.account.cost.toFixed()).toBe('99');
  });

  it('rejects sizes that are not whole lots, zero, or reduce-only orders with nothing to reduce', () => {
    const { v, events } = venue();
    v.openBar(0, 0, 100);
    expect(v.submit(buy('0.0015'), 100)).toMatchObject({
      status: 'rejected',
      reason: expect.stringMatching(/multiple of the lot/),
    });
    expect(v.submit(buy('0'), 100)).toMatchObject({ status: 'rejected', reason: 'size must be greater than 0' });
    expect(v.submit(sell('1', { reduceOnly: true }), 100)).toMatchObject({
      status: 'rejected',
      reason: 'reduce-only order would open a position',
    });
    expect(events.filter((e) => e.event === 'OrderRejected')).toHaveLength(3);
    expect(v.account.cash.toFixed()).toBe('10000');
  });

  it('never lets a reduce-only order flip the position: it is cut to the position', () => {
    const { v } = venue();
    v.openBar(0, 0, 100);
    v.submit(buy('1'), 100);
    v.submit(sell('5', { reduceOnly: true }), 101);
    expect(v.account.qtyF).toBe(0);
    expect(v.account.trades.at(0).qty.toFixed()).toBe('1');
  });

  it('refuses an order the margin cannot carry, with the fee counted', () => {
    const { v } = venue();
    v.openBar(0, 0, 100);
    // 100 × 100 = 10 000 notional + 10 fee > 10 000 capital at 1×
    expect(v.submit(buy('100'), 100)).toMatchObject({ status: 'canceled', reason: 'insufficient margin' });
    expect(v.submit(buy('99.9'), 100).status).toBe('filled');
  });

  it('lets leverage carry a larger position', () => {
    const { v } = venue({ leverage: 5 });
    v.openBar(0, 0, 100);
    expect(v.submit(buy('400'), 100).status).toBe('filled');
    expect(v.submit(buy('100'), 100).status).toBe('canceled');
  });
});

describe('simulated venue: exactness and limits of the configuration', () => {
  it('keeps every digit of money figures (no rounding at decimal.js’s default 20 digits)', () => {
    const { v } = venue({ capital: '100000', takerFee: '0.00045', lotSize: '0.00000001' });
    v.openBar(0, 0, 12345.6789);
    v.submit(buy('1.23456789'), 12345.6789);
    // fee = 1.23456789 × 12345.6789 × 0.00045 = 6.85871043758573445 (18 significant digits)
    expect(v.account.feesPaid.toFixed()).toBe('6.85871043758573445');
    expect(v.account.cash.toFixed()).toBe('99993.14128956241426555');
  });

  it('refuses leverage whose initial margin is below the maintenance margin', () => {
    expect(() => VenueConfigSchema.parse({ leverage: 80, maintenanceMarginRate: '0.0125' })).toThrow(
      /leverage × maintenance margin rate must be below 1/,
    );
    expect(VenueConfigSchema.parse({ leverage: 79 }).leverage).toBe(79);
  });
});

describe('simulated venue: limit orders and time in force', () => {
  it('rests a GTC limit and fills it as a maker when the price comes to it', () => {
    const { v, names } = venue();
    v.openBar(0, 0, 100);
    expect(v.submit({ kind: 'limit', side: 'buy', qty: d('1'), limitPrice: d('98') }, 100).status).toBe('resting');
    bar(v, 1, 100, 101, 99, 100);
    expect(v.account.qtyF).toBe(0);
    bar(v, 2, 99, 99.5, 97, 98.5);
    expect(v.account.qty.toFixed()).toBe('1');
    expect(v.account.cost.toFixed()).toBe('98');
    expect(v.account.feesPaid.toFixed()).toBe('0.0196');
    expect(names()).toEqual(['OrderAccepted', 'OrderFilled']);
  });

  it('fills a marketable limit at once as a taker, at the better current price', () => {
    const { v } = venue();
    v.openBar(0, 0, 100);
    expect(v.submit({ kind: 'limit', side: 'buy', qty: d('1'), limitPrice: d('105') }, 100).status).toBe('filled');
    expect(v.account.cost.toFixed()).toBe('100');
    expect(v.account.feesPaid.toFixed()).toBe('0.1');
  });

  it('rejects a post-only (ALO) order that would cross, and rests one that would not', () => {
    const { v } = venue();
    v.openBar(0, 0, 100);
    expect(v.submit({ kind: 'limit', side: 'buy', qty: d('1'), limitPrice: d('100'), tif: 'alo' }, 100)).toMatchObject({
      status: 'rejected',
      reason: 'post-only order would take liquidity',
    });
    expect(v.submit({ kind: 'limit', side: 'buy', qty: d('1'), limitPrice: d('99.5'), tif: 'alo' }, 100).status).toBe(
      'resting',
    );
  });

  it('cancels an IOC limit that cannot fill now, and fills one that can', () => {
    const { v } = venue();
    v.openBar(0, 0, 100);
    expect(v.submit({ kind: 'limit', side: 'sell', qty: d('1'), limitPrice: d('101'), tif: 'ioc' }, 100)).toMatchObject(
      {
        status: 'canceled',
        reason: 'ioc order did not cross',
      },
    );
    expect(v.submit({ kind: 'limit', side: 'sell', qty: d('1'), limitPrice: d('99'), tif: 'ioc' }, 100).status).toBe(
      'filled',
    );
    expect(v.account.qty.toFixed()).toBe('-1');
  });

  it('fills every order resting at one level when the price reaches it, not just the first', () => {
    const { v } = venue();
    v.openBar(0, 0, 100);
    v.submit(buy('2'), 100);
    v.submit({ kind: 'limit', side: 'sell', qty: d('1'), limitPrice: d('110'), reduceOnly: true }, 100);
    v.submit({ kind: 'limit', side: 'sell', qty: d('1'), limitPrice: d('110'), reduceOnly: true }, 100);
    bar(v, 1, 100, 120, 100, 100);
    expect(v.account.qtyF).toBe(0);
    expect(v.account.trades.count).toBe(2);
    expect(v.workingOrders).toHaveLength(0);
  });

  it('never fills a marketable limit worse than its limit, slippage included', () => {
    const { v } = venue({ slippageBps: 100 });
    v.openBar(0, 0, 100);
    v.submit({ kind: 'limit', side: 'buy', qty: d('1'), limitPrice: d('100.5') }, 100);
    expect(v.account.cost.toFixed()).toBe('100.5');
  });

  it('reports a trigger order that acts at once and is refused as canceled, not filled', () => {
    const { v } = venue();
    v.openBar(0, 0, 100);
    expect(v.submit({ kind: 'stop-market', side: 'buy', qty: d('1000'), triggerPrice: d('90') }, 100)).toMatchObject({
      status: 'canceled',
      reason: 'insufficient margin',
    });
    expect(v.account.qtyF).toBe(0);
  });

  it('fills a resting limit that a gap jumps over at the open, the better price', () => {
    const { v } = venue();
    v.openBar(0, 0, 100);
    v.submit({ kind: 'limit', side: 'buy', qty: d('1'), limitPrice: d('98') }, 100);
    bar(v, 1, 95, 96, 94, 95.5);
    expect(v.account.cost.toFixed()).toBe('95');
  });
});

describe('simulated venue: stops, take-profits and the path inside a bar', () => {
  it('triggers a stop-market at its trigger and fills it there (plus slippage)', () => {
    const { v, names } = venue({ slippageBps: 10 });
    v.openBar(0, 0, 100);
    v.submit(buy('1'), 100);
    v.submit({ kind: 'stop-market', side: 'sell', qty: d('1'), triggerPrice: d('95'), reduceOnly: true }, 100);
    bar(v, 1, 99, 99.5, 94, 96);
    const t = v.account.trades.at(0);
    expect(t.exitPrice.toFixed()).toBe('94.905');
    expect(t.exitReason).toBe('stop');
    expect(names()).toContain('OrderTriggered');
  });

  it('fills a stop gapped through at the open, not at its trigger', () => {
    const { v } = venue();
    v.openBar(0, 0, 100);
    v.submit(buy('1'), 100);
    v.submit({ kind: 'stop-market', side: 'sell', qty: d('1'), triggerPrice: d('95'), reduceOnly: true }, 100);
    bar(v, 1, 90, 92, 89, 91);
    expect(v.account.trades.at(0).exitPrice.toFixed()).toBe('90');
  });

  it('turns a triggered stop-limit into a resting limit when its limit is not marketable', () => {
    const { v } = venue();
    v.openBar(0, 0, 100);
    // Buy stop at 102, limit 101: the market jumps to 103 (the limit no longer crosses).
    v.submit({ kind: 'stop-limit', side: 'buy', qty: d('1'), triggerPrice: d('102'), limitPrice: d('101') }, 100);
    bar(v, 1, 103, 104, 102.5, 103.5);
    expect(v.account.qtyF).toBe(0);
    expect(v.workingOrders).toHaveLength(1);
    bar(v, 2, 102, 102, 100.5, 101.5);
    expect(v.account.cost.toFixed()).toBe('101');
  });

  it('triggers a stop-limit and fills it within the same bar when the price passes through', () => {
    const { v } = venue();
    v.openBar(0, 0, 100);
    v.submit({ kind: 'stop-limit', side: 'buy', qty: d('1'), triggerPrice: d('102'), limitPrice: d('102.5') }, 100);
    bar(v, 1, 100, 103, 99, 101);
    // Triggered at 102 where the 102.5 limit is marketable: a taker fill at 102.
    expect(v.account.cost.toFixed()).toBe('102');
    expect(v.account.feesPaid.toFixed()).toBe('0.102');
  });

  it('runs a take-profit when price rises to it (a sell above the market)', () => {
    const { v } = venue();
    v.openBar(0, 0, 100);
    v.submit(buy('1'), 100);
    v.submit({ kind: 'take-profit-market', side: 'sell', qty: d('1'), triggerPrice: d('105'), reduceOnly: true }, 100);
    bar(v, 1, 101, 106, 100, 104);
    expect(v.account.trades.at(0)).toMatchObject({ exitReason: 'take-profit' });
    expect(v.account.trades.at(0).exitPrice.toFixed()).toBe('105');
  });

  function bracket(intrabar: 'pessimistic' | 'open-proximity', open: number) {
    const { v, events } = venue({ intrabar });
    v.openBar(0, 0, 100);
    v.submit(buy('1'), 100);
    const group = 'b1';
    v.submit({ kind: 'stop-market', side: 'sell', qty: d('1'), triggerPrice: d('95'), reduceOnly: true, group }, 100);
    v.submit(
      { kind: 'take-profit-market', side: 'sell', qty: d('1'), triggerPrice: d('105'), reduceOnly: true, group },
      100,
    );
    // One bar reaches both the stop (95) and the take-profit (105).
    bar(v, 1, open, 106, 94, 100);
    return { v, events };
  }

  it('pessimistic: a bar reaching both stop and take-profit takes the stop first', () => {
    const { v, events } = bracket('pessimistic', 104);
    expect(v.account.trades.at(0).exitReason).toBe('stop');
    expect(v.account.trades.at(0).exitPrice.toFixed()).toBe('95');
    // The take-profit of the same group was canceled, not filled.
    expect(events.filter((e) => e.event === 'OrderCanceled').map((e) => e.payload)).toEqual([
      expect.objectContaining({ reason: 'the other order of its group filled' }),
    ]);
    expect(v.account.trades.count).toBe(1);
  });

  it('open-proximity: the extreme nearer the open comes first', () => {
    expect(bracket('open-proximity', 104).v.account.trades.at(0).exitReason).toBe('take-profit');
    expect(bracket('open-proximity', 96).v.account.trades.at(0).exitReason).toBe('stop');
  });

  it('cancels leftover reduce-only orders when the position is closed some other way', () => {
    const { v } = venue();
    v.openBar(0, 0, 100);
    v.submit(buy('1'), 100);
    v.submit({ kind: 'stop-market', side: 'sell', qty: d('1'), triggerPrice: d('95'), reduceOnly: true }, 100);
    v.closePosition(101, 'signal');
    expect(v.workingOrders).toHaveLength(0);
  });
});

describe('simulated venue: positions', () => {
  it('averages the entry when adding and keeps the trade whole', () => {
    const { v } = venue();
    v.openBar(0, 0, 100);
    v.submit(buy('1'), 100);
    v.submit(buy('3'), 104);
    expect(v.account.cost.toFixed()).toBe('412');
    v.submit(sell('4'), 110);
    const t = v.account.trades.at(0);
    expect(v.account.trades.count).toBe(1);
    expect(t.entryPrice.toFixed()).toBe('103');
    expect(t.grossPnl.toFixed()).toBe('28');
    // fees 0.001 × (100 + 312 + 440)
    expect(t.fees.toFixed()).toBe('0.852');
  });

  it('closes part of a position as its own trade, with its share of the entry fee', () => {
    const { v } = venue();
    v.openBar(0, 0, 100);
    v.submit(buy('4'), 100);
    v.submit(sell('1'), 110);
    const first = v.account.trades.at(0);
    expect(first.qty.toFixed()).toBe('1');
    expect(first.grossPnl.toFixed()).toBe('10');
    // a quarter of the 0.4 entry fee, plus the 0.11 exit fee
    expect(first.fees.toFixed()).toBe('0.21');
    v.submit(sell('3'), 90);
    const second = v.account.trades.at(1);
    expect(second.grossPnl.toFixed()).toBe('-30');
    expect(second.fees.toFixed()).toBe('0.57');
    expect(v.account.feesPaid.toFixed()).toBe('0.78');
    expect(v.account.cash.toFixed()).toBe(d(10000).plus(10).minus(30).minus('0.78').toFixed());
  });

  it('flips a position with one fill, splitting the fee by size', () => {
    const { v } = venue();
    v.openBar(0, 0, 100);
    v.submit(buy('1'), 100);
    v.submit(sell('3'), 100);
    expect(v.account.qty.toFixed()).toBe('-2');
    const closed = v.account.trades.at(0);
    // The 0.3 fee of the 3-lot sell: a third closes the long, two thirds open the short.
    expect(closed.fees.toFixed()).toBe('0.2');
    v.submit(buy('2'), 100);
    expect(v.account.trades.at(1).fees.toFixed()).toBe('0.4');
    expect(v.account.feesPaid.toFixed()).toBe('0.6');
  });
});

describe('simulated venue: funding', () => {
  it('charges hourly funding on the position held into each hour: longs pay a positive rate', () => {
    const { v, events } = venue({ funding: { kind: 'constant', ratePerHour: '0.0001' } });
    v.openBar(0, 0, 100);
    v.submit(buy('10'), 100);
    // Bars of 30 minutes: hours 1 and 2 start bars 2 and 4.
    for (let i = 1; i <= 4; i++) bar(v, i, 100, 100, 100, 100, i * 30 * 60_000);
    const funding = events.filter((e) => e.event === 'FundingPaid');
    expect(funding.map((e) => e.payload.at)).toEqual([HOUR, 2 * HOUR]);
    // 10 × 100 × 0.0001 = 0.1 per hour, paid
    expect(funding.map((e) => e.payload.amount)).toEqual(['-0.1', '-0.1']);
    expect(v.account.funding.toFixed()).toBe('-0.2');
    v.closePosition(100, 'end');
    expect(v.account.trades.at(0).funding.toFixed()).toBe('-0.2');
    expect(v.account.trades.at(0).pnl.toFixed()).toBe(d('-0.2').minus('2').toFixed());
  });

  it('pays shorts a positive rate, takes the series rate of each hour and counts hours without one', () => {
    const { v, events } = venue({
      funding: {
        kind: 'series',
        points: [
          { time: HOUR + 5, rate: '0.0002' },
          { time: 3 * HOUR + 7, rate: '-0.0001' },
        ],
      },
    });
    v.openBar(0, 0, 50);
    v.submit(sell('2'), 50);
    for (let h = 1; h <= 3; h++) bar(v, h, 50, 50, 50, 50, h * HOUR);
    const amounts = events.filter((e) => e.event === 'FundingPaid').map((e) => e.payload.amount);
    // Hour 1: short receives 2 × 50 × 0.0002; hour 2: the series has no rate; hour 3: short pays.
    expect(amounts).toEqual(['0.02', '-0.01']);
    expect(v.fundingHoursMissing).toBe(1);
  });
});

/** 10× isolated, 5 % maintenance margin, no fees: round liquidation prices. */
const ISOLATED_10X = {
  leverage: 10,
  marginMode: 'isolated',
  maintenanceMarginRate: '0.05',
  takerFee: '0',
  makerFee: '0',
} as const;

describe('simulated venue: liquidation', () => {
  it('liquidates a cross-margin long where equity falls to the maintenance margin', () => {
    const { v, names } = venue({ leverage: 10, maintenanceMarginRate: '0.05', takerFee: '0', makerFee: '0' });
    v.openBar(0, 0, 100);
    v.submit(buy('900'), 100);
    // equity = 10 000 + 900 (p − 100) = 0.05 × 900 p  →  p = 80 000 / 855 ≈ 93.567
    bar(v, 1, 99, 99.5, 93.6, 94);
    expect(v.account.qtyF).toBe(900);
    bar(v, 2, 94, 94, 93, 93.2);
    expect(v.account.qtyF).toBe(0);
    expect(names()).toContain('PositionLiquidated');
    const t = v.account.trades.at(0);
    expect(t.exitReason).toBe('liquidation');
    expect(t.exitPrice.toNumber()).toBeCloseTo(80_000 / 855, 9);
  });

  it('liquidates an isolated position on its own margin, sooner than cross would', () => {
    const { v } = venue(ISOLATED_10X);
    v.openBar(0, 0, 100);
    v.submit(buy('10'), 100);
    expect(v.account.isolatedMargin.toFixed()).toBe('100');
    // margin 100 + 10 (p − 100) = 0.05 × 10 p  →  p = 900 / 9.5 ≈ 94.737
    bar(v, 1, 99, 99.5, 94.7, 95);
    expect(v.account.qtyF).toBe(0);
    expect(v.account.trades.at(0).exitPrice.toNumber()).toBeCloseTo(900 / 9.5, 9);
    // The rest of the account is untouched: only the position's margin (less the maintenance left) was lost.
    expect(v.account.cash.toNumber()).toBeCloseTo(10_000 + 10 * (900 / 9.5 - 100), 9);
  });

  it('at a gap past both, fills the stop the market jumped over rather than liquidating', () => {
    const { v, names } = venue({ leverage: 5, takerFee: '0', makerFee: '0' });
    v.openBar(0, 0, 100);
    v.submit(buy('50'), 100);
    v.submit({ kind: 'stop-market', side: 'sell', qty: d('50'), triggerPrice: d('85'), reduceOnly: true }, 100);
    bar(v, 1, 70, 72, 69, 71);
    expect(v.account.trades.at(0)).toMatchObject({ exitReason: 'stop' });
    expect(v.account.trades.at(0).exitPrice.toFixed()).toBe('70');
    expect(names()).not.toContain('PositionLiquidated');
  });

  it('lets a stop at the same level fill before the liquidation', () => {
    const { v } = venue(ISOLATED_10X);
    v.openBar(0, 0, 100);
    v.submit(buy('10'), 100);
    v.submit({ kind: 'stop-market', side: 'sell', qty: d('10'), triggerPrice: d('96'), reduceOnly: true }, 100);
    bar(v, 1, 99, 99, 90, 91);
    expect(v.account.trades.at(0).exitReason).toBe('stop');
  });
});
