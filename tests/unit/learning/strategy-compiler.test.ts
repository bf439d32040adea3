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
      'stop in words: the stop "below the big candle" is in words; the stop goes beyond the last swing',
    );
  });

  it('applies stops, targets and risk stated in sentences of their own to entries that state none', () => {
    const report = compileStrategy(
      [
        rule({ stop: null, targets: [], riskPercent: 3 }),
        rule(
          {
            name: 'stop rule',
            kind: 'risk',
            conditions: [],
            stop: { type: 'atr', value: 1.5, text: null },
            targets: [],
          },
          'r-0000000002',
        ),
        rule(
          {
            name: 'target rule',
            kind: 'exit',
            conditions: [],
            stop: null,
            targets: [{ type: 'r-multiple', value: 3, text: null }],
          },
          'r-0000000003',
        ),
        rule(
          { name: 'risk rule', kind: 'risk', conditions: [], stop: null, targets: [], riskPercent: 1 },
          'r-0000000004',
        ),
        rule(
          {
            name: 'zero target',
            kind: 'exit',
            conditions: [],
            stop: null,
            targets: [{ type: 'r-multiple', value: 0, text: null }],
          },
          'r-0000000005',
        ),
      ],
      { interval: '15m' },
    );
    const params = report.spec.params as { rules: { stop: unknown; targets: unknown[] }[] };
    expect(params.rules).toHaveLength(1);
    expect(params.rules[0]?.stop).toEqual({ type: 'atr', value: 1.5, text: null });
    expect(params.rules[0]?.targets).toEqual([{ type: 'r-multiple', value: 3, text: null }]);
    // The smallest risk stated anywhere, the entry's own 3 % included.
    expect(report.spec.sizing).toEqual({ kind: 'risk', percent: 1 });
    expect(report.unsupported.map((u) => u.id)).toEqual(['r-0000000005']);
    expect(report.notes).toContain('entry: no stop stated; the general stop rule applies');
  });

  it('reads exits against the position their signal opposes, and filters on both sides', () => {
    const report = compileStrategy(
      [
        rule({}),
        rule(
          {
            name: 'exit',
            kind: 'exit',
            conditions: [{ type: 'structure', event: 'choch', direction: 'bear', timeframe: null }],
          },
          'r-0000000002',
        ),
        rule(
          {
            name: 'filter',
            kind: 'filter',
            conditions: [{ type: 'structure', event: 'trend', direction: 'bull', timeframe: '4h' }],
          },
          'r-0000000003',
        ),
      ],
      { interval: '15m' },
    );
    const params = report.spec.params as { rules: { name: string; side: string }[] };
    expect(params.rules.map((r) => [r.name, r.side])).toEqual([
      ['entry', 'long'],
      ['exit', 'long'],
      ['filter', 'both'],
    ]);
  });

  it('refuses a set with no entry it can run, saying why', () => {
    expect(() =>
      compileStrategy([rule({ conditions: [{ type: 'unsupported', text: 'feel the market' }] })], { interval: '1h' }),
    ).toThrow(ValidationError);
    expect(() => compileStrategy([rule({ kind: 'exit' })], { interval: '1h' })).toThrow(/no entry rule can be run/);
  });
});
