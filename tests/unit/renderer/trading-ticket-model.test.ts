import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import {
  bps,
  EMPTY_TICKET,
  liquidationPrice,
  previewTicket,
  qtyForNotional,
  ticketMarketOf,
  type TicketForm,
  type TicketMarket,
} from '../../../src/renderer/src/trading/ticket-model.ts';
import type { TradingState } from '../../../src/shared/contract/trading.ts';

const market = (patch: Partial<TicketMarket> = {}): TicketMarket => ({
  mark: new Decimal('43500'),
  equity: new Decimal('10000'),
  fees: { maker: new Decimal('0.0002'), taker: new Decimal('0.0005'), source: 'settings' },
  sizeDecimals: 5,
  margin: {
    mode: 'cross',
    leverage: 5,
    maxLeverage: 5,
    leverageFixed: false,
    maintenanceMarginRate: new Decimal('0.0125'),
  },
  ...patch,
});

const form = (patch: Partial<TicketForm> = {}): TicketForm => ({ ...EMPTY_TICKET, ...patch });

function ok(result: ReturnType<typeof previewTicket>) {
  if ('errors' in result) throw new Error(`unexpected errors: ${JSON.stringify(result.errors)}`);
  return result;
}

function errorsOf(result: ReturnType<typeof previewTicket>) {
  if (!('errors' in result)) throw new Error('expected errors');
  return result.errors;
}

describe('ticket fees: the session’s rates, not constants', () => {
  it('charges the taker rate on a market order and the maker rate on a limit, exactly', () => {
    const m = ok(previewTicket(form({ qty: '0.1' }), market()));
    expect(m.preview.notional.toFixed()).toBe('4350');
    expect(m.preview.feeRate.toFixed()).toBe('0.0005');
    expect(m.preview.fee.toFixed()).toBe('2.175');
    expect(m.preview.feeSource).toBe('settings');
    const l = ok(previewTicket(form({ kind: 'limit', qty: '0.1', limitPrice: '40000' }), market()));
    expect(l.preview.fee.toFixed()).toBe('0.8');
  });

  it('follows other rates (the paper account’s) and reports their source', () => {
    const paper = market({
      fees: { maker: new Decimal('0.00015'), taker: new Decimal('0.00045'), source: 'paper-account' },
    });
    const p = ok(previewTicket(form({ qty: '0.1' }), paper));
    expect(p.preview.fee.toFixed()).toBe('1.9575');
    expect(p.preview.feeSource).toBe('paper-account');
    expect(bps(p.preview.feeRate)).toBe('4.5 bps');
  });

  it('refuses to price a ticket before the session reports its fee rates', () => {
    expect(errorsOf(previewTicket(form({ qty: '0.1' }), market({ fees: null }))).qty).toMatch(/fee rates/);
  });

  it('reads fees, size step and margin from the trading state', () => {
    const state = {
      mark: '100',
      equity: '500.5',
      fees: { maker: '0.0001', taker: '0.0003', source: 'venue-base-tier' },
      sizeDecimals: 3,
      margin: { mode: 'cross', leverage: null, maxLeverage: 3, leverageFixed: false, maintenanceMarginRate: '0.01' },
    } as unknown as TradingState;
    const m = ticketMarketOf(state);
    expect(m.fees?.taker.toFixed()).toBe('0.0003');
    expect(m.fees?.source).toBe('venue-base-tier');
    expect(m.equity.toFixed()).toBe('500.5');
    expect(m.margin?.maintenanceMarginRate.toFixed()).toBe('0.01');
    expect(m.sizeDecimals).toBe(3);
  });
});

