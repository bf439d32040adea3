const DAY_MS = 86_400_000;

/** Equity returns per calendar period and how many such periods make a year. */
export interface PeriodReturns {
  readonly returns: readonly number[];
  /** Periods per year: 365 (daily, markets that trade at weekends), 252, 52, 12 or 1. */
  readonly perYear: number;
}

/** Median spacing of the last 100 bars, as backtesting.py takes the data's period. */
function dataPeriod(time: Float64Array): number {
  const start = Math.max(1, time.length - 100);
  const diffs: number[] = [];
  for (let i = start; i < time.length; i++) diffs.push((time[i] as number) - (time[i - 1] as number));
  if (diffs.length === 0) return Number.NaN;
  diffs.sort((a, b) => a - b);
  const mid = diffs.length >> 1;
  return diffs.length % 2 ? (diffs[mid] as number) : ((diffs[mid - 1] as number) + (diffs[mid] as number)) / 2;
}

/** Calendar period keys: UTC day, week (Monday to Sunday), month, year. */
function periodKey(kind: 'day' | 'week' | 'month' | 'year', t: number): number {
  const day = Math.floor(t / DAY_MS);
  if (kind === 'day') return day;
  // 1970-01-01 was a Thursday: +3 makes weeks start on Monday, as pandas' weekly bins ending Sunday.
  if (kind === 'week') return Math.floor((day + 3) / 7);
  const date = new Date(t);
  return kind === 'month' ? date.getUTCFullYear() * 12 + date.getUTCMonth() : date.getUTCFullYear();
}

/**
 * Returns of the equity's last value in each calendar period, as backtesting.py computes
 * them: daily for intraday and daily bars, weekly for weekly bars, monthly for monthly bars,
 * yearly for yearly bars. Periods without bars are skipped. A period that starts from zero or
 * negative equity has no return (the account was ruined) and ends the series.
 */
export function periodReturns(time: Float64Array, equity: Float64Array): PeriodReturns {
  const days = Math.floor(dataPeriod(time) / DAY_MS);
  const kind = days === 7 ? 'week' : days === 31 ? 'month' : days === 365 ? 'year' : 'day';
  let weekend = 0;
  for (let i = 0; i < time.length; i++) {
    // 1970-01-01 was a Thursday (4); Sunday is 0, Saturday 6.
    const weekday = (Math.floor((time[i] as number) / DAY_MS) + 4) % 7;
    if (weekday === 0 || weekday === 6) weekend++;
  }
  const perYear =
    kind === 'week'
      ? 52
      : kind === 'month'
        ? 12
        : kind === 'year'
          ? 1
          : weekend / time.length > (2 / 7) * 0.6
            ? 365
            : 252;
  const closes: number[] = [];
  let key = Number.NaN;
  for (let i = 0; i < time.length; i++) {
    const k = periodKey(kind, time[i] as number);
    if (k !== key) closes.push(equity[i] as number);
    else closes[closes.length - 1] = equity[i] as number;
    key = k;
  }
  const returns: number[] = [];
  for (let i = 1; i < closes.length; i++) {
    const before = closes[i - 1] as number;
    if (!(before > 0)) break;
    returns.push((closes[i] as number) / before - 1);
  }
  return { returns, perYear };
}
