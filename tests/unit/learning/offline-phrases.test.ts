import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../../src/engine/learning/offline/sentences.ts';
import { findTimeframes } from '../../../src/engine/learning/offline/timeframe-phrases.ts';

describe('splitSentences', () => {
  it('keeps exact spans across decimals, abbreviations, wrapped lines, lists and page breaks', () => {
    const text =
      'Target 1.5R, e.g. at the range high. Then stop.\nThis line\nwraps.\n\n- First item\n2) Second item.\fNext page!';
    const sentences = splitSentences(text);
    expect(sentences.map((s) => s.text)).toEqual([
      'Target 1.5R, e.g. at the range high.',
      'Then stop.',
      'This line\nwraps.',
      'First item',
      'Second item.',
      'Next page!',
    ]);
    for (const s of sentences) expect(text.slice(s.start, s.end)).toBe(s.text);
  });

  it('drops a leading video timestamp and closing brackets stay with their sentence', () => {
    expect(splitSentences('[01:02] Wait (for the close). Then enter.').map((s) => s.text)).toEqual([
      'Wait (for the close).',
      'Then enter.',
    ]);
  });
});

describe('findTimeframes', () => {
  const names = (text: string) => findTimeframes(text).map((m) => m.timeframe);

  it.each([
    ['the 4h and the 15m', ['4h', '15m']],
    ['the 4H, 1H and 30min charts', ['4h', '1h', '30m']],
    ['the 15 minute chart and the 4-hour trend', ['15m', '4h']],
    ['daily, weekly and monthly levels', ['1d', '1w', '1M']],
    ['H4 bias, M15 entry, D1 and W1 levels', ['4h', '15m', '1d', '1w']],
    ['the 1M candle and the 1m candle', ['1M', '1m']],
    ['the 15 minutes chart', ['15m']],
  ])('%s', (text, expected) => {
    expect(names(text)).toEqual(expected);
  });

  it('durations and intervals the venue does not serve are not timeframes', () => {
    expect(names('wait 15 minutes, hold for 4 hours, the 10 minute chart, the 2 day chart')).toEqual([]);
  });
});
