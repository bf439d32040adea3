import type { BacktestStats } from '../../engine/backtest/stats/backtest-stats.ts';

/** How a statistic is shown. */
export type StatFormat = 'time' | 'duration' | 'pct' | 'ratio' | 'money' | 'count';

/**
 * Every statistic with its label (backtesting.py's where it has one) and format, in the
 * order reports list them.
 */
export const STAT_LABELS: readonly (readonly [keyof BacktestStats, string, StatFormat])[] = [
  ['start', 'Start', 'time'],
  ['end', 'End', 'time'],
  ['durationMs', 'Duration', 'duration'],
  ['bars', 'Bars', 'count'],
  ['exposurePct', 'Exposure Time [%]', 'pct'],
  ['capital', 'Capital [$]', 'money'],
  ['equityFinal', 'Equity Final [$]', 'money'],
  ['equityPeak', 'Equity Peak [$]', 'money'],
  ['feesPaid', 'Fees Paid [$]', 'money'],
  ['fundingPaid', 'Funding Paid [$]', 'money'],
  ['returnPct', 'Return [%]', 'pct'],
  ['buyHoldReturnPct', 'Buy & Hold Return [%]', 'pct'],
  ['returnAnnPct', 'Return (Ann.) [%]', 'pct'],
  ['volatilityAnnPct', 'Volatility (Ann.) [%]', 'pct'],
  ['cagrPct', 'CAGR [%]', 'pct'],
  ['sharpe', 'Sharpe Ratio', 'ratio'],
  ['sortino', 'Sortino Ratio', 'ratio'],
  ['calmar', 'Calmar Ratio', 'ratio'],
  ['alphaPct', 'Alpha [%]', 'pct'],
  ['beta', 'Beta', 'ratio'],
  ['maxDrawdownPct', 'Max. Drawdown [%]', 'pct'],
  ['avgDrawdownPct', 'Avg. Drawdown [%]', 'pct'],
  ['maxDrawdownDurationMs', 'Max. Drawdown Duration', 'duration'],
  ['avgDrawdownDurationMs', 'Avg. Drawdown Duration', 'duration'],
  ['trades', '# Trades', 'count'],
  ['winRatePct', 'Win Rate [%]', 'pct'],
  ['winRateLongPct', 'Win Rate Long [%]', 'pct'],
  ['winRateShortPct', 'Win Rate Short [%]', 'pct'],
  ['bestTradePct', 'Best Trade [%]', 'pct'],
  ['worstTradePct', 'Worst Trade [%]', 'pct'],
  ['avgTradePct', 'Avg. Trade [%]', 'pct'],
  ['maxTradeDurationMs', 'Max. Trade Duration', 'duration'],
  ['avgTradeDurationMs', 'Avg. Trade Duration', 'duration'],
  ['maxTradeBars', 'Max. Trade Bars', 'count'],
  ['avgTradeBars', 'Avg. Trade Bars', 'ratio'],
  ['profitFactor', 'Profit Factor', 'ratio'],
  ['expectancyPct', 'Expectancy [%]', 'pct'],
  ['expectancyR', 'Expectancy [R]', 'ratio'],
  ['sqn', 'SQN', 'ratio'],
  ['kelly', 'Kelly Criterion', 'ratio'],
  ['maxConsecutiveWins', 'Max. Consecutive Wins', 'count'],
  ['maxConsecutiveLosses', 'Max. Consecutive Losses', 'count'],
  ['avgRunUpPct', 'Avg. Trade Run-up [%]', 'pct'],
  ['avgTradeDrawdownPct', 'Avg. Trade Drawdown [%]', 'pct'],
];

/** Formats a duration in ms as `3d 04:05:06`. */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const days = Math.floor(total / 86_400);
  const rest = total % 86_400;
  const hh = String(Math.floor(rest / 3600)).padStart(2, '0');
  const mm = String(Math.floor((rest % 3600) / 60)).padStart(2, '0');
  const ss = String(rest % 60).padStart(2, '0');
  return `${days}d ${hh}:${mm}:${ss}`;
}

/** Formats one statistic for people; `-` when it could not be measured. */
export function formatStat(value: unknown, format: StatFormat): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'object') {
    // A decimal (money): two decimals, grouped.
    const n = Number(String(value));
    return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  }
  const n = Number(value);
  switch (format) {
    case 'time':
      return new Date(n).toISOString().replace('.000Z', 'Z');
    case 'duration':
      return formatDuration(n);
    case 'count':
      return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(2);
    case 'money':
      return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    default:
      return Math.abs(n) >= 1e6 || (Math.abs(n) < 1e-4 && n !== 0) ? n.toExponential(3) : n.toFixed(4);
  }
}
