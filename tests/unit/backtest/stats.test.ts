import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { computeStats, type BacktestStats } from '../../../src/engine/backtest/stats/backtest-stats.ts';
import { summarizeDrawdowns } from '../../../src/engine/backtest/stats/drawdowns.ts';
import { periodReturns } from '../../../src/engine/backtest/stats/period-returns.ts';
import { geometricMean } from '../../../src/engine/backtest/stats/trade-stats.ts';
import { SimVenue } from '../../../src/engine/venue/sim-venue.ts';
import type { TradeLog } from '../../../src/engine/venue/trade-log.ts';
import { VenueConfigSchema } from '../../../src/shared/contract/venue-config.ts';

const DAY = 86_400_000;
const MONDAY = Date.UTC(2024, 0, 1);

/** Trades of one unit each, no fees: (entry bar, exit bar, entry price, exit price, side). */
function tradesOf(list: [number, number, number, number, 'buy' | 'sell'][]): TradeLog {
  const venue = new SimVenue(
    VenueConfigSchema.parse({ capital: '1000000', makerFee: '0', takerFee: '0', lotSize: '1' }),
    {
      sessionId: 't',
      emit: null,
    },
  );
  for (const [entryBar, exitBar, entry, exit, side] of list) {
    venue.openBar(entryBar, MONDAY + entryBar * DAY, entry);
    venue.submit({ kind: 'market', side, qty: new Decimal(1) }, entry);
    venue.openBar(exitBar, MONDAY + exitBar * DAY, exit);
    venue.closePosition(exit, 'signal');
  }
  return venue.account.trades;
}

function stats(equity: number[], trades: TradeLog = tradesOf([]), close?: number[]): BacktestStats {
  const time = Float64Array.from(equity, (_, i) => MONDAY + i * DAY);
  return computeStats({
    time,
    close: Float64Array.from(close ?? equity),
    equity: Float64Array.from(equity),
    trades,
    warmupBars: 0,
    capital: new Decimal(equity[0] ?? 1),
    equityFinal: new Decimal(equity[equity.length - 1] ?? 1),
    feesPaid: new Decimal(0),
    fundingPaid: new Decimal(0),
  });
}

/** Every statistic is a finite number, a decimal or null: never NaN or ±Infinity. */
function expectNoNonFinite(s: BacktestStats) {
  for (const [key, value] of Object.entries(s)) {
    if (typeof value === 'number') expect(Number.isFinite(value), key).toBe(true);
  }
}

