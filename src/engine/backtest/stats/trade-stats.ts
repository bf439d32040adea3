import type { TradeLog } from '../../venue/trade-log.ts';

/** Statistics of the closed trades; null where there is nothing to measure. */
export interface TradeStats {
  readonly trades: number;
  readonly winRatePct: number | null;
  readonly winRateLongPct: number | null;
  readonly winRateShortPct: number | null;
  readonly bestTradePct: number | null;
  readonly worstTradePct: number | null;
  readonly avgTradePct: number | null;
  readonly maxTradeDurationMs: number | null;
  readonly avgTradeDurationMs: number | null;
  readonly maxTradeBars: number | null;
  readonly avgTradeBars: number | null;
  readonly profitFactor: number | null;
  readonly expectancyPct: number | null;
  readonly expectancyR: number | null;
  readonly sqn: number | null;
  readonly kelly: number | null;
  readonly maxConsecutiveWins: number;
  readonly maxConsecutiveLosses: number;
  readonly avgRunUpPct: number | null;
  readonly avgTradeDrawdownPct: number | null;
}

/** Geometric mean of returns (fractions); −1 when a return wipes out everything. */
export function geometricMean(returns: ArrayLike<number>): number {
  if (returns.length === 0) return Number.NaN;
  let logSum = 0;
  for (let i = 0; i < returns.length; i++) {
    const growth = 1 + (returns[i] as number);
    if (!(growth > 0)) return -1;
    logSum += Math.log(growth);
  }
  return Math.exp(logSum / returns.length) - 1;
}

/** Arithmetic mean, NaN when empty. */
export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return values.length > 0 ? sum / values.length : Number.NaN;
}

/** Sample variance (n − 1), NaN below two values. */
export function sampleVariance(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += ((values[i] as number) - m) ** 2;
  return sum / (n - 1);
}

/** A finite number, or null: statistics never report NaN or ±Infinity. */
export function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function winRate(trades: TradeLog, long: 0 | 1): number | null {
  let n = 0;
  let wins = 0;
  for (let i = 0; i < trades.count; i++) {
    if (trades.long[i] !== long) continue;
    n++;
    if ((trades.outcome[i] as number) > 0) wins++;
  }
  return n > 0 ? (wins / n) * 100 : null;
}

/**
 * Trade statistics with backtesting.py's definitions where it has them: a win is a trade
 * with net PnL > 0 (decided exactly); best, worst and expectancy use net returns; the average trade is their
 * geometric mean; profit factor is the sum of positive returns over the absolute sum of
 * negative ones; SQN is √n · mean(PnL) / sd(PnL); Kelly is W − (1 − W) / (mean win / mean loss).
 * Degenerate cases give null, never ±Infinity: no trades (everything), no losing trades
 * (profit factor), fewer than two trades or identical PnLs (SQN), no wins or no losses (Kelly),
 * no trade with a stop (expectancy in R).
 */
export function computeTradeStats(trades: TradeLog): TradeStats {
  const n = trades.count;
  const pnl = trades.pnlF.subarray(0, n);
  const returns = trades.returnPct.subarray(0, n);
  let gains = 0;
  let losses = 0;
  let winSum = 0;
  let winCount = 0;
  let lossSum = 0;
  let lossCount = 0;
  let streakWin = 0;
  let streakLoss = 0;
  let maxWins = 0;
  let maxLosses = 0;
  let maxDuration = Number.NaN;
  let durationSum = 0;
  let maxBars = Number.NaN;
  let barSum = 0;
  let best = Number.NaN;
  let worst = Number.NaN;
  let rSum = 0;
  let rCount = 0;
  for (let i = 0; i < n; i++) {
    const r = returns[i] as number;
    const p = pnl[i] as number;
    if (!(r <= best)) best = r;
    if (!(r >= worst)) worst = r;
    if (r > 0) gains += r;
    else if (r < 0) losses -= r;
    const outcome = trades.outcome[i] as number;
    if (outcome > 0) {
      winSum += p;
      winCount++;
      streakWin++;
      streakLoss = 0;
    } else if (outcome < 0) {
      lossSum -= p;
      lossCount++;
      streakLoss++;
      streakWin = 0;
    } else {
      streakWin = 0;
      streakLoss = 0;
    }
    if (streakWin > maxWins) maxWins = streakWin;
    if (streakLoss > maxLosses) maxLosses = streakLoss;
    const duration = (trades.exitTime[i] as number) - (trades.entryTime[i] as number);
    const bars = (trades.exitBar[i] as number) - (trades.entryBar[i] as number);
    durationSum += duration;
    barSum += bars;
    if (!(duration <= maxDuration)) maxDuration = duration;
    if (!(bars <= maxBars)) maxBars = bars;
    const rm = trades.rMultiple[i] as number;
    if (!Number.isNaN(rm)) {
      rSum += rm;
      rCount++;
    }
  }
  const win = n > 0 ? winCount / n : Number.NaN;
  const sd = Math.sqrt(sampleVariance(pnl));
  return {
    trades: n,
    winRatePct: finite(win * 100),
    winRateLongPct: winRate(trades, 1),
    winRateShortPct: winRate(trades, 0),
    bestTradePct: finite(best * 100),
    worstTradePct: finite(worst * 100),
    avgTradePct: finite(geometricMean(returns) * 100),
    maxTradeDurationMs: finite(maxDuration),
    avgTradeDurationMs: finite(durationSum / n),
    maxTradeBars: finite(maxBars),
    avgTradeBars: finite(barSum / n),
    profitFactor: losses > 0 ? gains / losses : null,
    expectancyPct: finite(mean(returns) * 100),
    expectancyR: rCount > 0 ? finite(rSum / rCount) : null,
    sqn: sd > 0 ? finite((Math.sqrt(n) * mean(pnl)) / sd) : null,
    kelly: winCount > 0 && lossCount > 0 ? finite(win - (1 - win) / (winSum / winCount / (lossSum / lossCount))) : null,
    maxConsecutiveWins: maxWins,
    maxConsecutiveLosses: maxLosses,
    avgRunUpPct: finite(mean(trades.runUpPct.subarray(0, n)) * 100),
    avgTradeDrawdownPct: finite(mean(trades.drawdownPct.subarray(0, n)) * 100),
  };
}
