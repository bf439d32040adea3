import {
  BacktestEvents,
  MAX_EQUITY_POINTS,
  MAX_SWEEP_COMBINATIONS,
  MAX_WALK_FORWARD_WINDOWS,
  type WalkForwardWindowWire,
} from '../../shared/contract/backtest.ts';
import type { CommandResponse, ParsedCommandRequest } from '../../shared/contract/commands.ts';
import { NotFoundError, ValidationError } from '../../shared/contract/errors.ts';
import type { EventPayload } from '../../shared/contract/events.ts';
import { describeIssues } from '../../shared/contract/validation.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';
import type { CandleColumns } from '../data/candle-columns.ts';
import type { ComponentContext } from '../kernel/kernel.ts';
import type { Scheduler, SeriesRepository } from '../ports.ts';
import { resolveRequestedStrategy, type StrategySpec } from '../strategy/strategy-registry.ts';
import { formatSizing } from '../trading/sizing.ts';
import { BacktestJobSchema, runJob, type BacktestJobResult, type PlainStats } from './backtest-job.ts';
import { downsampleEquity, statsWire, tradeWire } from './backtest-service.ts';
import { expandGrid } from './param-grid.ts';
import { sweep, type Objective, type RunJobs } from './sweep.ts';
import { planWindows, walkForward, type WalkForwardResult } from './walk-forward.ts';

/** Progress events per run, at most. */
const PROGRESS_EVENTS = 50;

/** Runs the backtest jobs of one sweep or walk-forward; `close` stops it (a cancel) and frees its threads. */
export interface JobRunner {
  readonly run: RunJobs;
  close(): Promise<void> | void;
}

/**
 * Makes the job runner of one run over `bars`: the host passes one backed by worker threads
 * (`host/backtest-pool.ts`); without one, {@link scheduledJobRunner} runs the jobs in the
 * engine's thread, one per scheduler tick.
 */
export type JobRunnerFactory = (bars: CandleColumns, interval: Timeframe) => JobRunner;

/**
 * Runs jobs one after another in this thread, each in its own {@link Scheduler} tick so the
 * engine keeps answering commands between them. `close` makes the run reject with `canceled`.
 */
export function scheduledJobRunner(scheduler: Scheduler): JobRunnerFactory {
  return (bars, interval) => {
    let closed = false;
    let cancelTick: (() => void) | null = null;
    let rejectRun: ((error: Error) => void) | null = null;
    return {
      run: (jobs, onProgress) =>
        new Promise<BacktestJobResult[]>((resolve, reject) => {
          rejectRun = reject;
          const results: BacktestJobResult[] = [];
          const tick = () => {
            cancelTick = null;
            if (closed) return;
            try {
              const job = jobs[results.length];
              if (job) {
                results.push(runJob(bars, interval, BacktestJobSchema.parse(job)));
                onProgress?.(results.length, jobs.length);
              }
            } catch (error) {
              reject(error as Error);
              return;
            }
            if (results.length >= jobs.length) resolve(results);
            else cancelTick = scheduler.schedule(0, tick);
          };
          cancelTick = scheduler.schedule(0, tick);
        }),
      close: () => {
        closed = true;
        cancelTick?.();
        rejectRun?.(new Error('canceled'));
      },
    };
  };
}

interface ResearchRun {
  readonly runId: string;
  readonly runner: JobRunner;
  canceled: boolean;
  reported: number;
}

/** What a sweep or walk-forward request has in common once checked. */
interface Prepared {
  readonly strategy: StrategySpec;
  readonly bars: CandleColumns;
  readonly interval: Timeframe;
}

/**
 * The sweeps and walk-forward analyses of {@link BacktestService}: each checks its request,
 * answers with a run id at once, and runs its backtest jobs through a {@link JobRunner}
 * (worker threads in the desktop and server hosts), reporting progress in backtests done.
 */
export class ResearchRuns {
  private readonly repository: SeriesRepository;
  private readonly runnerFor: JobRunnerFactory;
  private readonly runs = new Map<string, ResearchRun>();

  constructor(repository: SeriesRepository, runnerFor: JobRunnerFactory) {
    this.repository = repository;
    this.runnerFor = runnerFor;
  }

  /** Runs in progress. */
  get size(): number {
    return this.runs.size;
  }