describe('statistics on a hand-computed run', () => {
  // Mon..Fri daily bars: equity 100 → 110 → 99 → 121 → 121.
  const trades = tradesOf([
    [0, 1, 100, 110, 'buy'],
    [1, 2, 100, 95, 'buy'],
    [3, 4, 100, 102, 'buy'],
  ]);
  const s = stats([100, 110, 99, 121, 121], trades, [50, 55, 60, 40, 45]);

  it('return, drawdown and its duration', () => {
    expect(s.returnPct).toBeCloseTo(21, 12);
    expect(s.equityPeak).toBe(121);
    expect(s.maxDrawdownPct).toBeCloseTo(-10, 12);
    // The one drawdown runs from the peak on Tuesday to the new peak on Thursday.
    expect(s.maxDrawdownDurationMs).toBe(2 * DAY);
    expect(s.avgDrawdownDurationMs).toBe(2 * DAY);
    expect(s.avgDrawdownPct).toBeCloseTo(-10, 12);
    expect(s.durationMs).toBe(4 * DAY);
    expect(s.buyHoldReturnPct).toBeCloseTo(-10, 12);
  });

  it('annualised figures from daily returns (252 periods: no weekend bars)', () => {
    // Daily returns 0.1, −0.1, 0.2222…, 0: their product is 1.21, so the geometric mean is √1.1 − 1.
    const g = Math.sqrt(1.1) - 1;
    expect(s.returnAnnPct).toBeCloseTo(((1 + g) ** 252 - 1) * 100, 6);
    const r = [0.1, -0.1, 121 / 99 - 1, 0];
    const mean = r.reduce((a, b) => a + b) / 4;
    const variance = r.reduce((a, b) => a + (b - mean) ** 2, 0) / 3;
    const vol = Math.sqrt((variance + (1 + g) ** 2) ** 252 - (1 + g) ** 504);
    expect(s.volatilityAnnPct).toBeCloseTo(vol * 100, 4);
    expect(s.sharpe).toBeCloseTo(((1 + g) ** 252 - 1) / vol, 9);
    // Downside deviation: only the −10 % day counts, over all four days.
    expect(s.sortino).toBeCloseTo(((1 + g) ** 252 - 1) / (Math.sqrt(0.01 / 4) * Math.sqrt(252)), 6);
    expect(s.calmar).toBeCloseTo(((1 + g) ** 252 - 1) / 0.1, 6);
    expect(s.cagrPct).toBeCloseTo((1.21 ** (365.25 / 4) - 1) * 100, 4);
  });

  it('trade statistics', () => {
    expect(s.trades).toBe(3);
    expect(s.winRatePct).toBeCloseTo(200 / 3, 12);
    expect(s.winRateLongPct).toBeCloseTo(200 / 3, 12);
    expect(s.winRateShortPct).toBeNull();
    expect(s.bestTradePct).toBeCloseTo(10, 12);
    expect(s.worstTradePct).toBeCloseTo(-5, 12);
    expect(s.avgTradePct).toBeCloseTo(((1.1 * 0.95 * 1.02) ** (1 / 3) - 1) * 100, 10);
    // Profit factor on returns: (0.1 + 0.02) / 0.05.
    expect(s.profitFactor).toBeCloseTo(2.4, 12);
    expect(s.expectancyPct).toBeCloseTo(((0.1 - 0.05 + 0.02) / 3) * 100, 12);
    // SQN = √3 · mean(10, −5, 2) / sd(10, −5, 2)
    const mean = 7 / 3;
    const sd = Math.sqrt(((10 - mean) ** 2 + (-5 - mean) ** 2 + (2 - mean) ** 2) / 2);
    expect(s.sqn).toBeCloseTo((Math.sqrt(3) * mean) / sd, 12);
    // Kelly = W − (1 − W) / (mean win / mean loss) = 2/3 − (1/3) / (6 / 5)
    expect(s.kelly).toBeCloseTo(2 / 3 - 1 / 3 / (6 / 5), 12);
    expect(s.maxConsecutiveWins).toBe(1);
    expect(s.maxConsecutiveLosses).toBe(1);
    expect(s.maxTradeDurationMs).toBe(DAY);
    expect(s.maxTradeBars).toBe(1);
    expect(s.expectancyR).toBeNull();
    // Bars 0–1, 1–2 and 3–4 are held: all five bars.
    expect(s.exposurePct).toBe(100);
    expectNoNonFinite(s);
  });
});

