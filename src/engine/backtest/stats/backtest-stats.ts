import type { Decimal } from 'decimal.js';
import type { TradeLog } from '../../venue/trade-log.ts';
import { summarizeDrawdowns } from './drawdowns.ts';
import { periodReturns } from './period-returns.ts';
import { computeTradeStats, finite, geometricMean, sampleVariance, type TradeStats } from './trade-stats.ts';

/**
 * Every statistic of a run. Names follow backtesting.py's (`Return [%]` → `returnPct`,
 * `Max. Drawdown [%]` → `maxDrawdownPct`...) and so do definitions, unless the docs say
 * otherwise; `…Pct` values are percentages, durations are milliseconds, times unix ms. A
 * statistic that cannot be measured is null, never NaN or ±Infinity.
 */
export interface BacktestStats extends TradeStats {
  readonly start: number;
  readonly end: number;
  readonly durationMs: number;
  readonly bars: number;
  readonly exposurePct: number;
  readonly capital: Decimal;
  readonly equityFinal: Decimal;
  readonly equityPeak: number;
  readonly returnPct: number;
  readonly buyHoldReturnPct: number | null;
  readonly returnAnnPct: number | null;
  readonly volatilityAnnPct: number | null;
  readonly cagrPct: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly calmar: number | null;
  readonly alphaPct: number | null;
  readonly beta: number | null;
  readonly maxDrawdownPct: number;
  readonly avgDrawdownPct: number | null;
  readonly maxDrawdownDurationMs: number | null;
  readonly avgDrawdownDurationMs: number | null;
  readonly feesPaid: Decimal;
  /** Net funding paid (negative when more was received than paid). */
  readonly fundingPaid: Decimal;
}

/** What the statistics are computed from. */
export interface StatsInput {
  readonly time: Float64Array;
  readonly close: Float64Array;
  /** Equity at each bar's close (after the last bar's closing trade for the last bar). */
  readonly equity: Float64Array;
  readonly trades: TradeLog;
  /** Bars before the strategy's first decision: buy & hold starts at this bar's close. */
  readonly warmupBars: number;
  readonly capital: Decimal;
  readonly equityFinal: Decimal;
  readonly feesPaid: Decimal;
  readonly fundingPaid: Decimal;
}

const YEAR_MS = 365.25 * 86_400_000;
/** Below this, an annual volatility or downside deviation is rounding noise, not risk. */
const TINY = 1e-12;

function exposure(trades: TradeLog, bars: number): number {
  if (bars === 0) return 0;
  // Bars from entry to exit inclusive, as backtesting.py counts them; overlaps counted once.
  let held = 0;
  let covered = -1;
  for (let i = 0; i < trades.count; i++) {
    const exit = trades.exitBar[i] as number;
    const from = Math.max(trades.entryBar[i] as number, covered + 1);
    if (exit >= from) held += exit - from + 1;
    if (exit > covered) covered = exit;
  }
  return (held / bars) * 100;
}

/**
 * Market beta of the strategy: covariance of per-bar log returns of equity and close over
 * the variance of the close's. Null when equity touched zero (no log return) or the market
 * never moved.
 */
function beta(equity: Float64Array, close: Float64Array): number | null {
  const n = equity.length - 1;
  if (n < 2) return null;
  // One pass over sums; per-bar log returns are small, so the sums lose nothing that matters.
  let se = 0;
  let sm = 0;
  let sem = 0;
  let smm = 0;
  for (let i = 0; i < n; i++) {
    const a = equity[i] as number;
    const b = equity[i + 1] as number;
    if (!(a > 0 && b > 0)) return null;
    const e = a === b ? 0 : Math.log(b / a);
    const m = Math.log((close[i + 1] as number) / (close[i] as number));
    se += e;
    sm += m;
    sem += e * m;
    smm += m * m;
  }
  const cov = sem - (se * sm) / n;
  const varM = smm - (sm * sm) / n;
  return varM > 0 ? cov / varM : null;
}

/**
 * Computes the statistics of a run (float64: they describe the run, they move no money).
 * Guards, each documented in docs/backtesting.md: annualised figures need at least one
 * period return; a geometric mean with a return ≤ −100 % is −100 % (backtesting.py reports
 * 0); volatility needs two period returns and a yearly growth factor of at least 0.01;
 * Sharpe, Sortino and Calmar are null when their
 * denominator is below 1e-12 or the account was ruined; CAGR needs a positive duration.
 */
export function computeStats(input: StatsInput): BacktestStats {
  const { time, close, equity, trades, capital } = input;
  const n = time.length;
  const capitalF = capital.toNumber();
  const finalF = input.equityFinal.toNumber();
  const start = n > 0 ? (time[0] as number) : 0;
  const end = n > 0 ? (time[n - 1] as number) : 0;
  let peak = capitalF;
  for (let i = 0; i < n; i++) if ((equity[i] as number) > peak) peak = equity[i] as number;
  const first = Math.min(Math.max(0, input.warmupBars), n - 1);
  const buyHold = n > 0 ? ((close[n - 1] as number) / (close[first] as number) - 1) * 100 : Number.NaN;

  const { returns, perYear } = periodReturns(time, equity);
  const ruined = !(finalF > 0);
  const g = ruined ? -1 : geometricMean(returns);
  const annual = returns.length > 0 ? (1 + g) ** perYear - 1 : Number.NaN;
  const variance = sampleVariance(returns);
  // The compounded formula collapses toward 0 as the growth factor over a year does (an
  // account losing nearly everything), which would show as little risk and a Sharpe in the
  // thousands: below a yearly factor of 0.01 (−99 %) it is null.
  const volatility =
    (1 + g) ** perYear < 0.01 ? Number.NaN : Math.sqrt((variance + (1 + g) ** 2) ** perYear - (1 + g) ** (2 * perYear));
  let downside = 0;
  for (const r of returns) if (r < 0) downside += r * r;
  const downsideDev = returns.length > 0 ? Math.sqrt(downside / returns.length) * Math.sqrt(perYear) : Number.NaN;
  const years = (end - start) / YEAR_MS;
  const drawdowns = summarizeDrawdowns(equity, time);
  const b = beta(equity, close);
  const returnPct = (finalF / capitalF - 1) * 100;
  const usable = (x: number) => !ruined && x > TINY;

  return {
    start,
    end,
    durationMs: end - start,
    bars: n,
    exposurePct: exposure(trades, n),
    capital,
    equityFinal: input.equityFinal,
    equityPeak: peak,
    returnPct,
    buyHoldReturnPct: finite(buyHold),
    returnAnnPct: finite(annual * 100),
    volatilityAnnPct: finite(volatility * 100),
    cagrPct: years > 0 ? finite(ruined ? -100 : ((finalF / capitalF) ** (1 / years) - 1) * 100) : null,
    sharpe: usable(volatility) ? finite(annual / volatility) : null,
    sortino: usable(downsideDev) ? finite(annual / downsideDev) : null,
    calmar: usable(drawdowns.max) ? finite(annual / drawdowns.max) : null,
    alphaPct: b === null ? null : finite(returnPct - b * buyHold),
    beta: b,
    maxDrawdownPct: -drawdowns.max * 100,
    avgDrawdownPct: drawdowns.averagePeak === null ? null : -drawdowns.averagePeak * 100,
    maxDrawdownDurationMs: drawdowns.maxDurationMs,
    avgDrawdownDurationMs: drawdowns.averageDurationMs,
    ...computeTradeStats(trades),
    feesPaid: input.feesPaid,
    fundingPaid: input.fundingPaid,
  };
}
