import { describe, expect, it } from 'vitest';
import { compileStrategy, type KnowledgeRule } from '../../../src/engine/learning/strategy-compiler.ts';
import type { Rule } from '../../../src/shared/contract/knowledge.ts';
import { ValidationError } from '../../../src/shared/contract/errors.ts';

const citation = { sourceId: 'abcdef0123456789', page: 3, timestamp: null, quote: 'enter on a bullish engulfing' };

function rule(patch: Partial<Rule>, id = 'r-0000000001'): KnowledgeRule {
  return {
    id,
    version: 1,
    enabled: true,
    rule: {
      name: 'entry',
      kind: 'entry',
      timeframes: ['15m'],
      conditions: [{ type: 'pattern', pattern: 'engulfing', direction: 'bull', timeframe: null }],
      direction: null,
      stop: { type: 'swing', value: null, text: null },
      targets: [{ type: 'r-multiple', value: 2, text: null }],
      riskPercent: null,
      confidence: 0.6,
      citation,
      ...patch,
    },
  };
}

describe('the strategy compiler', () => {
  it('compiles entries, filters and exits, fills timeframes, infers sides, and takes sizing from risk rules', () => {
    const report = compileStrategy(
      [
        rule({}),
        rule(
          {
            name: 'only with the 4h trend',
            kind: 'filter',
            conditions: [{ type: 'structure', event: 'trend', direction: 'bull', timeframe: '4h' }],
          },
          'r-0000000002',
        ),
        rule({ name: 'risk', kind: 'risk', conditions: [], riskPercent: 1.5 }, 'r-0000000003'),
        rule({ name: 'risk 2', kind: 'risk', conditions: [], riskPercent: 3 }, 'r-0000000004'),
      ],
      { interval: '15m' },
    );
    expect(report.unsupported).toEqual([]);
    expect(report.spec.id).toBe('rules');
    expect(report.spec.sizing).toEqual({ kind: 'risk', percent: 1.5 });
    const params = report.spec.params as {
      timeframes: string[];
      rules: { side: string; conditions: { timeframe?: string }[] }[];
    };
    expect(params.timeframes).toEqual(['15m', '4h']);
    // The rule's own timeframe fills conditions that name none; a bullish pattern means long.
    expect(params.rules[0]?.conditions[0]?.timeframe).toBe('15m');
    expect(params.rules[0]?.side).toBe('long');
    expect(report.used.map((u) => u.id)).toEqual(['r-0000000001', 'r-0000000002', 'r-0000000003', 'r-0000000004']);
  });

  it('reports what it cannot run, with the reason, and never drops it silently', () => {
    const report = compileStrategy(
      [
        rule({}),
        rule(
          {
            name: 'words only',
            conditions: [
              { type: 'pattern', pattern: 'doji', direction: null, timeframe: null },
              { type: 'unsupported', text: 'when the news is good' },
            ],
          },
          'r-0000000002',
        ),
        rule({ name: 'scale out', kind: 'management', conditions: [] }, 'r-0000000003'),
        rule(
          { name: 'on 1m', conditions: [{ type: 'pattern', pattern: 'doji', direction: null, timeframe: '1m' }] },
          'r-0000000004',
        ),
        { ...rule({ name: 'off' }, 'r-0000000005'), enabled: false },
        rule(
          { name: 'stop in words', stop: { type: 'text', value: null, text: 'below the big candle' } },
          'r-0000000006',
        ),
      ],
      { interval: '15m' },
    );
    expect(report.unsupported.map((u) => [u.id, u.reason])).toEqual([
      ['r-0000000002', 'conditions the engine cannot evaluate: "when the news is good"'],
      [
        'r-0000000003',
        'trade management rules (scaling, trailing, break-even) are shown with trades but not automated',
      ],
      ['r-0000000004', 'needs 1m bars, which cannot be built from 15m bars'],
      ['r-0000000005', 'disabled'],
    ]);
    expect(report.notes).toContain(
      'stop in words: the stop "below the big candle" is in words; the swing stop is used instead',
    );
  });

  it('refuses a set with no entry it can run, saying why', () => {
    expect(() =>
      compileStrategy([rule({ conditions: [{ type: 'unsupported', text: 'feel the market' }] })], { interval: '1h' }),
    ).toThrow(ValidationError);
    expect(() => compileStrategy([rule({ kind: 'exit' })], { interval: '1h' })).toThrow(/no entry rule can be run/);
  });
});
