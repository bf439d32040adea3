import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/adapters/sqlite/open-database.ts';
import { SqliteJournal } from '../../../src/adapters/sqlite/sqlite-journal.ts';
import { LiveTrader, type TraderEvent } from '../../../src/engine/execution/live-trader.ts';
import { PaperExecution, type PaperBar } from '../../../src/engine/execution/paper-execution.ts';
import { RiskRulesSchema } from '../../../src/engine/execution/risk-manager.ts';
import type { Scheduler } from '../../../src/engine/ports.ts';
import { resolveStrategy } from '../../../src/engine/strategy/strategy-registry.ts';
import { ValidationError } from '../../../src/shared/contract/errors.ts';
import { VenueConfigSchema } from '../../../src/shared/contract/venue-config.ts';

const H = 3_600_000;
const START = Date.UTC(2026, 10, 25);
const noTimers: Scheduler = { schedule: () => () => undefined };

let db: ReturnType<typeof openDatabase>;
let now: number;

beforeEach(() => {
  db = openDatabase(':memory:');
  now = START;
});
afterEach(() => db.close());

/** A paper session on BTC 1h with a 2 % stop (risk sizing) and a 2:1 target. */
async function session(strategyParams: Record<string, unknown> = {}, venue: Record<string, unknown> = {}) {
  const clock = { now: () => now };
  const paper = new PaperExecution({
    coin: 'BTC',
    venue: VenueConfigSchema.parse({ capital: '10000', lotSize: '0.00001', fill: 'close', leverage: 2, ...venue }),
    journal: new SqliteJournal(db, 'paper-venue:BTC'),
    clock,
  });
  paper.restore();
  const events: TraderEvent[] = [];
  const trader = new LiveTrader({
    client: paper,
    journal: new SqliteJournal(db, 'paper:BTC'),
    clock,
    scheduler: noTimers,
    coin: 'BTC',
    interval: '1h',
    strategy: resolveStrategy('sma-cross', { fast: 2, slow: 4, priceScale: 1, ...strategyParams }, { kind: 'all-in' }),
    rules: RiskRulesSchema.parse({ maxLeverage: 2, maxPositionNotional: '1000000' }),
    cloidPrefix: '00abcdef',
    leverage: typeof venue.leverage === 'number' ? venue.leverage : 2,
    onEvent: (e) => events.push(e),
  });
  const differences = await trader.start();
  return { paper, trader, events, differences };
}

function wave(n: number, from = 0): PaperBar[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const close = 50_000 + 1500 * Math.sin(i / 3);
    const open = 50_000 + 1500 * Math.sin((i - 1) / 3);
    return { time: START + i * H, open, high: Math.max(open, close) + 50, low: Math.min(open, close) - 50, close };
  });
}

async function feed(s: Awaited<ReturnType<typeof session>>, bars: PaperBar[]) {
  for (const bar of bars) {
    now = bar.time + H;
    // The venue sees the bar first (working orders act along its path), then the strategy.
    s.paper.onBar(bar);
    await s.trader.onBar({ ...bar, volume: 1 });
  }
}

