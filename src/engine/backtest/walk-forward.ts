import { Decimal } from 'decimal.js';
import { ValidationError } from '../../shared/contract/errors.ts';
import { parseOrThrow } from '../../shared/contract/validation.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';
import { sliceColumns, type CandleColumns } from '../data/candle-columns.ts';
import type { StrategySpec } from '../strategy/strategy-registry.ts';
import { TradeLog } from '../venue/trade-log.ts';
import { VenueConfigSchema, type VenueConfigInput } from '../../shared/contract/venue-config.ts';
import { jobFor, type PlainStats } from './backtest-job.ts';
import { runBacktest, type BacktestResult } from './backtest-session.ts';
import { expandGrid, type ParamGrid } from './param-grid.ts';
import { computeStats } from './stats/backtest-stats.ts';
import { objectiveOf, rankRows, type Objective, type RunJobs, type SweepRow } from './sweep.ts';

/** One in-sample / out-of-sample split, as bar indexes ([start, end)). */
export interface WalkForwardWindow {
  readonly index: number;
  readonly isStart: number;
  readonly isEnd: number;
  readonly oosStart: number;
  readonly oosEnd: number;
}

/** How the data is cut into windows. */
export interface WindowPlan {
  /** Bars of each in-sample (optimisation) period; with `anchored`, of the first one. */
  readonly inSample: number;
  /** Bars of each out-of-sample (test) period. */
  readonly outOfSample: number;
  /** Bars the windows move by (default: `outOfSample`, so test periods follow each other). */
  readonly step?: number;
  /** Every in-sample period starts at the first bar (expanding) instead of rolling. */
  readonly anchored?: boolean;
}

/**
 * Cuts `bars` bars into walk-forward windows. Out-of-sample periods never overlap (the step
 * is at least the out-of-sample length); the last one may be shorter than the others.
 */
export function planWindows(bars: number, plan: WindowPlan): WalkForwardWindow[] {
  const { inSample, outOfSample } = plan;
  const step = plan.step ?? outOfSample;
  if (!Number.isInteger(inSample) || inSample < 2)
    throw new ValidationError('the in-sample period needs at least 2 bars');
  if (!Number.isInteger(outOfSample) || outOfSample < 1)
    throw new ValidationError('the out-of-sample period needs at least 1 bar');
  if (!Number.isInteger(step) || step < outOfSample) {
    throw new ValidationError('the step must be at least the out-of-sample length (test periods may not overlap)');
  }
  if (inSample + outOfSample > bars) {
    throw new ValidationError(
      `the data has ${bars} bars; one in-sample plus one out-of-sample period needs ${inSample + outOfSample}`,
    );
  }
  const windows: WalkForwardWindow[] = [];
  for (let k = 0; ; k++) {
    const isEnd = inSample + k * step;
    if (isEnd >= bars) break;
    windows.push({
      index: k,
      isStart: plan.anchored ? 0 : k * step,
      isEnd,
      oosStart: isEnd,
      oosEnd: Math.min(isEnd + outOfSample, bars),
    });
  }
  return windows;
}

/** What one window found and how its test went. */
export interface WindowOutcome {
  readonly window: WalkForwardWindow;
  /** The in-sample winner, or null when no combination could be measured. */
  readonly best: Readonly<Record<string, unknown>> | null;
  readonly inSample: PlainStats | null;
  /** The out-of-sample test of `best` (null when there was no winner). */
  readonly outOfSample: BacktestResult | null;
  /** Out-of-sample annual return over in-sample annual return (null when either is unknown or the latter is ≤ 0). */
  readonly efficiency: number | null;
}

/** A walk-forward analysis. */
export interface WalkForwardResult {
  readonly objective: Objective;
  readonly windows: readonly WindowOutcome[];
  /** The out-of-sample periods stitched into one run: equity carried from one to the next. */
  readonly stitched: BacktestResult;
  /** Mean of the windows' efficiencies. */
  readonly efficiency: number | null;
  readonly combinations: number;
  /** Parameters the grid varies. */
  readonly varying: readonly string[];
}

/** What to analyse. */
export interface WalkForwardOptions extends WindowPlan {
  readonly strategy: StrategySpec;
  readonly grid: ParamGrid;
  readonly venue: VenueConfigInput;
  readonly objective: Objective;
}

function efficiencyOf(is: PlainStats | null, oos: BacktestResult | null): number | null {
  const a = is?.returnAnnPct ?? null;
  const b = oos?.stats.returnAnnPct ?? null;
  return a !== null && b !== null && a > 0 ? b / a : null;
}

