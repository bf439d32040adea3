import { z } from 'zod';
import { DecimalStringSchema } from '../values/decimal-values.ts';
import { StrategyChoiceSchema } from './replay.ts';
import { SeriesIdSchema } from './series.ts';
import { VenueConfigSchema } from './venue-config.ts';

/** Identifies one backtest run started with `RunBacktest`. */
export const BacktestRunIdSchema = z.string().min(1).max(64);

/** Backtests running at once, at most; `RunBacktest` refuses another. */
export const MAX_CONCURRENT_BACKTESTS = 2;

/** Most points of the equity curve `BacktestFinished` carries. */
export const MAX_EQUITY_POINTS = 2_000;

const at = z.number().int();
const ratio = z.number().nullable();

/**
 * The statistics of a run (the engine's `BacktestStats`, definitions as backtesting.py's, see
 * docs/backtesting.md). `…Pct` values are percentages, durations milliseconds, times unix ms;
 * a statistic that cannot be measured is null. Money figures are exact decimal strings.
 */
export const BacktestStatsSchema = z.object({
  start: at,
  end: at,
  durationMs: z.number(),
  bars: z.number().int().nonnegative(),
  exposurePct: z.number(),
  capital: DecimalStringSchema,
  equityFinal: DecimalStringSchema,
  equityPeak: z.number(),
  returnPct: z.number(),
  buyHoldReturnPct: ratio,
  returnAnnPct: ratio,
  volatilityAnnPct: ratio,
  cagrPct: ratio,
  sharpe: ratio,
  sortino: ratio,
  calmar: ratio,
  alphaPct: ratio,
  beta: ratio,
  maxDrawdownPct: z.number(),
  avgDrawdownPct: ratio,
  maxDrawdownDurationMs: ratio,
  avgDrawdownDurationMs: ratio,
  feesPaid: DecimalStringSchema,
  /** Net funding paid (negative when more was received than paid). */
  fundingPaid: DecimalStringSchema,
  trades: z.number().int().nonnegative(),
  winRatePct: ratio,
  winRateLongPct: ratio,
  winRateShortPct: ratio,
  bestTradePct: ratio,
  worstTradePct: ratio,
  avgTradePct: ratio,
  maxTradeDurationMs: ratio,
  avgTradeDurationMs: ratio,
  maxTradeBars: ratio,
  avgTradeBars: ratio,
  profitFactor: ratio,
  expectancyPct: ratio,
  expectancyR: ratio,
  sqn: ratio,
  kelly: ratio,
  maxConsecutiveWins: z.number().int().nonnegative(),
  maxConsecutiveLosses: z.number().int().nonnegative(),
  avgRunUpPct: ratio,
  avgTradeDrawdownPct: ratio,
});

/** See {@link BacktestStatsSchema}. */
export type BacktestStatsWire = z.infer<typeof BacktestStatsSchema>;

/** One closed trade of a run: times unix ms (fills), money exact decimal strings. */
export const BacktestTradeSchema = z.object({
  side: z.enum(['long', 'short']),
  entryTime: at,
  exitTime: at,
  /** Average entry price and exit fill price. */
  entryPrice: DecimalStringSchema,
  exitPrice: DecimalStringSchema,
  /** Size in base units, positive. */
  qty: DecimalStringSchema,
  /** Net result: price difference times size, minus fees, plus funding. */
  pnl: DecimalStringSchema,
  /** Net result in units of initial risk, when the trade had a stop. */
  rMultiple: z.number().nullable(),
  exitReason: z.enum(['signal', 'stop', 'take-profit', 'order', 'liquidation', 'end']),
  tag: z.string().nullable(),
});

/** See {@link BacktestTradeSchema}. */
export type BacktestTrade = z.infer<typeof BacktestTradeSchema>;

/**
 * The equity curve of a run: account value at each bar's close, labelled by the bar's open
 * time, downsampled to at most {@link MAX_EQUITY_POINTS} points (the lowest and highest point
 * of each stretch, and the last point, so drawdowns and the final value survive).
 */
export const EquityCurveSchema = z
  .object({
    time: z.array(at).max(MAX_EQUITY_POINTS),
    equity: z.array(z.number()).max(MAX_EQUITY_POINTS),
  })
  .refine((curve) => curve.time.length === curve.equity.length, {
    message: 'time and equity must have the same length',
  });

/** Backtest commands: batch runs of a stored series that report progress and can be canceled. */
export const BacktestCommands = {
  /**
   * Starts a backtest of a loaded series and answers at once with its `runId`. The run goes on
   * in slices (the engine keeps answering other commands), emitting `BacktestProgress`, then
   * `BacktestFinished` or `BacktestFailed`. At most {@link MAX_CONCURRENT_BACKTESTS} run at
   * once; another is refused with `VALIDATION`.
   */
  RunBacktest: {
    request: z
      .object({
        seriesId: SeriesIdSchema,
        strategy: StrategyChoiceSchema,
        venue: VenueConfigSchema.optional(),
        /** First and last bar (inclusive open times); the whole series when left out. */
        from: z.number().int().optional(),
        to: z.number().int().optional(),
      })
      .strict(),
    response: z.object({ runId: BacktestRunIdSchema }),
  },
  /**
   * Cancels a running backtest; it then emits `BacktestFailed` with error `canceled`.
   * `canceled` is false when no such run is in progress (finished, failed or unknown).
   */
  CancelBacktest: {
    request: z.object({ runId: BacktestRunIdSchema }).strict(),
    response: z.object({ runId: BacktestRunIdSchema, canceled: z.boolean() }),
  },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

/** Events of the runs `RunBacktest` starts. `at` is the engine clock, unix ms. */
export const BacktestEvents = {
  /** A run has processed `done` of its `total` bars; at most about 50 per run. */
  BacktestProgress: z.object({
    runId: BacktestRunIdSchema,
    at,
    done: z.number().int().nonnegative(),
    total: z.number().int().positive(),
  }),
  /** A run completed: what was run, its statistics, trades and equity curve. */
  BacktestFinished: z.object({
    runId: BacktestRunIdSchema,
    at,
    seriesId: SeriesIdSchema,
    /** The strategy as run: parameters with defaults filled in, sizing as text (`all-in`, `risk:2`). */
    strategy: z.object({
      id: z.string(),
      params: z.record(z.string(), z.unknown()),
      sizing: z.string(),
    }),
    stats: BacktestStatsSchema,
    trades: z.array(BacktestTradeSchema),
    equity: EquityCurveSchema,
    /** Things the reader must know about the run (missing funding, a ruined account...). */
    notes: z.array(z.string()),
  }),
  /** A run stopped without a result: `error` says why (`canceled` when canceled). */
  BacktestFailed: z.object({ runId: BacktestRunIdSchema, at, error: z.string() }),
} as const satisfies Record<string, z.ZodType>;
