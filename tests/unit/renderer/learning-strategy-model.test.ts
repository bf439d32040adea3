import { describe, expect, it } from 'vitest';
import {
  formatPercent,
  formatR,
  phaseRows,
  selectedInOrder,
  validateBuild,
  withRule,
} from '../../../src/renderer/src/learning/strategy-model.ts';
import { Commands } from '../../../src/shared/contract/commands.ts';
import type { RuleSummary, StrategyInfo } from '../../../src/shared/contract/knowledge-commands.ts';

const rule = (id: string, confidence = 0.3, version = 1): RuleSummary => ({
  id,
  version,
  name: `rule ${id}`,
  kind: 'entry',
  confidence,
  enabled: true,
  citation: { sourceId: 's1', page: 1, timestamp: null, quote: 'q' },
});

const figures = (trades: number, wins: number) => ({
  trades,
  wins,
  losses: trades - wins,
  winRate: trades === 0 ? 0 : wins / trades,
  expectancyR: null,
  totalR: 0,
});

describe('strategies view: building a strategy', () => {
  it('asks for a name and at least one rule, refuses a name in use or too long, and trims', () => {
    expect(validateBuild('', ['r-1'], [])).toEqual({ name: 'Name the strategy.' });
    expect(validateBuild('   ', ['r-1'], []).name).toBe('Name the strategy.');
    expect(validateBuild('x'.repeat(121), ['r-1'], []).name).toMatch(/120/);
    expect(validateBuild(' sweep ', ['r-1'], [{ name: 'sweep' }]).name).toMatch(/already exists/);
    expect(validateBuild('sweep', [], []).rules).toMatch(/at least one rule/);
    expect(validateBuild(' sweep ', ['r-1'], [{ name: 'other' }])).toEqual({});
  });

  it('sends what the contract accepts once the form passes', () => {
    const ids = selectedInOrder([rule('r-2'), rule('r-1'), rule('r-3')], new Set(['r-1', 'r-2']));
    expect(ids).toEqual(['r-2', 'r-1']);
    expect(validateBuild('sweep', ids, [])).toEqual({});
    expect(Commands.CreateStrategy.request.safeParse({ name: 'sweep', ruleIds: ids }).success).toBe(true);
    expect(Commands.CreateStrategy.request.safeParse({ name: '   ', ruleIds: ids }).success).toBe(false);
  });
});

describe('strategies view: figures', () => {
  it('formats win rates and expectancy in R with a sign', () => {
    expect(formatPercent(0.276)).toBe('27.6 %');
    expect(formatPercent(0)).toBe('0.0 %');
    expect(formatR(0.4216)).toBe('+0.42R');
    expect(formatR(-0.6)).toBe('−0.60R');
    expect(formatR(0)).toBe('0.00R');
    expect(formatR(null)).toBe('–');
  });

  it('lists phases in the engine order, unknown last', () => {
    const rows = phaseRows({ unknown: figures(1, 0), liquidity: figures(3, 1), drive: figures(2, 2) });
    expect(rows.map((r) => r.phase)).toEqual(['drive', 'liquidity', 'unknown']);
    expect(rows[0]?.figures.winRate).toBe(1);
  });

  it('puts an approved rule version into every strategy using the rule', () => {
    const strategies: StrategyInfo[] = [
      { name: 'a', note: null, createdAt: 0, rules: [rule('r-1'), rule('r-2')] },
      { name: 'b', note: null, createdAt: 0, rules: [rule('r-2')] },
    ];
    const next = withRule(strategies, rule('r-2', 0.25, 2));
    expect(next.map((s) => s.rules.map((r) => [r.id, r.version, r.confidence]))).toEqual([
      [
        ['r-1', 1, 0.3],
        ['r-2', 2, 0.25],
      ],
      [['r-2', 2, 0.25]],
    ]);
    expect(strategies[0]?.rules[1]?.version).toBe(1);
  });
});