describe('sizing by notional', () => {
  it('converts USD to coins at the expected price, rounded down to the size step', () => {
    expect(qtyForNotional(new Decimal('1000'), new Decimal('43500'), 5).toFixed()).toBe('0.02298');
    // Exactly on the step stays as is; never rounded up past the notional.
    expect(qtyForNotional(new Decimal('435'), new Decimal('43500'), 5).toFixed()).toBe('0.01');
    expect(qtyForNotional(new Decimal('999.99'), new Decimal('100'), 0).toFixed()).toBe('9');
  });

  it('sends the rounded quantity and prices what it sends, not what was typed', () => {
    const r = ok(previewTicket(form({ sizeBy: 'notional', notional: '1000' }), market()));
    expect(r.ticket.qty).toBe('0.02298');
    expect(r.preview.notional.toFixed()).toBe('999.63');
    expect(r.preview.notional.lte(1000)).toBe(true);
  });

  it('uses the limit price of a limit order', () => {
    const r = ok(
      previewTicket(form({ kind: 'limit', limitPrice: '40000', sizeBy: 'notional', notional: '1000' }), market()),
    );
    expect(r.ticket.qty).toBe('0.025');
    expect(r.ticket.limitPrice).toBe('40000');
  });

  it('refuses a notional below one size step, and sizing without a known step', () => {
    expect(errorsOf(previewTicket(form({ sizeBy: 'notional', notional: '0.1' }), market())).notional).toMatch(
      /less than one size step \(0\.00001\)/,
    );
    expect(
      errorsOf(previewTicket(form({ sizeBy: 'notional', notional: '1000' }), market({ sizeDecimals: null }))).notional,
    ).toMatch(/size step/);
  });

  it('refuses a quantity finer than the size step', () => {
    expect(errorsOf(previewTicket(form({ qty: '0.000001' }), market())).qty).toMatch(/at most 5 decimals/);
  });

  it('rounds a risk-sized estimate down to the step, with the session’s taker fee', () => {
    const r = ok(previewTicket(form({ sizeBy: 'risk', riskPercent: '1', stop: '43000' }), market()));
    // 100 / (500 + 86500 × 0.0005) = 0.184077…, down to the step.
    expect(r.preview.qty.toFixed()).toBe('0.18407');
    expect(r.preview.estimated).toBe(true);
    expect(r.ticket.riskPercent).toBe(1);
  });
});

describe('leverage and margin', () => {
  it('initial margin is the notional over the leverage', () => {
    const r = ok(previewTicket(form({ qty: '0.1', leverage: '4' }), market()));
    expect(r.preview.leverage).toBe(4);
    expect(r.preview.margin.toFixed()).toBe('1087.5');
    // 4 differs from the venue's 5: the ticket asks for it.
    expect(r.ticket.leverage).toBe(4);
  });

  it('leaves leverage out when it is the session’s, and sets 1 when the session set none', () => {
    expect(ok(previewTicket(form({ qty: '0.1' }), market())).ticket.leverage).toBeUndefined();
    expect(ok(previewTicket(form({ qty: '0.1', leverage: '5' }), market())).ticket.leverage).toBeUndefined();
    const unset = market({ margin: { ...market().margin!, leverage: null } });
    const r = ok(previewTicket(form({ qty: '0.1' }), unset));
    expect(r.ticket.leverage).toBe(1);
    expect(r.preview.margin.toFixed()).toBe('4350');
  });

  it('flags a margin (and fee) above the equity', () => {
    expect(ok(previewTicket(form({ qty: '1', leverage: '5' }), market())).preview.marginAboveEquity).toBe(false);
    // 1.2 BTC at 43500 over 5: 10440 of margin on 10000 of equity.
    expect(ok(previewTicket(form({ qty: '1.2', leverage: '5' }), market())).preview.marginAboveEquity).toBe(true);
  });

  it('is bounded by the maximum and must be whole', () => {
    expect(errorsOf(previewTicket(form({ qty: '0.1', leverage: '6' }), market())).leverage).toMatch(/at most 5×/);
    expect(errorsOf(previewTicket(form({ qty: '0.1', leverage: '2.5' }), market())).leverage).toMatch(/whole/);
    expect(errorsOf(previewTicket(form({ qty: '0.1', leverage: '0' }), market())).leverage).toMatch(/whole/);
  });

  it('keeps a paper account’s fixed leverage whatever is typed', () => {
    const paper = market({ margin: { ...market().margin!, leverage: 3, leverageFixed: true } });
    const r = ok(previewTicket(form({ qty: '0.1', leverage: '5' }), paper));
    expect(r.preview.leverage).toBe(3);
    expect(r.ticket.leverage).toBeUndefined();
  });
});

