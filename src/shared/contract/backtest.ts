import { z } from 'zod';
import { DecimalStringSchema } from '../values/decimal-values.ts';
import { SeriesRunFields } from './replay.ts';
import { SeriesIdSchema } from './series.ts';

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

/** Most combinations `RunSweep` runs (and `RunWalkForward` per window). */
export const MAX_SWEEP_COMBINATIONS = 400;

/** Most values one grid parameter takes. */
export const MAX_GRID_VALUES = 50;

/** Walk-forward windows `RunWalkForward` accepts at most. */
export const MAX_WALK_FORWARD_WINDOWS = 200;

/** Statistics a sweep or a walk-forward can rank combinations by (the engine's `OBJECTIVE_KEYS` are these). */
export const ObjectiveKeySchema = z.enum([
  'sqn',
  'sharpe',
  'sortino',
  'calmar',
  'returnPct',
  'returnAnnPct',
  'cagrPct',
  'equityPeak',
  'maxDrawdownPct',
  'winRatePct',
  'profitFactor',
  'expectancyPct',
  'expectancyR',
  'kelly',
  'avgTradePct',
  'trades',
]);

/** See {@link ObjectiveKeySchema}. */
export type ObjectiveKey = z.infer<typeof ObjectiveKeySchema>;

/** The statistic to rank by; `minimize` when lower is better. */
export const ObjectiveSchema = z.object({ key: ObjectiveKeySchema, minimize: z.boolean().default(false) }).strict();

const GridValueSchema = z.union([z.number().finite(), z.string().max(64), z.boolean()]);

/**
 * Values to try for one or two strategy parameters, by name: every combination runs, on top of
 * the strategy's other parameters. Combinations the strategy refuses (fast ≥ slow) are skipped.
 */
export const ParamGridSchema = z
  .record(z.string().min(1).max(64), z.array(GridValueSchema).min(1).max(MAX_GRID_VALUES))
  .refine((grid) => Object.keys(grid).length >= 1 && Object.keys(grid).length <= 2, {
    message: 'must name 1 or 2 parameters',
  });

/** The strategy as run: parameters with defaults filled in, sizing as text (`all-in`, `risk:2`). */
const StrategyRunSchema = z.object({
  id: z.string(),
  params: z.record(z.string(), z.unknown()),
  sizing: z.string(),
});

/** One combination of a sweep: its parameters, the objective's value (null: unmeasurable) and statistics. */
export const SweepRowSchema = z.object({
  params: z.record(z.string(), z.unknown()),
  objective: z.number().nullable(),
  stats: BacktestStatsSchema,
});

/** See {@link SweepRowSchema}. */
export type SweepRowWire = z.infer<typeof SweepRowSchema>;

/**
 * One walk-forward window: its in-sample and out-of-sample periods (open times of the first
 * bar and of the last bar, inclusive), the parameters the in-sample period chose and how they
 * did out of sample. `params`, `inSampleObjective` and `outOfSample` are null when no
 * combination could be measured in sample (or the account was already ruined).
 */
export const WalkForwardWindowSchema = z.object({
  index: z.number().int().nonnegative(),
  inSampleFrom: at,
  inSampleTo: at,
  outOfSampleFrom: at,
  outOfSampleTo: at,
  params: z.record(z.string(), z.unknown()).nullable(),
  inSampleObjective: z.number().nullable(),
  outOfSample: z
    .object({
      returnPct: z.number(),
      sharpe: ratio,
      trades: z.number().int().nonnegative(),
      maxDrawdownPct: z.number(),
      equityFinal: DecimalStringSchema,
    })
    .nullable(),
  /** Out-of-sample over in-sample annual return; null when either is unknown or in-sample ≤ 0. */
  efficiency: ratio,
});

/** See {@link WalkForwardWindowSchema}. */
export type WalkForwardWindowWire = z.infer<typeof WalkForwardWindowSchema>;

/** The fields `RunSweep` and `RunWalkForward` share: a series run, the grid and the objective. */
const researchFields = {
  ...SeriesRunFields,
  grid: ParamGridSchema,
  objective: ObjectiveSchema.default({ key: 'sharpe', minimize: false }),
};

