import { describe, expect, it } from 'vitest';
import { analyzeOutcomes, suggestConfidence } from '../../../src/engine/learning/outcome-analyzer.ts';
import type { TradeExplanation } from '../../../src/engine/learning/trade-reasoner.ts';

function trade(pnl: number, r: number | null, rules: string[], phase: 'drive' | 'range' | null): TradeExplanation {
  return {
    trade: {
      side: 'long',
      entryTime: 0,
      exitTime: 1,
      entryPrice: '100',
      exitPrice: '101',
      qty: '1',
      pnl: String(pnl),
      rMultiple: r,
      exitReason: 'stop',
    },
    entryRules: rules.map((id) => ({
      id,
      version: 1,
      name: id,
      kind: 'entry',
      citation: { sourceId: 's', page: 1, timestamp: null, quote: 'q' },
      conditions: [],
    })),
    exitRules: [],
    phase,
    risk: null,
  };
}

describe('outcomes per rule and the confidence feedback', () => {
  const trades = [
    ...Array.from({ length: 18 }, () => trade(10, 1, ['a', 'f'], 'drive')),
    ...Array.from({ length: 12 }, () => trade(-5, -1, ['a'], 'range')),
    trade(3, null, ['b'], null),
  ];

  it('credits each rule that opened a trade, overall and by market phase', () => {
    const report = analyzeOutcomes(trades);
    expect(report.strategy).toMatchObject({ trades: 31, wins: 19, losses: 12 });
    const a = report.rules.find((r) => r.ruleId === 'a');
    expect(a).toMatchObject({ trades: 30, wins: 18, losses: 12, winRate: 0.6 });
    expect(a?.expectancyR).toBeCloseTo(0.2, 12);
    expect(a?.byPhase.drive).toMatchObject({ trades: 18, winRate: 1 });
    expect(a?.byPhase.range).toMatchObject({ trades: 12, winRate: 0 });
    expect(report.rules.find((r) => r.ruleId === 'b')).toMatchObject({ trades: 1, expectancyR: null });
  });

  it('suggests the Bayesian posterior only with enough trades and a real change', () => {
    const report = analyzeOutcomes(trades);
    const suggestions = suggestConfidence(
      report.rules,
      new Map([
        ['a', 0.3],
        ['f', 0.9],
        ['b', 0.1],
      ]),
    );
    // a: (0.3 × 10 + 18) / (10 + 30) = 0.525. f: 18 trades < 20: no suggestion. b: 1 trade.
    expect(suggestions.map((s) => [s.ruleId, s.suggested])).toEqual([['a', 0.525]]);
    expect(suggestions[0]?.reason).toBe('18 of 30 trades won (60.0 %, expectancy 0.20R): confidence 0.30 → 0.53');
    // The prior is the extracted confidence: after 0.525 was applied, the same trades suggest
    // the same value, not another step down.
    expect(suggestConfidence(report.rules, new Map([['a', 0.525]]), { priors: new Map([['a', 0.3]]) })).toEqual([]);
    expect(
      suggestConfidence(report.rules, new Map([['a', 0.9]]), { priors: new Map([['a', 0.3]]) }).map((x) => [
        x.current,
        x.suggested,
      ]),
    ).toEqual([[0.9, 0.525]]);
    // Already where the evidence says: nothing to propose.
    expect(suggestConfidence(report.rules, new Map([['a', 0.55]]), { minChange: 0.05 })).toEqual([]);
  });
});
