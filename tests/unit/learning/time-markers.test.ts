import { describe, expect, it } from 'vitest';
import { checkCitations } from '../../../src/adapters/learning/claude/claude-citations.ts';
import { OfflineExtractor } from '../../../src/engine/learning/offline-extractor.ts';
import { timeMarker, withoutTimeMarkers, type Chunk, type Rule } from '../../../src/shared/contract/knowledge.ts';

const chunk: Chunk = {
  sourceId: 'abcdef0123456789',
  index: 0,
  heading: null,
  text: '[4:00] Welcome back. [7:30] Today is about patience. [9:00] Wait for a sweep of the lows, then enter on a bullish engulfing. [9:12] Risk 1% per trade.',
  pages: null,
  seconds: { from: 240, to: 560 },
};

describe('transcript time markers', () => {
  it('writes and strips markers', () => {
    expect(timeMarker(59.9)).toBe('[0:59]');
    expect(timeMarker(3725)).toBe('[1:02:05]');
    expect(withoutTimeMarkers('[0:01] a\nb [1:02:05] c')).toBe('a\nb c');
  });

  it('the offline extractor cites the second a rule is said, and quotes the words alone', async () => {
    const report = await new OfflineExtractor().extract([chunk]);
    const entry = report.rules.find((r) => r.kind === 'entry');
    expect(entry?.citation).toMatchObject({
      timestamp: 540,
      quote: 'Wait for a sweep of the lows, then enter on a bullish engulfing.',
    });
    expect(report.rules.find((r) => r.riskPercent === 1)?.citation.timestamp).toBe(552);
  });

  it('a Claude citation gets the second of the cue its quote starts in, whatever the model said', () => {
    const rule: Rule = {
      name: 'Risk 1 %',
      kind: 'risk',
      timeframes: [],
      conditions: [],
      direction: null,
      stop: null,
      targets: [],
      riskPercent: 1,
      confidence: 0.8,
      citation: {
        sourceId: 'x',
        page: null,
        timestamp: 300,
        quote: 'enter on a bullish engulfing. Risk 1% per trade.',
      },
    };
    const { kept, dropped } = checkCitations([rule], chunk);
    expect(dropped).toEqual([]);
    // The quote runs across the 9:00 and 9:12 cues: it starts in the 9:00 one.
    expect(kept[0]?.citation.timestamp).toBe(540);
  });
});
