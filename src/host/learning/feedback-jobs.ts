import type { KnowledgeStore } from '../../adapters/sqlite/knowledge/knowledge-store.ts';
import { BacktestSession, type BacktestResult } from '../../engine/backtest/backtest-session.ts';
import { SliceStepper, type SlicedRun } from '../../engine/backtest/slice-stepper.ts';
import type { ComponentContext } from '../../engine/kernel/kernel.ts';
import type { ConfidenceSuggestion } from '../../engine/learning/outcome-analyzer.ts';
import type { CompileReport } from '../../engine/learning/strategy-compiler.ts';
import type { SignalExplanation } from '../../engine/strategy/rules-strategy.ts';
import type { Scheduler, SeriesRepository } from '../../engine/ports.ts';
import { formatSizing } from '../../engine/trading/sizing.ts';
import type { CommandResponse, ParsedCommandRequest } from '../../shared/contract/commands.ts';
import { NotFoundError, ValidationError } from '../../shared/contract/errors.ts';
import type { EventPayload } from '../../shared/contract/events.ts';
import {
  KnowledgeEvents,
  MAX_CONCURRENT_FEEDBACK_RUNS,
  type CompileReportWire,
} from '../../shared/contract/knowledge-commands.ts';
import { describeIssues } from '../../shared/contract/validation.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';
import { applySuggestions, compileStored, feedbackFromBacktest } from './feedback-service.ts';
import { ruleSummary } from './rule-summary.ts';

/** Finished runs whose suggestions can still be approved (the oldest are forgotten first). */
const KEPT_RUNS = 20;

/** Options of {@link FeedbackJobs}. */
export interface FeedbackJobsOptions {
  readonly store: KnowledgeStore;
  /** Where the stored series are read. */
  readonly series: SeriesRepository;
  /** Paces the backtest slices so the engine keeps answering while a run goes. */
  readonly scheduler: Scheduler;
  /** Most bars one slice processes before yielding (default 5000). */
  readonly sliceBars?: number;
  /** Engine-clock milliseconds after which a slice yields even below `sliceBars` (default 10). */
  readonly sliceMs?: number;
}

interface Run extends SlicedRun {
  readonly feedbackId: string;
  readonly strategy: string;
  readonly seriesId: string;
  readonly minTrades: number;
  readonly compiled: CompileReport;
  readonly interval: Timeframe;
  readonly explanations: SignalExplanation[];
}

/** The wire form of a compile report. */
export function compileReportWire(name: string, interval: Timeframe, report: CompileReport): CompileReportWire {
  return {
    name,
    interval,
    used: report.used.map((u) => ({ ...u })),
    unsupported: report.unsupported.map((u) => ({ ...u })),
    notes: [...report.notes],
    sizing: formatSizing(report.spec.sizing),
  };
}

/**
 * Feedback runs for the UI (`RunFeedback`, `CancelFeedback`, `ApproveSuggestion`): the same
 * loop as `hyperdesk kb feedback` on a stored series, the backtest stepped in slices on the
 * scheduler so it reports progress and can be canceled. The suggestions of the last finished
 * runs are kept here, so a client can approve only what the engine suggested, never send its
 * own figures as evidence.
 */
export class FeedbackJobs {
  private readonly options: FeedbackJobsOptions;
  private readonly slices: SliceStepper<Run>;
  private readonly runs = new Map<string, Run>();
  private readonly finished = new Map<
    string,
    { strategy: string; seriesId: string; suggestions: Map<string, ConfidenceSuggestion> }
  >();
  private context: ComponentContext | null = null;
  private counter = 0;

  constructor(options: FeedbackJobsOptions) {
    this.options = options;
    this.slices = new SliceStepper<Run>(options.scheduler, options, {
      live: (run) => (this.runs.get(run.feedbackId) === run ? this.context : null),
      progress: (run, done, total, context) =>
        context.bus.publish({
          event: 'FeedbackProgress',
          payload: { feedbackId: run.feedbackId, at: Math.trunc(context.clock.now()), done, total },
        }),
      finished: (run, result, context) => this.finish(run, result, context),
      failed: (run, error) => this.fail(run, error),
    });
  }

  attach(context: ComponentContext): void {
    this.context = context;
  }

  detach(): void {
    for (const run of this.runs.values()) run.cancelSlice?.();
    this.runs.clear();
    this.context = null;
  }