  /** Cancels a run; false when no such run is in progress. */
  cancel(runId: string, context: ComponentContext | null): boolean {
    const run = this.runs.get(runId);
    if (!run) return false;
    run.canceled = true;
    this.runs.delete(runId);
    void Promise.resolve(run.runner.close()).catch(() => undefined);
    context?.bus.publish({ event: 'BacktestFailed', payload: { runId, at: now(context), error: 'canceled' } });
    return true;
  }

  /** Cancels every run quietly (the engine is stopping). */
  stopAll(): void {
    for (const run of this.runs.values()) {
      run.canceled = true;
      void Promise.resolve(run.runner.close()).catch(() => undefined);
    }
    this.runs.clear();
  }

  /** Starts a sweep. */
  sweep(
    request: ParsedCommandRequest<'RunSweep'>,
    runId: string,
    context: ComponentContext,
  ): CommandResponse<'RunSweep'> {
    const prepared = this.prepare(request);
    const objective: Objective = request.objective;
    const run = this.begin(runId, prepared);
    const end = prepared.bars.length;
    void sweep(
      { strategy: prepared.strategy, grid: request.grid, venue: request.venue ?? {}, objective, start: 0, end },
      run.runner.run,
      (done, all) => this.progress(run, done, all, context),
    ).then(
      (result) => {
        if (!this.end(run)) return;
        const payload: EventPayload<'SweepFinished'> = {
          runId,
          at: now(context),
          seriesId: request.seriesId,
          strategy: strategyWire(prepared.strategy),
          objective,
          params: Object.keys(request.grid),
          rows: result.rows.map((row) => ({
            params: { ...row.params },
            objective: row.objective,
            stats: plainStatsWire(row.stats),
          })),
          skipped: result.skipped.map((s) => ({ params: { ...s.params }, reason: s.reason })),
        };
        this.publishChecked('SweepFinished', payload, context);
      },
      (error: Error) => this.failed(run, error, context),
    );
    return { runId };
  }

  /** Starts a walk-forward analysis. */
  walkForward(
    request: ParsedCommandRequest<'RunWalkForward'>,
    runId: string,
    context: ComponentContext,
  ): CommandResponse<'RunWalkForward'> {
    const prepared = this.prepare(request);
    const plan = {
      inSample: request.inSample,
      outOfSample: request.outOfSample,
      anchored: request.anchored,
      ...(request.step === undefined ? {} : { step: request.step }),
    };
    // Checked before answering, so a bad plan is the request's error, not a failed run.
    const windows = planWindows(prepared.bars.length, plan);
    if (windows.length > MAX_WALK_FORWARD_WINDOWS) {
      throw new ValidationError(
        `RunWalkForward: ${windows.length} windows; at most ${MAX_WALK_FORWARD_WINDOWS} (longer periods or a larger step)`,
      );
    }
    const run = this.begin(runId, prepared);
    const objective: Objective = request.objective;
    void walkForward(
      prepared.bars,
      prepared.interval,
      { ...plan, strategy: prepared.strategy, grid: request.grid, venue: request.venue ?? {}, objective },
      run.runner.run,
      (done, all) => this.progress(run, done, all, context),
    ).then(
      (result) => {
        if (!this.end(run)) return;
        this.publishChecked(
          'WalkForwardFinished',
          walkForwardWire(result, prepared.bars, runId, request.seriesId, Object.keys(request.grid), now(context)),
          context,
        );
      },
      (error: Error) => this.failed(run, error, context),
    );
    return { runId };
  }

  private prepare(request: ParsedCommandRequest<'RunSweep'> | ParsedCommandRequest<'RunWalkForward'>): Prepared {
    const info = this.repository.getSeries(request.seriesId);
    if (!info) throw new NotFoundError(`series "${request.seriesId}" is not in the store; load it first`);
    const strategy = resolveRequestedStrategy(request.strategy);
    const expanded = expandGrid(strategy.id, strategy.params, request.grid, strategy.sizing);
    const count = expanded.combos.length + expanded.skipped.length;
    if (count > MAX_SWEEP_COMBINATIONS) {
      throw new ValidationError(`grid: ${count} combinations; at most ${MAX_SWEEP_COMBINATIONS}`);
    }
    if (expanded.combos.length === 0) {
      throw new ValidationError(
        `grid: no combination is valid for ${strategy.id}${expanded.skipped[0] ? ` (${expanded.skipped[0].reason})` : ''}`,
      );
    }
    const bars = this.repository.readCandles(request.seriesId, { from: request.from, to: request.to });
    if (bars.length === 0) throw new ValidationError(`series "${request.seriesId}" has no bars in that range`);
    return { strategy, bars, interval: info.interval };
  }