describe('statistics on degenerate runs (no NaN, no ±Infinity, no absurd ratios)', () => {
  it('no trades: trade statistics are null and flat equity has no risk-adjusted ratios', () => {
    const s = stats([1000, 1000, 1000, 1000]);
    expect(s.trades).toBe(0);
    expect(s.exposurePct).toBe(0);
    for (const key of [
      'winRatePct',
      'bestTradePct',
      'worstTradePct',
      'avgTradePct',
      'profitFactor',
      'expectancyPct',
      'sqn',
      'kelly',
      'maxTradeDurationMs',
    ] as const) {
      expect(s[key], key).toBeNull();
    }
    expect(s.maxConsecutiveWins).toBe(0);
    expect(s.returnPct).toBe(0);
    expect(s.maxDrawdownPct).toBe(-0);
    expect(s.maxDrawdownDurationMs).toBeNull();
    expect(s.sharpe).toBeNull();
    expect(s.sortino).toBeNull();
    expect(s.calmar).toBeNull();
    expectNoNonFinite(s);
  });

  it('all losses: win rate 0, profit factor 0, Kelly undefined', () => {
    const trades = tradesOf([
      [0, 1, 100, 90, 'buy'],
      [1, 2, 100, 105, 'sell'],
    ]);
    const s = stats([1000, 990, 985], trades);
    expect(s.winRatePct).toBe(0);
    expect(s.winRateShortPct).toBe(0);
    expect(s.profitFactor).toBe(0);
    expect(s.kelly).toBeNull();
    expect(s.maxConsecutiveLosses).toBe(2);
    expectNoNonFinite(s);
  });

  it('all wins: profit factor has no losses to divide by and is null, not Infinity', () => {
    const s = stats([1000, 1010], tradesOf([[0, 1, 100, 110, 'buy']]));
    expect(s.profitFactor).toBeNull();
    expect(s.kelly).toBeNull();
    expect(s.sqn).toBeNull();
    expectNoNonFinite(s);
  });

  it('equity to zero: −100 %, and no volatility, Sharpe, Sortino or Calmar (not 1e18)', () => {
    const s = stats([1000, 500, 0, 0]);
    expect(s.returnPct).toBe(-100);
    expect(s.returnAnnPct).toBe(-100);
    expect(s.cagrPct).toBe(-100);
    expect(s.maxDrawdownPct).toBe(-100);
    expect(s.volatilityAnnPct).toBeNull();
    expect(s.sharpe).toBeNull();
    expect(s.sortino).toBeNull();
    expect(s.calmar).toBeNull();
    expect(s.beta).toBeNull();
    expectNoNonFinite(s);
  });

  it('an account losing nearly everything in a year gets no volatility or Sharpe either', () => {
    // −2 % a day on daily bars that include weekends compounds to 0.98^365 ≈ 0.0006 a year.
    const s = stats(Array.from({ length: 30 }, (_, i) => 1000 * 0.98 ** i));
    expect(s.returnAnnPct).toBeCloseTo((0.98 ** 365 - 1) * 100, 6);
    expect(s.volatilityAnnPct).toBeNull();
    expect(s.sharpe).toBeNull();
    expectNoNonFinite(s);
  });

  it('one bar: nothing annualised, nothing divided by zero', () => {
    const s = stats([1000]);
    expect(s.durationMs).toBe(0);
    expect(s.returnAnnPct).toBeNull();
    expect(s.volatilityAnnPct).toBeNull();
    expect(s.cagrPct).toBeNull();
    expect(s.sharpe).toBeNull();
    expect(s.beta).toBeNull();
    expectNoNonFinite(s);
  });
});

describe('statistics helpers', () => {
  it('geometric mean is −1 when a return wipes everything out', () => {
    expect(geometricMean([0.1, -1, 0.2])).toBe(-1);
    expect(geometricMean([0.21, 0])).toBeCloseTo(0.1, 12);
  });

  it('drawdowns: a period still open at the end runs to the last bar', () => {
    const time = Float64Array.from([0, 1, 2, 3, 4], (x) => x * DAY);
    const dd = summarizeDrawdowns(Float64Array.from([100, 120, 90, 100, 110]), time);
    expect(dd.max).toBeCloseTo(0.25, 12);
    expect(dd.maxDurationMs).toBe(3 * DAY);
  });

  it('period returns: weekly bars use weeks and 52 a year, monthly bars months and 12', () => {
    const weekly = Float64Array.from({ length: 10 }, (_, i) => MONDAY + i * 7 * DAY);
    const w = periodReturns(
      weekly,
      Float64Array.from({ length: 10 }, (_, i) => 100 + i),
    );
    expect(w.perYear).toBe(52);
    expect(w.returns).toHaveLength(9);
    const monthly = Float64Array.from({ length: 13 }, (_, i) => Date.UTC(2023, i, 1));
    expect(
      periodReturns(
        monthly,
        Float64Array.from({ length: 13 }, () => 5),
      ).perYear,
    ).toBe(12);
  });

  it('period returns: intraday bars are grouped by UTC day; weekend bars make it 365 a year', () => {
    const minutes = Float64Array.from({ length: 3 * 24 * 60 }, (_, i) => Date.UTC(2024, 0, 6) + i * 60_000);
    const equity = Float64Array.from(minutes, (_, i) => 100 + Math.floor(i / 1440));
    const r = periodReturns(minutes, equity);
    expect(r.perYear).toBe(365);
    expect(r.returns).toEqual([101 / 100 - 1, 102 / 101 - 1]);
  });
});