/** Backtest commands: batch runs of a stored series that report progress and can be canceled. */
export const BacktestCommands = {
  /**
   * Starts a backtest of a loaded series and answers at once with its `runId`. The run goes on
   * in slices (the engine keeps answering other commands), emitting `BacktestProgress`, then
   * `BacktestFinished` or `BacktestFailed`. At most {@link MAX_CONCURRENT_BACKTESTS} run at
   * once; another is refused with `VALIDATION`.
   */
  RunBacktest: {
    request: z.object(SeriesRunFields).strict(),
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
  /**
   * Starts a parameter sweep of a loaded series: every combination of `grid` (1 or 2
   * parameters, at most {@link MAX_SWEEP_COMBINATIONS}) is backtested over the same bars and
   * ranked by `objective`. Answers at once with its `runId`; emits `BacktestProgress` (done and
   * total in backtests), then `SweepFinished` or `BacktestFailed`. `CancelBacktest` cancels it.
   * Counts toward {@link MAX_CONCURRENT_BACKTESTS}.
   */
  RunSweep: {
    request: z
      .object({
        ...researchFields,
      })
      .strict(),
    response: z.object({ runId: BacktestRunIdSchema }),
  },
  /**
   * Starts a walk-forward analysis of a loaded series: the bars are cut into windows of
   * `inSample` bars followed by `outOfSample` bars (moving by `step`, default `outOfSample`;
   * `anchored`: every in-sample period starts at the first bar). In each window every
   * combination of `grid` runs in sample, and the best by `objective` is traded out of sample
   * with the equity the previous window ended with. Emits `BacktestProgress`, then
   * `WalkForwardFinished` or `BacktestFailed`; `CancelBacktest` cancels it.
   */
  RunWalkForward: {
    request: z
      .object({
        ...researchFields,
        inSample: z.number().int().min(2),
        outOfSample: z.number().int().min(1),
        step: z.number().int().min(1).optional(),
        anchored: z.boolean().default(false),
      })
      .strict(),
    response: z.object({ runId: BacktestRunIdSchema }),
  },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

/** Events of the runs `RunBacktest`, `RunSweep` and `RunWalkForward` start. `at` is the engine clock, unix ms. */
export const BacktestEvents = {
  /**
   * A run has processed `done` of its `total` bars (a backtest) or backtests (a sweep or a
   * walk-forward); at most about 50 per run.
   */
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
    strategy: StrategyRunSchema,
    stats: BacktestStatsSchema,
    trades: z.array(BacktestTradeSchema),
    equity: EquityCurveSchema,
    /** Things the reader must know about the run (missing funding, a ruined account...). */
    notes: z.array(z.string()),
  }),
  /**
   * A sweep completed: `params` names the grid's parameters (in request order), `rows` holds
   * every combination that ran, best first (unmeasurable last), `skipped` the ones the
   * strategy refused. `strategy.params` are the fixed parameters under the grid.
   */
  SweepFinished: z.object({
    runId: BacktestRunIdSchema,
    at,
    seriesId: SeriesIdSchema,
    strategy: StrategyRunSchema,
    objective: ObjectiveSchema,
    params: z.array(z.string()),
    rows: z.array(SweepRowSchema),
    skipped: z.array(z.object({ params: z.record(z.string(), z.unknown()), reason: z.string() })),
  }),
  /**
   * A walk-forward completed: each window's choice and test, and the out-of-sample periods
   * stitched into one run (statistics, trades, equity curve).
   */
  WalkForwardFinished: z.object({
    runId: BacktestRunIdSchema,
    at,
    seriesId: SeriesIdSchema,
    strategy: StrategyRunSchema,
    objective: ObjectiveSchema,
    params: z.array(z.string()),
    combinations: z.number().int().nonnegative(),
    windows: z.array(WalkForwardWindowSchema),
    /** Mean of the windows' efficiencies. */
    efficiency: ratio,
    stats: BacktestStatsSchema,
    trades: z.array(BacktestTradeSchema),
    equity: EquityCurveSchema,
    notes: z.array(z.string()),
  }),
  /** A run stopped without a result: `error` says why (`canceled` when canceled). */
  BacktestFailed: z.object({ runId: BacktestRunIdSchema, at, error: z.string() }),
} as const satisfies Record<string, z.ZodType>;
