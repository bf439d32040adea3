import {
  BacktestEvents,
  MAX_CONCURRENT_BACKTESTS,
  MAX_EQUITY_POINTS,
  type BacktestStatsWire,
  type BacktestTrade,
} from '../../shared/contract/backtest.ts';
import type { CommandResponse, ParsedCommandRequest } from '../../shared/contract/commands.ts';
import { NotFoundError, ValidationError } from '../../shared/contract/errors.ts';
import type { EventPayload } from '../../shared/contract/events.ts';
import { describeIssues } from '../../shared/contract/validation.ts';
import { toWire } from '../../shared/values/decimal-values.ts';
import type { ComponentContext, EngineComponent } from '../kernel/kernel.ts';
import type { Scheduler, SeriesRepository } from '../ports.ts';
import { resolveRequestedStrategy } from '../strategy/strategy-registry.ts';
import { formatSizing } from '../trading/sizing.ts';
import type { TradeRecord } from '../venue/trade-record.ts';
import { BacktestSession, type BacktestResult } from './backtest-session.ts';
import { ResearchRuns, scheduledJobRunner, type JobRunnerFactory } from './research-runs.ts';
import { SliceStepper, type SliceOptions, type SlicedRun } from './slice-stepper.ts';
import type { BacktestStats } from './stats/backtest-stats.ts';

/** Options for {@link BacktestService}: how much one slice of a run does, and who runs research jobs. */
export interface BacktestServiceOptions extends SliceOptions {
  /**
   * Runs the backtest jobs of sweeps and walk-forward analyses (worker threads, from the
   * host); by default they run in the engine's thread, one job per scheduler tick.
   */
  readonly jobRunner?: JobRunnerFactory;
}

interface Run extends SlicedRun {
  readonly runId: string;
  readonly seriesId: string;
}

/**
 * Serves `RunBacktest` and `CancelBacktest`: batch backtests of stored series that run in
 * slices on the {@link Scheduler}, so the engine keeps answering while they go. Each run is one
 * {@link BacktestSession} stepped bar by bar, exactly what `runBacktest` does in one go, so
 * the result is the same; only the pacing differs.
 */
export class BacktestService implements EngineComponent {
  readonly name = 'backtest';
  private readonly repository: SeriesRepository;
  private readonly slices: SliceStepper<Run>;
  private readonly runs = new Map<string, Run>();
  private readonly research: ResearchRuns;
  private context: ComponentContext | null = null;
  private counter = 0;

  constructor(repository: SeriesRepository, scheduler: Scheduler, options: BacktestServiceOptions = {}) {
    this.repository = repository;
    this.slices = new SliceStepper<Run>(scheduler, options, {
      live: (run) => (this.runs.get(run.runId) === run ? this.context : null),
      progress: (run, done, total, context) =>
        context.bus.publish({
          event: 'BacktestProgress',
          payload: { runId: run.runId, at: now(context), done, total },
        }),
      finished: (run, result, context) => this.finished(run, result, context),
      failed: (run, error) => this.fail(run, error),
    });
    this.research = new ResearchRuns(repository, options.jobRunner ?? scheduledJobRunner(scheduler));
  }

  start(context: ComponentContext): void {
    this.context = context;
    context.handle('RunBacktest', (request) => this.run(request));
    context.handle('CancelBacktest', (request) => ({
      runId: request.runId,
      canceled: this.cancel(request.runId) || this.research.cancel(request.runId, this.context),
    }));
    context.handle('RunSweep', (request) => this.research.sweep(request, this.reserve('RunSweep'), context));
    context.handle('RunWalkForward', (request) =>
      this.research.walkForward(request, this.reserve('RunWalkForward'), context),
    );
  }

  /**
   * A run id for a new run of `command`, refused when {@link MAX_CONCURRENT_BACKTESTS} runs
   * (backtests, sweeps and walk-forwards together) are going.
   */
  private reserve(command: string): string {
    this.reserveCheck(command);
    return `backtest-${++this.counter}`;
  }

  /** Refuses a new run early, before its series is read. */
  private reserveCheck(command: string): void {
    if (this.runs.size + this.research.size >= MAX_CONCURRENT_BACKTESTS) {
      throw new ValidationError(
        `${command}: ${MAX_CONCURRENT_BACKTESTS} backtests are already running; wait for one to finish or cancel it`,
      );
    }
  }

  stop(): void {
    this.research.stopAll();
    for (const run of this.runs.values()) run.cancelSlice?.();
    this.runs.clear();
    this.context = null;
  }

