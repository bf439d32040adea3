import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { BacktestSession, runBacktest } from '../../../src/engine/backtest/backtest-session.ts';
import { resolveStrategy } from '../../../src/engine/strategy/strategy-registry.ts';
import { IntentExecutor } from '../../../src/engine/trading/intent-executor.ts';
import { SimVenue } from '../../../src/engine/venue/sim-venue.ts';
import type { SessionEvent } from '../../../src/shared/contract/session-events.ts';
import { VenueConfigSchema } from '../../../src/shared/contract/venue-config.ts';
import { ValidationError } from '../../../src/shared/contract/errors.ts';
import { barsFromCloses, barsOf, runWithEvents, sampleBars } from '../../helpers/backtest.ts';

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
// SMA(1) against SMA(2) of these closes crosses up at bar 2 and down at bar 4.
const CLOSES = [100, 99, 101, 102, 98, 97];
const cross = resolveStrategy('sma-cross', { fast: 1, slow: 2, priceScale: 1 }, { kind: 'all-in' });
const venue = { capital: '1000', takerFee: '0.001', makerFee: '0.001', lotSize: '0.001' };

describe('backtest session: when orders fill', () => {
  it('next-open: a decision at a close fills at the next bar’s open', () => {
    const bars = barsFromCloses(CLOSES);
    const result = runBacktest(bars, { interval: '1h', strategy: cross, venue });
    const t = result.trades.at(0);
    expect(t.side).toBe('long');
    expect(t.entryTime).toBe(T0 + 3 * H);
    expect(t.entryPrice.toFixed()).toBe('101');
    expect(t.exitTime).toBe(T0 + 5 * H);
    expect(t.exitPrice.toFixed()).toBe('98');
    // all-in: floor(1000 / (101 × 1.001) / 0.001) lots
    expect(t.qty.toFixed()).toBe('9.891');
  });

  it('close: a decision fills at that close, stamped with the close time', () => {
    const bars = barsFromCloses(CLOSES);
    const result = runBacktest(bars, { interval: '1h', strategy: cross, venue: { ...venue, fill: 'close' } });
    const t = result.trades.at(0);
    expect(t.entryTime).toBe(T0 + 3 * H);
    expect(t.entryPrice.toFixed()).toBe('101');
    expect(t.entryBar).toBe(2);
    expect(t.exitPrice.toFixed()).toBe('98');
    expect(t.exitBar).toBe(4);
  });

  it('does not act on a decision at the last close (there is no bar left to trade in)', () => {
    // The cross up happens at the last bar.
    const bars = barsFromCloses([100, 99, 101]);
    for (const fill of ['close', 'next-open'] as const) {
      const { result, events } = runWithEvents(bars, { interval: '1h', strategy: cross, venue: { ...venue, fill } });
      expect(events.filter((e) => e.event === 'SignalRaised')).toHaveLength(1);
      expect(result.trades.count).toBe(0);
      expect(result.stats.equityFinal.toFixed()).toBe('1000');
    }
  });

  it('an open position is closed at the last bar’s close at the end, as a taker', () => {
    const bars = barsFromCloses([100, 99, 101, 102, 103]);
    const result = runBacktest(bars, { interval: '1h', strategy: cross, venue });
    const t = result.trades.at(0);
    expect(t.exitReason).toBe('end');
    expect(t.exitPrice.toFixed()).toBe('103');
    expect(t.exitTime).toBe(T0 + 5 * H);
    expect(t.exitBar).toBe(4);
    // The final equity is the exact balance, and the curve ends on it.
    expect(result.stats.equityFinal.toFixed()).toBe(new Decimal(1000).plus(t.grossPnl).minus(t.fees).toFixed());
    expect(result.equity[result.equity.length - 1]).toBeCloseTo(result.stats.equityFinal.toNumber(), 9);
  });

  it('marks the equity curve to each close', () => {
    const bars = barsFromCloses([100, 99, 101, 102, 103]);
    const result = runBacktest(bars, { interval: '1h', strategy: cross, venue });
    const t = result.trades.at(0);
    const qty = t.qty.toNumber();
    const entryFee = 0.001 * qty * 101;
    expect(result.equity[3]).toBeCloseTo(1000 - entryFee + qty * (102 - 101), 9);
    expect(result.equity[1]).toBe(1000);
  });

  it('two runs give identical results (deterministic)', async () => {
    const bars = await sampleBars();
    const strategy = resolveStrategy('confluence', { timeframes: ['1h', '4h'], minScore: 0.5 });
    const a = runWithEvents(bars, { interval: '1h', strategy });
    const b = runWithEvents(bars, { interval: '1h', strategy });
    expect(JSON.stringify(b.events)).toBe(JSON.stringify(a.events));
    expect(Array.from(b.result.equity)).toEqual(Array.from(a.result.equity));
    expect(a.result.trades.count).toBeGreaterThan(0);
  });

  it('history bars warm the strategy up but do not trade or count', () => {
    const bars = barsFromCloses(CLOSES);
    const result = runBacktest(bars, { interval: '1h', strategy: cross, venue, historyBars: 3 });
    expect(result.time.length).toBe(3);
    expect(result.time[0]).toBe(T0 + 3 * H);
    // The cross up at bar 2 happened in the history: no trade from it; the cross down at bar 4
    // opens a short at bar 5 (index 2 of the traded bars), closed at the end.
    expect(result.trades.count).toBe(1);
    expect(result.trades.at(0)).toMatchObject({ side: 'short', entryBar: 2, exitBar: 2 });
  });

  it('refuses to run on no bars', () => {
    expect(() => runBacktest(barsOf([]), { interval: '1h', strategy: cross })).toThrow(ValidationError);
    expect(() => runBacktest(barsOf([]), { interval: '1h', strategy: cross })).toThrow('there are no bars to backtest');
  });

  it('refuses a bad venue setting with the field named', () => {
    expect(() =>
      runBacktest(barsFromCloses(CLOSES), { interval: '1h', strategy: cross, venue: { leverage: 0 } }),
    ).toThrow(/^venue: leverage: /);
  });

  it('stops trading when the account is ruined, and says so', () => {
    // 10× long, then the market opens 60 % lower: the loss is several times the equity.
    const bars = barsOf(
      [
        [100, 100, 100, 100],
        [100, 100, 99, 99],
        [99, 101, 99, 101],
        [101, 101, 101, 101],
        [40, 41, 39, 40],
        [40, 45, 40, 45],
        [45, 46, 30, 31],
      ],
      H,
    );
    const { result, events } = runWithEvents(bars, {
      interval: '1h',
      strategy: cross,
      venue: { ...venue, leverage: 10 },
    });
    expect(events.map((e) => e.event)).toContain('PositionLiquidated');
    expect(result.notes.some((n) => n.includes('ruined'))).toBe(true);
    expect(result.stats.equityFinal.isNegative()).toBe(true);
    expect(result.trades.count).toBe(1);
    expect(result.stats.sharpe).toBeNull();
  });
});