  /** Starts a run; its events follow the answer. */
  start(request: ParsedCommandRequest<'RunFeedback'>): CommandResponse<'RunFeedback'> {
    if (!this.context) throw new ValidationError('the knowledge service is not running');
    if (this.runs.size >= MAX_CONCURRENT_FEEDBACK_RUNS) {
      throw new ValidationError(
        `RunFeedback: ${MAX_CONCURRENT_FEEDBACK_RUNS} feedback runs are already going; wait for one to finish or cancel it`,
      );
    }
    const info = this.options.series.getSeries(request.seriesId);
    if (!info) throw new NotFoundError(`series "${request.seriesId}" is not in the store; load it first`);
    const compiled = compileStored(this.options.store, request.strategy, info.interval);
    const bars = this.options.series.readCandles(request.seriesId);
    if (bars.length === 0) throw new ValidationError(`series "${request.seriesId}" has no bars`);
    const feedbackId = `feedback-${++this.counter}`;
    const explanations: SignalExplanation[] = [];
    const session = new BacktestSession(bars, {
      interval: info.interval,
      strategy: compiled.spec,
      sessionId: feedbackId,
      onExplanation: (e) => explanations.push(e),
    });
    const run: Run = {
      feedbackId,
      strategy: request.strategy,
      seriesId: request.seriesId,
      minTrades: request.minTrades,
      compiled,
      interval: info.interval,
      session,
      explanations,
      cancelSlice: null,
      reported: 0,
    };
    this.runs.set(feedbackId, run);
    this.slices.schedule(run);
    return { feedbackId };
  }

  /** Cancels a run; false when none such is going. */
  cancel(feedbackId: string): boolean {
    const run = this.runs.get(feedbackId);
    if (!run) return false;
    this.fail(run, 'canceled');
    return true;
  }

  /** Applies one kept suggestion, as `kb feedback --apply` does, after checking the rule has not changed since. */
  approve(request: ParsedCommandRequest<'ApproveSuggestion'>): CommandResponse<'ApproveSuggestion'> {
    const run = this.finished.get(request.feedbackId);
    if (!run) {
      throw new NotFoundError(
        `no finished feedback run "${request.feedbackId}" (the engine keeps the last ${KEPT_RUNS}, and none across restarts); run feedback again`,
      );
    }
    const suggestion = run.suggestions.get(request.ruleId);
    if (!suggestion) {
      throw new NotFoundError(
        `feedback run "${request.feedbackId}" has no pending suggestion for rule "${request.ruleId}" (none was made, or it was approved)`,
      );
    }
    const rule = this.options.store.rule(request.ruleId);
    if (!rule) throw new NotFoundError(`no rule "${request.ruleId}" in the knowledge base`);
    if (rule.rule.confidence !== suggestion.current) {
      throw new ValidationError(
        `rule "${rule.rule.name}" changed since the feedback run (confidence now ${rule.rule.confidence.toFixed(2)}, was ${suggestion.current.toFixed(2)}); run feedback again`,
      );
    }
    const [changed] = applySuggestions(
      this.options.store,
      [suggestion],
      `user (HyperDesk strategies view, feedback of ${run.strategy} on ${run.seriesId})`,
    );
    run.suggestions.delete(request.ruleId);
    if (!changed) throw new NotFoundError(`no rule "${request.ruleId}" in the knowledge base`);
    return { rule: ruleSummary(changed), from: suggestion.current, to: suggestion.suggested };
  }

  private finish(run: Run, result: BacktestResult, context: ComponentContext): void {
    this.runs.delete(run.feedbackId);
    let payload: EventPayload<'FeedbackFinished'>;
    let suggestions: readonly ConfidenceSuggestion[];
    try {
      const feedback = feedbackFromBacktest(this.options.store, run.strategy, run.compiled, result, run.explanations, {
        minTrades: run.minTrades,
      });
      suggestions = feedback.suggestions;
      payload = {
        feedbackId: run.feedbackId,
        at: Math.trunc(context.clock.now()),
        strategy: run.strategy,
        seriesId: run.seriesId,
        compiled: compileReportWire(run.strategy, run.interval, run.compiled),
        outcomes: {
          strategy: { ...feedback.outcomes.strategy },
          rules: feedback.outcomes.rules.map((r) => ({ ...r, byPhase: { ...r.byPhase } })),
        },
        suggestions: suggestions.map((s) => ({ ...s })),
        minTrades: run.minTrades,
        notes: [...result.notes],
      };
    } catch (error) {
      this.fail(run, (error as Error).message);
      return;
    }
    // Checked here, where a fault can still be reported, rather than dropped by a client.
    const checked = KnowledgeEvents.FeedbackFinished.safeParse(payload);
    if (!checked.success) {
      this.fail(run, describeIssues('feedback', checked.error));
      return;
    }
    this.finished.set(run.feedbackId, {
      strategy: run.strategy,
      seriesId: run.seriesId,
      suggestions: new Map(suggestions.map((s) => [s.ruleId, s] as const)),
    });
    for (const id of this.finished.keys()) {
      if (this.finished.size <= KEPT_RUNS) break;
      this.finished.delete(id);
    }
    context.bus.publish({ event: 'FeedbackFinished', payload });
  }

  private fail(run: Run, error: string): void {
    run.cancelSlice?.();
    run.cancelSlice = null;
    this.runs.delete(run.feedbackId);
    const context = this.context;
    if (context) {
      context.bus.publish({
        event: 'FeedbackFailed',
        payload: { feedbackId: run.feedbackId, at: Math.trunc(context.clock.now()), error },
      });
    }
  }
}