describe('paper trading: the live trader on the simulated venue', () => {
  it('trades crosses; positions and cash agree with the fills to the last digit', async () => {
    const s = await session();
    await feed(s, wave(60));
    const fills = await s.paper.fillsSince(0);
    expect(fills.length).toBeGreaterThan(6);
    const account = await s.paper.account();
    const venueQty = account.positions[0]?.qty ?? new Decimal(0);
    expect(s.trader.positions.get('BTC').qty.toFixed()).toBe(venueQty.toFixed());
    // Cash = capital + realised − fees, exactly: no float anywhere on the money path.
    const realized = fills.reduce((sum, f) => sum.plus(f.closedPnl).minus(f.fee), new Decimal(0));
    const mark = await s.paper.mark('BTC');
    const unrealized = venueQty.isZero()
      ? new Decimal(0)
      : venueQty.times(mark).minus(venueQty.times(account.positions[0]?.entryPrice ?? 0));
    expect(account.equity.minus(unrealized).toFixed()).toBe(new Decimal(10_000).plus(realized).toFixed());
    // Every order the trader sent ended the way the venue says.
    for (const tracked of s.trader.orders.all) {
      const venue = await s.paper.orderByCloid(tracked.order.cloid);
      expect(venue, tracked.order.cloid).not.toBeNull();
    }
    expect(s.events.some((e) => e.kind === 'signal')).toBe(true);
  });

  it('a restart rebuilds the paper account and the session from the journal, with nothing to reconcile', async () => {
    const first = await session();
    await feed(first, wave(40));
    const before = {
      account: await first.paper.account(),
      fills: (await first.paper.fillsSince(0)).map((f) => `${f.tid}:${f.side}:${f.qty.toFixed()}@${f.price.toFixed()}`),
      open: (await first.paper.openOrders()).map((o) => o.cloid),
      trader: first.trader.positions.get('BTC').qty.toFixed(),
    };
    await first.trader.stop();
    // A crash: the objects are gone, only the database remains.
    const second = await session();
    expect(second.differences).toEqual([]);
    const after = await second.paper.account();
    expect(after.equity.toFixed()).toBe(before.account.equity.toFixed());
    expect(after.positions.map((p) => p.qty.toFixed())).toEqual(before.account.positions.map((p) => p.qty.toFixed()));
    expect(
      (await second.paper.fillsSince(0)).map((f) => `${f.tid}:${f.side}:${f.qty.toFixed()}@${f.price.toFixed()}`),
    ).toEqual(before.fills);
    expect((await second.paper.openOrders()).map((o) => o.cloid)).toEqual(before.open);
    expect(second.trader.positions.get('BTC').qty.toFixed()).toBe(before.trader);
    // And it trades on from where it was, identically to a session that never stopped.
    await feed(second, wave(20, 40));
    const uninterrupted = openDatabase(':memory:');
    const saved = db;
    db = uninterrupted;
    now = START;
    const straight = await session();
    await feed(straight, wave(60));
    db = saved;
    expect((await second.paper.account()).equity.toFixed()).toBe((await straight.paper.account()).equity.toFixed());
    uninterrupted.close();
  });

  it('stops and targets rest on the paper venue and fire along a bar', async () => {
    const s = await session();
    s.paper.onBar({ time: START, open: 50_000, high: 50_000, low: 50_000, close: 50_000 });
    const [entry] = await s.trader.orders.submit([
      {
        coin: 'BTC',
        side: 'buy',
        qty: new Decimal('0.1'),
        kind: 'market',
        limitPrice: null,
        triggerPrice: null,
        tif: 'ioc',
        reduceOnly: false,
      },
    ]);
    expect(entry?.status).toBe('filled');
    const brackets = await s.trader.orders.submit(
      [
        {
          coin: 'BTC',
          side: 'sell',
          qty: new Decimal('0.1'),
          kind: 'stop-market',
          limitPrice: null,
          triggerPrice: new Decimal(49_000),
          tif: 'gtc',
          reduceOnly: true,
        },
        {
          coin: 'BTC',
          side: 'sell',
          qty: new Decimal('0.1'),
          kind: 'take-profit-market',
          limitPrice: null,
          triggerPrice: new Decimal(52_000),
          tif: 'gtc',
          reduceOnly: true,
        },
      ],
      'positionTpsl',
    );
    expect(brackets.map((b) => b.status)).toEqual(['accepted', 'accepted']);
    now = START + 2 * H;
    s.paper.onBar({ time: START + H, open: 50_000, high: 50_500, low: 48_800, close: 49_500 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    await s.trader.orders.reconcile();
    expect(s.trader.positions.get('BTC').qty.isZero()).toBe(true);
    const states = await Promise.all(brackets.map((b) => s.paper.orderByCloid(b.order.cloid)));
    // The stop filled at its trigger; its take-profit partner was canceled with it.
    expect(states.map((o) => o?.status)).toEqual(['filled', 'canceled']);
    const fills = await s.paper.fillsSince(0);
    expect(fills.at(-1)?.price.toFixed()).toBe('49000');
  });

  it('refuses new entries while the venue connection is down past its breaker, and trades again once it is back', async () => {
    const s = await session();
    // The paper venue has no connection to lose: tell the trader what a real one reports.
    const handlers = (s.paper as unknown as { handlers: { onConnection?: (state: string) => void } }).handlers;
    handlers.onConnection?.('breaker-open');
    await feed(s, wave(12));
    expect(s.events.filter((e) => e.kind === 'order')).toEqual([]);
    expect(s.events.some((e) => e.kind === 'risk' && e.rule === 'venue-unreachable')).toBe(true);
    handlers.onConnection?.('up');
    await feed(s, wave(24, 12));
    expect(s.events.some((e) => e.kind === 'order')).toBe(true);
  });

  it('books hourly funding once each, journaled, and keeps it across a restart', async () => {
    const funded = { funding: { kind: 'constant', ratePerHour: '0.001' } };
    // A strategy that never crosses on a flat market: only the order below trades.
    const s = await session({ fast: 2, slow: 4 }, funded);
    const flat = (i: number) => ({ time: START + i * H, open: 50_000, high: 50_000, low: 50_000, close: 50_000 });
    s.paper.onBar(flat(0));
    await s.trader.orders.submit([
      {
        coin: 'BTC',
        side: 'buy',
        qty: new Decimal('0.1'),
        kind: 'market',
        limitPrice: null,
        triggerPrice: null,
        tif: 'ioc',
        reduceOnly: false,
      },
    ]);
    for (let i = 1; i <= 3; i++) s.paper.onBar(flat(i));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const paid = await s.paper.fundingSince(0);
    expect(paid.length).toBe(3);
    // Longs pay a positive rate: 0.1 BTC × 50000 × 0.001 = 5 per hour, exactly.
    expect(paid.map((f) => f.amount.toFixed())).toEqual(['-5', '-5', '-5']);
    expect(s.trader.positions.get('BTC').funding.toFixed()).toBe('-15');
    expect(s.events.filter((e) => e.kind === 'funding').length).toBe(3);
    await s.trader.stop();
    const again = await session({ fast: 2, slow: 4 }, funded);
    // Restored from the journal, then caught up from the venue: still three payments.
    expect(again.trader.positions.get('BTC').funding.toFixed()).toBe('-15');
    expect(new SqliteJournal(db, 'paper:BTC').read().filter((e) => e.event === 'funding').length).toBe(3);
  });

  it('reports a liquidation as the account’s fill, and goes on numbering orders right after it', async () => {
    const s = await session({ fast: 2, slow: 4 }, { leverage: 10 });
    const bar = (i: number, low: number, close: number) => ({
      time: START + i * H,
      open: 50_000,
      high: 50_000,
      low,
      close,
    });
    s.paper.onBar(bar(0, 50_000, 50_000));
    const market = (side: 'buy' | 'sell', qty: string) => ({
      coin: 'BTC',
      side,
      qty: new Decimal(qty),
      kind: 'market' as const,
      limitPrice: null,
      triggerPrice: null,
      tif: 'ioc' as const,
      reduceOnly: false,
    });
    await s.trader.orders.submit([market('buy', '1.9')]);
    now = START + 2 * H;
    // Far through the liquidation price (about 45 400 at 10× with 1.25 % maintenance).
    s.paper.onBar(bar(1, 44_000, 44_500));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const fills = await s.paper.fillsSince(0);
    expect(fills.length).toBe(2);
    expect(fills[1]?.cloid).toBeNull();
    expect(s.trader.positions.get('BTC').qty.isZero()).toBe(true);
    // The next order fills and is reported as itself.
    const [next] = await s.trader.orders.submit([market('buy', '0.01')]);
    expect(next?.status).toBe('filled');
    expect(s.trader.positions.get('BTC').qty.toFixed()).toBe('0.01');
    expect((await s.paper.fillsSince(0)).at(-1)?.cloid).toBe(next?.order.cloid);
  });

  it('refuses bad orders with a clear error and records nothing', async () => {
    const s = await session();
    s.paper.onBar({ time: START, open: 50_000, high: 50_000, low: 50_000, close: 50_000 });
    const journal = new SqliteJournal(db, 'paper-venue:BTC');
    const entries = journal.read().length;
    const base = {
      side: 'buy' as const,
      kind: 'market' as const,
      limitPrice: null,
      triggerPrice: null,
      tif: 'ioc' as const,
      reduceOnly: false,
    };
    await expect(s.trader.orders.submit([{ ...base, coin: 'ETH', qty: new Decimal(1) }])).rejects.toThrow(
      /unknown coin "ETH"/,
    );
    await expect(s.trader.orders.submit([{ ...base, coin: 'BTC', qty: new Decimal('0.0001') }])).rejects.toThrow(
      /below the venue's minimum of \$10/,
    );
    await expect(s.trader.orders.submit([{ ...base, coin: 'BTC', qty: new Decimal('0.000015') }])).rejects.toThrow(
      ValidationError,
    );
    await expect(s.paper.setLeverage('BTC', 5)).rejects.toThrow(/leverage is 2×/);
    expect(journal.read().length).toBe(entries);
    expect(s.trader.orders.all).toEqual([]);
  });
});
