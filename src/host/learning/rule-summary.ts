import type { StoredRule, StoredStrategy } from '../../adapters/sqlite/knowledge/knowledge-types.ts';
import type { RuleSummary, StrategyInfo } from '../../shared/contract/knowledge-commands.ts';

/** The wire form of a stored rule. */
export function ruleSummary(rule: StoredRule): RuleSummary {
  return {
    id: rule.id,
    version: rule.version,
    name: rule.rule.name,
    kind: rule.rule.kind,
    confidence: rule.rule.confidence,
    enabled: rule.enabled,
    citation: rule.rule.citation,
  };
}

/** The wire form of a stored strategy: its rules' current versions, in order. */
export function strategyInfo(strategy: StoredStrategy): StrategyInfo {
  return {
    name: strategy.name,
    note: strategy.note,
    createdAt: strategy.createdAt,
    rules: strategy.rules.map(ruleSummary),
  };
}
