import type { OutcomeFiguresWire, RuleSummary, StrategyInfo } from '../../../shared/contract/knowledge-commands.ts';

/*
 * The strategies view's form checks and figures, kept pure for tests. Names follow the
 * knowledge base's own rules (1..120 characters once trimmed, unique), so a mistake is shown
 * before anything is sent.
 */

/** Longest strategy name the knowledge base takes. */
export const MAX_STRATEGY_NAME = 120;

/** What is wrong with a strategy about to be built, by field; empty when nothing is. */
export interface BuildErrors {
  name?: string;
  rules?: string;
}

/** Checks a strategy's name and rules before `CreateStrategy` is sent. */
export function validateBuild(
  name: string,
  ruleIds: readonly string[],
  existing: readonly Pick<StrategyInfo, 'name'>[],
): BuildErrors {
  const errors: BuildErrors = {};
  const trimmed = name.trim();
  if (trimmed === '') errors.name = 'Name the strategy.';
  else if (trimmed.length > MAX_STRATEGY_NAME) errors.name = `At most ${MAX_STRATEGY_NAME} characters.`;
  else if (existing.some((s) => s.name === trimmed)) errors.name = `A strategy named “${trimmed}” already exists.`;
  if (ruleIds.length === 0) errors.rules = 'Pick at least one rule (an entry rule, for it to trade).';
  return errors;
}

/** Rule ids in the order the rules are listed, keeping only the selected ones. */
export function selectedInOrder(rules: readonly Pick<RuleSummary, 'id'>[], selected: ReadonlySet<string>): string[] {
  return rules.filter((r) => selected.has(r.id)).map((r) => r.id);
}

/** A 0..1 ratio as a percentage with one decimal: "27.6 %". */
export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}

/** An expectancy in R with its sign: "+0.42R", "−0.60R", "–" when unknown. */
export function formatR(r: number | null): string {
  if (r === null || !Number.isFinite(r)) return '–';
  const sign = r > 0 ? '+' : r < 0 ? '−' : '';
  return `${sign}${Math.abs(r).toFixed(2)}R`;
}

/** The cycle phases in the engine's order, then any other (`unknown`), for a steady table. */
const PHASE_ORDER = ['drive', 'range', 'liquidity'];

/** A rule's figures per cycle phase, as rows in a steady order. */
export function phaseRows(
  byPhase: Readonly<Record<string, OutcomeFiguresWire>>,
): { phase: string; figures: OutcomeFiguresWire }[] {
  const rank = (phase: string) => {
    const i = PHASE_ORDER.indexOf(phase);
    return i === -1 ? PHASE_ORDER.length : i;
  };
  return Object.entries(byPhase)
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([phase, figures]) => ({ phase, figures }));
}

/** The strategies with a rule replaced by its new version wherever it appears. */
export function withRule(strategies: readonly StrategyInfo[], rule: RuleSummary): StrategyInfo[] {
  return strategies.map((s) => ({ ...s, rules: s.rules.map((r) => (r.id === rule.id ? rule : r)) }));
}
