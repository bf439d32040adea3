import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { RiskManager, RiskRulesSchema, type RiskFill } from '../../../src/engine/execution/risk-manager.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 25, 12);
const rules = RiskRulesSchema.parse({ dailyLossLimit: '100', maxConsecutiveLosses: 2, maxOrdersPerMinute: 2 });
const entry = {
  coin: 'BTC',
  reduceOnly: false,
  notionalAfter: new Decimal(100),
  equity: new Decimal(10_000),
  openPositionsAfter: 1,
};

function fill(time: number, side: 'buy' | 'sell', qty: string, closedPnl: string, fee = '0'): RiskFill {
  return { time, coin: 'BTC', side, qty: new Decimal(qty), closedPnl: new Decimal(closedPnl), fee: new Decimal(fee) };
}

describe('risk rules', () => {
  it('counts losses on the UTC day of each fill; a late fill from yesterday does not wipe today', () => {
    const risk = new RiskManager(rules);
    risk.onFill(fill(T0, 'buy', '1', '0'));
    risk.onFill(fill(T0 + 1000, 'sell', '1', '-120'));
    expect(risk.check(entry, T0 + 2000)?.rule).toBe('daily-loss-limit');
    // A fill stamped yesterday, booked late (recovered after a reconnect).
    risk.onFill(fill(T0 - DAY, 'buy', '1', '0', '1'));
    expect(risk.dayResult(T0).toFixed()).toBe('-120');
    expect(risk.check(entry, T0 + 3000)?.rule).toBe('daily-loss-limit');
    // Tomorrow is a new day.
    expect(risk.check(entry, T0 + DAY)).toBeNull();
  });

  it('a loss streak counts trades, however many fills close them', () => {
    const risk = new RiskManager(rules);
    // One losing trade closed in three fills.
    risk.onFill(fill(T0, 'buy', '3', '0'));
    for (let i = 1; i <= 3; i++) risk.onFill(fill(T0 + i, 'sell', '1', '-1'));
    expect(risk.consecutiveLosses).toBe(1);
    // A second losing trade: the breaker trips.
    risk.onFill(fill(T0 + 10, 'sell', '1', '0'));
    risk.onFill(fill(T0 + 11, 'buy', '1', '-2'));
    expect(risk.check(entry, T0 + 12)?.rule).toBe('consecutive-losses');
    // Resuming lifts the halt and resets the breakers.
    risk.resume();
    expect(risk.consecutiveLosses).toBe(0);
    expect(risk.check(entry, T0 + 13)).toBeNull();
  });

  it('never refuses a reduction, not even at the order-rate limit', () => {
    const risk = new RiskManager(rules);
    risk.onOrderSent(T0);
    risk.onOrderSent(T0 + 1);
    expect(risk.check(entry, T0 + 2)?.rule).toBe('max-order-rate');
    expect(risk.check({ ...entry, reduceOnly: true }, T0 + 2)).toBeNull();
    risk.halt('test');
    expect(risk.check({ ...entry, reduceOnly: true }, T0 + 3)).toBeNull();
  });

  it('rebuilds the day, the streak and the halt from the journal', () => {
    const risk = new RiskManager(rules);
    risk.restore([
      { at: T0, event: 'fill', payload: { time: T0, coin: 'BTC', side: 'buy', qty: '1', closedPnl: '0', fee: '0' } },
      {
        at: T0,
        event: 'fill',
        payload: { time: T0 + 1, coin: 'BTC', side: 'sell', qty: '1', closedPnl: '-150', fee: '1' },
      },
      { at: T0, event: 'risk.halted', payload: { reason: 'manual' } },
    ]);
    expect(risk.dayResult(T0).toFixed()).toBe('-151');
    expect(risk.consecutiveLosses).toBe(1);
    expect(risk.haltReason).toBe('manual');
  });
});
