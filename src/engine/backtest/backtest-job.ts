import { z } from 'zod';
import type { Timeframe } from '../../shared/values/timeframe.ts';
import { sliceColumns, type CandleColumns } from '../data/candle-columns.ts';
import { SizingSchema, formatSizing } from '../trading/sizing.ts';
import type { StrategySpec } from '../strategy/strategy-registry.ts';
import { VenueConfigSchema } from '../../shared/contract/venue-config.ts';
import { runBacktest } from './backtest-session.ts';
import type { BacktestStats } from './stats/backtest-stats.ts';

/**
 * One backtest to run somewhere else (a worker thread): plain data only, so it can be posted
 * to a worker and checked there.
 */
export const BacktestJobSchema = z
  .object({
    id: z.number().int().nonnegative(),
    strategy: z.object({ id: z.string(), params: z.record(z.string(), z.unknown()), sizing: SizingSchema }),
    venue: VenueConfigSchema,
    /** Bars [start, end) of the shared data; the first `history` of them only warm up the strategy. */
    start: z.number().int().nonnegative(),
    end: z.number().int().positive(),
    history: z.number().int().nonnegative().default(0),
  })
  .strict();

/** A job as posted (sizing written as text). */
export type BacktestJob = z.input<typeof BacktestJobSchema>;

/** Statistics with money as decimal strings: safe to post between threads and to write as JSON. */
export type PlainStats = {
  [K in keyof BacktestStats]: BacktestStats[K] extends number | null ? BacktestStats[K] : string;
};

/** What a job gives back. */
export interface BacktestJobResult {
  readonly id: number;
  readonly stats: PlainStats;
}

/** Money fields as strings, everything else as is. */
export function plainStats(stats: BacktestStats): PlainStats {
  return {
    ...stats,
    capital: stats.capital.toFixed(),
    equityFinal: stats.equityFinal.toFixed(),
    feesPaid: stats.feesPaid.toFixed(),
    fundingPaid: stats.fundingPaid.toFixed(),
  };
}

/** A job for `strategy` over bars [start, end). */
export function jobFor(
  id: number,
  strategy: StrategySpec,
  venue: z.input<typeof VenueConfigSchema>,
  start: number,
  end: number,
  history = 0,
): BacktestJob {
  return {
    id,
    strategy: { id: strategy.id, params: { ...strategy.params }, sizing: formatSizing(strategy.sizing) },
    venue,
    start,
    end,
    history,
  };
}

/** Runs a validated job over the shared bars. */
export function runJob(
  bars: CandleColumns,
  interval: Timeframe,
  job: z.output<typeof BacktestJobSchema>,
): BacktestJobResult {
  const result = runBacktest(sliceColumns(bars, job.start, job.end), {
    interval,
    strategy: job.strategy,
    venue: job.venue,
    historyBars: job.history,
  });
  return { id: job.id, stats: plainStats(result.stats) };
}