describe('liquidation estimate', () => {
  const mmr = new Decimal('0.05');
  it('isolated long: (entry − margin/size) / (1 − mmr)', () => {
    // 1 coin at 100, 10× (margin 10), mmr 5 %: (100 − 10) / 0.95.
    const liq = liquidationPrice('buy', new Decimal(100), new Decimal(1), new Decimal(10), mmr);
    expect(liq?.toFixed(10)).toBe(new Decimal(90).div('0.95').toFixed(10));
  });

  it('isolated short: (entry + margin/size) / (1 + mmr)', () => {
    const liq = liquidationPrice('sell', new Decimal(100), new Decimal(1), new Decimal(10), mmr);
    expect(liq?.toFixed(10)).toBe(new Decimal(110).div('1.05').toFixed(10));
  });

  it('a long backed by more than its value has none; a flat size has none', () => {
    expect(liquidationPrice('buy', new Decimal(100), new Decimal(1), new Decimal(200), mmr)).toBeNull();
    expect(liquidationPrice('buy', new Decimal(100), new Decimal(0), new Decimal(10), mmr)).toBeNull();
  });

  it('cross margin backs the position with the equity less the entry fee', () => {
    // Short 1 coin at 100 on 1000 of equity, fee 0.05, mmr 1.25 %.
    const m = market({ mark: new Decimal(100), equity: new Decimal(1000), sizeDecimals: 2 });
    const r = ok(previewTicket(form({ side: 'sell', qty: '1' }), m));
    expect(r.preview.liquidation.basis).toBe('cross');
    // entry + (equity − fee − mmr × value) / size / (1 + mmr)
    const expected = new Decimal(100).plus(new Decimal('999.95').minus('1.25').div('1.0125'));
    expect(r.preview.liquidation.price?.toFixed()).toBe(expected.toFixed());
    // The isolated-style estimate is given too: 5× short, (100 + 20) / 1.0125.
    expect(r.preview.isolatedLiquidation?.toFixed(12)).toBe(new Decimal(120).div('1.0125').toFixed(12));
    // A long on 1000 of equity worth 100 cannot be liquidated.
    expect(ok(previewTicket(form({ qty: '1' }), m)).preview.liquidation.price).toBeNull();
  });

  it('isolated margin backs it with the initial margin only', () => {
    const m = market({ mark: new Decimal(100), sizeDecimals: 2, margin: { ...market().margin!, mode: 'isolated' } });
    const r = ok(previewTicket(form({ qty: '2', leverage: '5' }), m));
    // margin 40 for 2 coins: (100 − 20) / (1 − 0.0125).
    expect(r.preview.liquidation.basis).toBe('isolated');
    expect(r.preview.liquidation.price?.toFixed(12)).toBe(new Decimal(80).div('0.9875').toFixed(12));
    // Higher leverage: closer to the entry.
    const tighter = ok(previewTicket(form({ qty: '2', leverage: '2' }), m));
    expect(tighter.preview.liquidation.price?.lt(r.preview.liquidation.price!)).toBe(true);
  });
});

describe('ticket checks', () => {
  it('keeps the stop and target on the right side for a buy and a sell', () => {
    expect(errorsOf(previewTicket(form({ qty: '0.1', stop: '44000' }), market())).stop).toMatch(/below/);
    expect(errorsOf(previewTicket(form({ side: 'sell', qty: '0.1', stop: '43000' }), market())).stop).toMatch(/above/);
    const short = ok(previewTicket(form({ side: 'sell', qty: '0.1', stop: '44000', takeProfit: '42000' }), market()));
    // 0.1 × 500 + 2.175 + 0.1 × 44000 × 0.0005
    expect(short.preview.riskToStop?.toFixed()).toBe('54.375');
  });

  it('waits for a price before a market ticket', () => {
    expect(errorsOf(previewTicket(form({ qty: '0.1' }), market({ mark: null }))).qty).toMatch(/no price yet/);
  });
});