/**
 * Walk-forward analysis: in each window, every grid combination runs on the in-sample bars
 * (through `runJobs`, so on every core) and the best by the objective is then traded on the
 * out-of-sample bars that follow, with the in-sample bars as warm-up history. Test periods
 * are chained: each starts with the equity the previous one ended with, and a position is
 * closed at the end of its period. The stitched test periods are the honest estimate of how
 * the optimised strategy would have done.
 */
export async function walkForward(
  bars: CandleColumns,
  interval: Timeframe,
  options: WalkForwardOptions,
  runJobs: RunJobs,
  onProgress?: (done: number, total: number) => void,
): Promise<WalkForwardResult> {
  const windows = planWindows(bars.length, options);
  const { strategy, objective } = options;
  const venue = parseOrThrow(VenueConfigSchema, options.venue, 'venue');
  const expanded = expandGrid(strategy.id, strategy.params, options.grid, strategy.sizing);
  if (expanded.combos.length === 0) throw new ValidationError(`no combination of the grid is valid for ${strategy.id}`);
  const combos = expanded.combos;
  const jobs = windows.flatMap((w) =>
    combos.map((params, c) => jobFor(w.index * combos.length + c, { ...strategy, params }, venue, w.isStart, w.isEnd)),
  );
  const results = await runJobs(jobs, onProgress);

  const outcomes: WindowOutcome[] = [];
  let capital = venue.capital;
  const time: number[] = [];
  const close: number[] = [];
  const equity: number[] = [];
  const trades = new TradeLog(new Decimal(venue.makerFee), new Decimal(venue.takerFee));
  let fees = new Decimal(0);
  let funding = new Decimal(0);
  const notes: string[] = [];
  for (const w of windows) {
    const rows: SweepRow[] = combos.map((params, c) => {
      const stats = (results[w.index * combos.length + c] as { stats: PlainStats }).stats;
      return { params, stats, objective: objectiveOf(stats, objective) };
    });
    const top = rankRows(rows, objective)[0];
    const best = top && top.objective !== null ? top : null;
    let oos: BacktestResult | null = null;
    const ruined = new Decimal(capital).lt('0.01');
    if (ruined) {
      // A ruined account does not trade again: the rest of the test periods stay flat.
      for (let i = w.oosStart; i < w.oosEnd; i++) equity.push(Number(capital));
      notes.push(`window ${w.index + 1}: the account was ruined in an earlier window; no trading`);
    } else if (best) {
      oos = runBacktest(sliceColumns(bars, w.isStart, w.oosEnd), {
        interval,
        strategy: { ...strategy, params: best.params },
        venue: { ...venue, capital },
        historyBars: w.oosStart - w.isStart,
        sessionId: `walkforward-${w.index}`,
      });
      trades.append(oos.trades, equity.length);
      for (let i = 0; i < oos.equity.length; i++) equity.push(oos.equity[i] as number);
      capital = oos.stats.equityFinal.toFixed();
      fees = fees.plus(oos.stats.feesPaid);
      funding = funding.plus(oos.stats.fundingPaid);
      notes.push(...oos.notes.map((n) => `window ${w.index + 1}: ${n}`));
    } else {
      // Nothing to trade: the equity waits in cash through the test period.
      for (let i = w.oosStart; i < w.oosEnd; i++) equity.push(Number(capital));
      notes.push(`window ${w.index + 1}: no parameter set could be measured in-sample; no trading`);
    }
    for (let i = w.oosStart; i < w.oosEnd; i++) {
      time.push(bars.time[i] as number);
      close.push(bars.close[i] as number);
    }
    outcomes.push({
      window: w,
      best: best?.params ?? null,
      inSample: best?.stats ?? null,
      outOfSample: oos,
      efficiency: efficiencyOf(best?.stats ?? null, oos),
    });
  }

  const stitchedTime = Float64Array.from(time);
  const stitchedEquity = Float64Array.from(equity);
  const stats = computeStats({
    time: stitchedTime,
    close: Float64Array.from(close),
    equity: stitchedEquity,
    trades,
    warmupBars: 0,
    capital: new Decimal(venue.capital),
    equityFinal: new Decimal(capital),
    feesPaid: fees,
    fundingPaid: funding,
  });
  const known = outcomes.map((o) => o.efficiency).filter((e): e is number => e !== null);
  return {
    objective,
    windows: outcomes,
    stitched: {
      sessionId: 'walkforward',
      strategy,
      venue,
      interval,
      time: stitchedTime,
      equity: stitchedEquity,
      trades,
      stats,
      notes,
    },
    efficiency: known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : null,
    combinations: combos.length,
    varying: expanded.varying,
  };
}