describe('intent path: sizing and brackets', () => {
  function setup(sizing: 'all-in' | 'risk') {
    const events: SessionEvent[] = [];
    const config = VenueConfigSchema.parse({ capital: '10000', takerFee: '0.001', makerFee: '0', lotSize: '0.001' });
    const venue = new SimVenue(config, { sessionId: 's', emit: (e) => events.push(e) });
    const executor = new IntentExecutor({
      venue,
      config,
      sizing: sizing === 'all-in' ? { kind: 'all-in' } : { kind: 'risk', percent: 2 },
      sessionId: 's',
      emit: (e) => events.push(e),
    });
    venue.openBar(0, 0, 100);
    return { venue, executor, events };
  }

  it('risk:2 sizes so that the stop loses 2 % of equity, fees included, and places the bracket', () => {
    const { venue, executor } = setup('risk');
    executor.execute({ kind: 'enter', side: 'buy', stop: 95, takeProfit: 110, reason: 'test' }, 100, 0);
    // 200 at risk / (5 + (100 + 95) × 0.001) per unit = 38.4985… → 38.498 (whole lots of 0.001)
    expect(venue.account.qty.toFixed()).toBe('38.498');
    const orders = venue.workingOrders.map((o) => [
      o.kind,
      o.side,
      o.request.triggerPrice?.toFixed(),
      o.request.reduceOnly,
    ]);
    expect(orders).toEqual([
      ['stop-market', 'sell', '95', true],
      ['take-profit-market', 'sell', '110', true],
    ]);
    // Stopped out: the loss is just under 2 % of the equity.
    venue.openBar(1, 3_600_000, 99);
    venue.runBar(99, 99, 94, 96);
    expect(venue.workingOrders).toHaveLength(0);
    const loss = new Decimal(10000).minus(venue.account.cash).toNumber();
    expect(loss).toBeLessThanOrEqual(200);
    expect(loss).toBeGreaterThan(199.9);
    // R: the net result over the planned risk (size × stop distance).
    expect(venue.account.trades.at(0).rMultiple).toBeCloseTo(-loss / (38.498 * 5), 9);
  });

  it('refuses a risk-sized entry without a stop, or with the stop on the wrong side, naming the rule', () => {
    const { venue, executor, events } = setup('risk');
    executor.execute({ kind: 'enter', side: 'buy', reason: 'no stop' }, 100, 0);
    executor.execute({ kind: 'enter', side: 'sell', stop: 95, reason: 'stop below a short' }, 100, 0);
    const rejected = events.filter((e) => e.event === 'RiskRejected').map((e) => e.payload);
    expect(rejected).toEqual([
      expect.objectContaining({ rule: 'stop-required', message: 'risk:2 sizing needs a stop; this entry has none' }),
      expect.objectContaining({ rule: 'stop-side' }),
    ]);
    expect(venue.account.qtyF).toBe(0);
  });

  it('all-in spends the equity; an entry against the position closes it first; the same side is ignored', () => {
    const { venue, executor } = setup('all-in');
    executor.execute({ kind: 'enter', side: 'buy', reason: 'a' }, 100, 0);
    // floor(10000 / (100 × 1.001) / 0.001) × 0.001
    expect(venue.account.qty.toFixed()).toBe('99.9');
    executor.execute({ kind: 'enter', side: 'buy', reason: 'again' }, 100, 0);
    expect(venue.account.trades.count).toBe(0);
    executor.execute({ kind: 'enter', side: 'sell', reason: 'flip' }, 100, 0);
    expect(venue.account.trades.count).toBe(1);
    expect(venue.account.qtyF).toBeLessThan(0);
    executor.execute({ kind: 'enter', side: 'sell', fresh: true, reason: 'fresh' }, 100, 0);
    expect(venue.account.trades.count).toBe(2);
    executor.execute({ kind: 'exit', reason: 'done' }, 100, 0);
    expect(venue.account.qtyF).toBe(0);
  });
});

describe('backtest session: stepping', () => {
  it('steps bar by bar to the same result as a batch run', () => {
    const bars = barsFromCloses(CLOSES);
    const session = new BacktestSession(bars, { interval: '1h', strategy: cross, venue });
    let steps = 0;
    while (session.step()) steps++;
    expect(steps).toBe(CLOSES.length);
    expect(session.atEnd).toBe(true);
    const stepped = session.finish();
    const batch = runBacktest(bars, { interval: '1h', strategy: cross, venue });
    expect(stepped.stats.equityFinal.toFixed()).toBe(batch.stats.equityFinal.toFixed());
    expect(stepped.trades.toArray().map((t) => t.pnl.toFixed())).toEqual(
      batch.trades.toArray().map((t) => t.pnl.toFixed()),
    );
  });
});
