import type { ComponentContext } from '../kernel/kernel.ts';
import type { Scheduler } from '../ports.ts';
import type { BacktestResult, BacktestSession } from './backtest-session.ts';

/** Progress events per run, at most. */
export const PROGRESS_EVENTS = 50;

/** How much one slice of a run may do before it yields. */
export interface SliceOptions {
  /** Most bars one slice processes before yielding (default 5000). */
  readonly sliceBars?: number;
  /** Engine-clock milliseconds after which a slice yields even below `sliceBars` (default 10). */
  readonly sliceMs?: number;
}

/** A run stepped in slices: its session and what the stepper keeps on it. */
export interface SlicedRun {
  readonly session: BacktestSession;
  /** Cancels the next slice, if one is scheduled. */
  cancelSlice: (() => void) | null;
  /** Progress bucket (0..PROGRESS_EVENTS) last reported. */
  reported: number;
}

/** What the owner of sliced runs does as they go. */
export interface SliceHandlers<R extends SlicedRun> {
  /** The context while `run` still goes (the owner runs and has not dropped it), else null. */
  live(run: R): ComponentContext | null;
  /** Progress to report: `done` of `total` bars, at most {@link PROGRESS_EVENTS} times a run. */
  progress(run: R, done: number, total: number, context: ComponentContext): void;
  /** The run reached its last bar. */
  finished(run: R, result: BacktestResult, context: ComponentContext): void;
  /** A slice threw. */
  failed(run: R, error: string): void;
}

/**
 * Steps backtest sessions in slices on the {@link Scheduler}, so the engine keeps answering
 * while they go: a slice steps at most `sliceBars` bars (fewer once `sliceMs` have passed),
 * then reports progress and either schedules the next slice or ends the run.
 */
export class SliceStepper<R extends SlicedRun> {
  private readonly scheduler: Scheduler;
  private readonly handlers: SliceHandlers<R>;
  private readonly sliceBars: number;
  private readonly sliceMs: number;

  constructor(scheduler: Scheduler, options: SliceOptions, handlers: SliceHandlers<R>) {
    this.scheduler = scheduler;
    this.handlers = handlers;
    this.sliceBars = Math.max(1, Math.floor(options.sliceBars ?? 5_000));
    this.sliceMs = options.sliceMs ?? 10;
  }

  /** Schedules the next slice of `run`. */
  schedule(run: R): void {
    run.cancelSlice = this.scheduler.schedule(0, () => {
      run.cancelSlice = null;
      this.slice(run);
    });
  }

  /** Steps the run for one slice; then reports progress and either schedules the next or ends. */
  private slice(run: R): void {
    const context = this.handlers.live(run);
    if (!context) return;
    const session = run.session;
    let result: BacktestResult | null = null;
    try {
      const started = context.clock.now();
      for (let k = 0; k < this.sliceBars && session.step(); k++) {
        if ((k & 63) === 63 && context.clock.now() - started >= this.sliceMs) break;
      }
      if (session.atEnd) result = session.finish();
    } catch (error) {
      this.handlers.failed(run, (error as Error).message);
      return;
    }
    this.progress(run, context);
    if (result) this.handlers.finished(run, result, context);
    else this.schedule(run);
  }

  private progress(run: R, context: ComponentContext): void {
    const total = run.session.length;
    const done = run.session.cursor;
    const bucket = Math.floor((done * PROGRESS_EVENTS) / total);
    if (bucket <= run.reported) return;
    run.reported = bucket;
    this.handlers.progress(run, done, total, context);
  }
}