  private begin(runId: string, prepared: Prepared): ResearchRun {
    const run: ResearchRun = {
      runId,
      runner: this.runnerFor(prepared.bars, prepared.interval),
      canceled: false,
      reported: 0,
    };
    this.runs.set(runId, run);
    return run;
  }

  /** Ends a run that settled; false when it was canceled (its end was already reported). */
  private end(run: ResearchRun): boolean {
    if (run.canceled || this.runs.get(run.runId) !== run) return false;
    this.runs.delete(run.runId);
    void Promise.resolve(run.runner.close()).catch(() => undefined);
    return true;
  }

  private progress(run: ResearchRun, done: number, total: number, context: ComponentContext): void {
    if (run.canceled || total <= 0) return;
    const bucket = Math.floor((done * PROGRESS_EVENTS) / total);
    if (bucket <= run.reported) return;
    run.reported = bucket;
    context.bus.publish({ event: 'BacktestProgress', payload: { runId: run.runId, at: now(context), done, total } });
  }

  private failed(run: ResearchRun, error: Error, context: ComponentContext): void {
    if (!this.end(run)) return;
    context.bus.publish({
      event: 'BacktestFailed',
      payload: { runId: run.runId, at: now(context), error: error.message },
    });
  }

  /** Checked here, where a fault can still be reported, rather than dropped by a client. */
  private publishChecked<K extends 'SweepFinished' | 'WalkForwardFinished'>(
    event: K,
    payload: EventPayload<K>,
    context: ComponentContext,
  ): void {
    const checked = BacktestEvents[event].safeParse(payload);
    if (!checked.success) {
      const error = describeIssues('result', checked.error);
      context.bus.publish({ event: 'BacktestFailed', payload: { runId: payload.runId, at: now(context), error } });
      return;
    }
    context.bus.publish({ event, payload } as Parameters<ComponentContext['bus']['publish']>[0]);
  }
}

function now(context: ComponentContext): number {
  return Math.trunc(context.clock.now());
}

function strategyWire(strategy: StrategySpec): EventPayload<'SweepFinished'>['strategy'] {
  return { id: strategy.id, params: { ...strategy.params }, sizing: formatSizing(strategy.sizing) };
}

/** Job statistics (money already as text) as the contract types them. */
export function plainStatsWire(stats: PlainStats): EventPayload<'SweepFinished'>['rows'][number]['stats'] {
  return { ...stats };
}

/** A walk-forward result as `WalkForwardFinished` carries it; bar indexes become open times. */
export function walkForwardWire(
  result: WalkForwardResult,
  bars: CandleColumns,
  runId: string,
  seriesId: string,
  params: readonly string[],
  at: number,
): EventPayload<'WalkForwardFinished'> {
  const timeAt = (i: number) => bars.time[i] as number;
  const windows: WalkForwardWindowWire[] = result.windows.map((o) => {
    const oos = o.outOfSample;
    return {
      index: o.window.index,
      inSampleFrom: timeAt(o.window.isStart),
      inSampleTo: timeAt(o.window.isEnd - 1),
      outOfSampleFrom: timeAt(o.window.oosStart),
      outOfSampleTo: timeAt(o.window.oosEnd - 1),
      params: o.best ? { ...o.best } : null,
      inSampleObjective: o.inSample ? objectiveValue(o.inSample, result.objective) : null,
      outOfSample: oos
        ? {
            returnPct: oos.stats.returnPct,
            sharpe: oos.stats.sharpe,
            trades: oos.stats.trades,
            maxDrawdownPct: oos.stats.maxDrawdownPct,
            equityFinal: oos.stats.equityFinal.toFixed(),
          }
        : null,
      efficiency: o.efficiency,
    };
  });
  const stitched = result.stitched;
  return {
    runId,
    at,
    seriesId,
    strategy: strategyWire(stitched.strategy),
    objective: result.objective,
    params: [...params],
    combinations: result.combinations,
    windows,
    efficiency: result.efficiency,
    stats: statsWire(stitched.stats),
    trades: stitched.trades.toArray().map(tradeWire),
    equity: downsampleEquity(stitched.time, stitched.equity, MAX_EQUITY_POINTS),
    notes: [...stitched.notes],
  };
}

function objectiveValue(stats: PlainStats, objective: Objective): number | null {
  const value = stats[objective.key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
