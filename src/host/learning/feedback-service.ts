import type { KnowledgeStore } from '../../adapters/sqlite/knowledge/knowledge-store.ts';
import type { StoredRule } from '../../adapters/sqlite/knowledge/knowledge-types.ts';
import { runBacktest, type BacktestResult } from '../../engine/backtest/backtest-session.ts';
import type { CandleColumns } from '../../engine/data/candle-columns.ts';
import {
  analyzeOutcomes,
  suggestConfidence,
  type ConfidenceOptions,
  type ConfidenceSuggestion,
  type OutcomeReport,
} from '../../engine/learning/outcome-analyzer.ts';
import { compileStrategy, type CompileReport } from '../../engine/learning/strategy-compiler.ts';
import { explainTrades, type TradeExplanation } from '../../engine/learning/trade-reasoner.ts';
import type { SignalExplanation } from '../../engine/strategy/rules-strategy.ts';
import { NotFoundError } from '../../shared/contract/errors.ts';
import type { VenueConfigInput } from '../../shared/contract/venue-config.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';

/** Everything one feedback run learned. */
export interface FeedbackRun {
  readonly compiled: CompileReport;
  readonly result: BacktestResult;
  readonly trades: readonly TradeExplanation[];
  readonly outcomes: OutcomeReport;
  readonly suggestions: readonly ConfidenceSuggestion[];
}

/** Compiles a stored strategy from its rules' current versions. */
export function compileStored(store: KnowledgeStore, name: string, interval: Timeframe): CompileReport {
  const strategy = store.strategy(name);
  if (!strategy) throw new NotFoundError(`no strategy named "${name}" in the knowledge base`);
  return compileStrategy(
    strategy.rules.map((r) => ({ id: r.id, version: r.version, enabled: r.enabled, rule: r.rule })),
    { interval },
  );
}

/**
 * The feedback loop on history: the strategy's rules are compiled, backtested with every
 * decision explained, each trade tied to the rules behind it, the outcomes counted per rule
 * and per market phase, and confidence changes suggested (nothing is changed here).
 */
export function runFeedback(
  store: KnowledgeStore,
  name: string,
  bars: CandleColumns,
  interval: Timeframe,
  options: { venue?: VenueConfigInput; confidence?: ConfidenceOptions } = {},
): FeedbackRun {
  const compiled = compileStored(store, name, interval);
  const explanations: SignalExplanation[] = [];
  const result = runBacktest(bars, {
    interval,
    strategy: compiled.spec,
    venue: options.venue,
    onExplanation: (e) => explanations.push(e),
  });
  return feedbackFromBacktest(store, name, compiled, result, explanations, options.confidence);
}

/**
 * The second half of the feedback loop, once the backtest has run (at once in
 * {@link runFeedback}, in slices for the UI): each trade tied to its rules, outcomes per rule
 * and phase, and the suggested confidence changes.
 */
export function feedbackFromBacktest(
  store: KnowledgeStore,
  name: string,
  compiled: CompileReport,
  result: BacktestResult,
  explanations: readonly SignalExplanation[],
  confidence: ConfidenceOptions = {},
): FeedbackRun {
  const trades = explainTrades(result.trades.toArray(), explanations);
  const outcomes = analyzeOutcomes(trades);
  const rules = store.strategy(name)?.rules ?? [];
  const current = new Map(rules.map((r) => [r.id, r.rule.confidence] as const));
  const priors = priorConfidences(
    store,
    rules.map((r) => r.id),
  );
  return {
    compiled,
    result,
    trades,
    outcomes,
    suggestions: suggestConfidence(outcomes.rules, current, { ...confidence, priors }),
  };
}

/** Applies approved suggestions: each becomes a new rule version and a recorded change. */
export function applySuggestions(
  store: KnowledgeStore,
  suggestions: readonly ConfidenceSuggestion[],
  approvedBy: string,
): StoredRule[] {
  return suggestions.map((s) =>
    store.changeConfidence(
      s.ruleId,
      s.suggested,
      s.reason,
      { trades: s.trades, winRate: s.winRate, expectancyR: s.expectancyR },
      approvedBy,
    ),
  );
}

/**
 * Each rule's prior for the Bayesian update: the confidence it was extracted with (its first
 * version), not its current one. Re-running feedback on the same trades then suggests the
 * same value instead of counting those trades again, and an applied change is never the prior
 * of the next.
 */
export function priorConfidences(store: KnowledgeStore, ids: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const id of ids) {
    const first = store.ruleHistory(id)[0];
    if (first) out.set(id, first.rule.confidence);
  }
  return out;
}