  private run(request: ParsedCommandRequest<'RunBacktest'>): CommandResponse<'RunBacktest'> {
    this.requireContext();
    this.reserveCheck('RunBacktest');
    const info = this.repository.getSeries(request.seriesId);
    if (!info) throw new NotFoundError(`series "${request.seriesId}" is not in the store; load it first`);
    const strategy = resolveRequestedStrategy(request.strategy);
    const bars = this.repository.readCandles(request.seriesId, { from: request.from, to: request.to });
    if (bars.length === 0) throw new ValidationError(`series "${request.seriesId}" has no bars in that range`);
    const runId = this.reserve('RunBacktest');
    const session = new BacktestSession(bars, {
      interval: info.interval,
      strategy,
      venue: request.venue,
      sessionId: runId,
    });
    const run: Run = { runId, seriesId: request.seriesId, session, cancelSlice: null, reported: 0 };
    this.runs.set(runId, run);
    this.slices.schedule(run);
    return { runId };
  }

  private cancel(runId: string): boolean {
    const run = this.runs.get(runId);
    if (!run) return false;
    this.fail(run, 'canceled');
    return true;
  }

  private finished(run: Run, result: BacktestResult, context: ComponentContext): void {
    this.runs.delete(run.runId);
    const payload: EventPayload<'BacktestFinished'> = {
      runId: run.runId,
      at: now(context),
      seriesId: run.seriesId,
      strategy: {
        id: result.strategy.id,
        params: { ...result.strategy.params },
        sizing: formatSizing(result.strategy.sizing),
      },
      stats: statsWire(result.stats),
      trades: result.trades.toArray().map(tradeWire),
      equity: downsampleEquity(result.time, result.equity, MAX_EQUITY_POINTS),
      notes: [...result.notes],
    };
    // Checked here, where a fault can still be reported, rather than dropped by a client.
    const checked = BacktestEvents.BacktestFinished.safeParse(payload);
    if (!checked.success) {
      context.bus.publish({
        event: 'BacktestFailed',
        payload: { runId: run.runId, at: now(context), error: describeIssues('result', checked.error) },
      });
      return;
    }
    context.bus.publish({ event: 'BacktestFinished', payload });
  }

  private fail(run: Run, error: string): void {
    run.cancelSlice?.();
    run.cancelSlice = null;
    this.runs.delete(run.runId);
    const context = this.context;
    if (context)
      context.bus.publish({ event: 'BacktestFailed', payload: { runId: run.runId, at: now(context), error } });
  }

  private requireContext(): ComponentContext {
    if (!this.context) throw new Error('backtest: used before start');
    return this.context;
  }
}

function now(context: ComponentContext): number {
  return Math.trunc(context.clock.now());
}

/** The statistics on the wire: numbers as they are, money as exact decimal strings. */
export function statsWire(stats: BacktestStats): BacktestStatsWire {
  const { capital, equityFinal, feesPaid, fundingPaid, ...rest } = stats;
  return {
    ...rest,
    capital: toWire(capital),
    equityFinal: toWire(equityFinal),
    feesPaid: toWire(feesPaid),
    fundingPaid: toWire(fundingPaid),
  };
}

/** One trade on the wire. */
export function tradeWire(trade: TradeRecord): BacktestTrade {
  return {
    side: trade.side,
    entryTime: trade.entryTime,
    exitTime: trade.exitTime,
    entryPrice: toWire(trade.entryPrice),
    exitPrice: toWire(trade.exitPrice),
    qty: toWire(trade.qty),
    pnl: toWire(trade.pnl),
    rMultiple: trade.rMultiple,
    exitReason: trade.exitReason,
    tag: trade.tag,
  };
}

/**
 * The equity curve in at most `maxPoints` points: every point when it fits; otherwise the
 * lowest and the highest point of each of `(maxPoints - 1) / 2` equal stretches, in time
 * order, then the last point (the final equity).
 */
export function downsampleEquity(
  time: ArrayLike<number>,
  equity: ArrayLike<number>,
  maxPoints: number,
): { time: number[]; equity: number[] } {
  const n = Math.min(time.length, equity.length);
  const outTime: number[] = [];
  const outEquity: number[] = [];
  const push = (i: number) => {
    outTime.push(time[i] as number);
    outEquity.push(equity[i] as number);
  };
  if (n <= maxPoints) {
    for (let i = 0; i < n; i++) push(i);
    return { time: outTime, equity: outEquity };
  }
  const buckets = Math.max(1, Math.floor((maxPoints - 1) / 2));
  const body = n - 1;
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * body) / buckets);
    const end = Math.floor(((b + 1) * body) / buckets);
    if (end <= start) continue;
    let lo = start;
    let hi = start;
    for (let i = start + 1; i < end; i++) {
      const e = equity[i] as number;
      if (e < (equity[lo] as number)) lo = i;
      if (e > (equity[hi] as number)) hi = i;
    }
    push(Math.min(lo, hi));
    if (hi !== lo) push(Math.max(lo, hi));
  }
  push(n - 1);
  return { time: outTime, equity: outEquity };
}
