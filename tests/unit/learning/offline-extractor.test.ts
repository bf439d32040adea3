import { describe, expect, it } from 'vitest';
import { OFFLINE_MAX_CONFIDENCE, OfflineExtractor } from '../../../src/engine/learning/offline-extractor.ts';
import { RuleSchema, type Chunk, type Rule } from '../../../src/shared/contract/knowledge.ts';

const SOURCE = '0f1e2d3c4b5a6978';

function doc(text: string, pages = { from: 12, to: 12 }, index = 0): Chunk {
  return { sourceId: SOURCE, index, heading: null, text, pages, seconds: null };
}

function video(text: string, seconds = { from: 60, to: 180 }): Chunk {
  return { sourceId: SOURCE, index: 0, heading: null, text, pages: null, seconds };
}

async function rulesOf(chunk: Chunk): Promise<Rule[]> {
  const report = await new OfflineExtractor().extract([chunk]);
  expect(report.failures).toEqual([]);
  return [...report.rules];
}

/** Four paragraphs of how traders write, with rules, descriptions and an unmappable rule. */
const PLAYBOOK = `My trend playbook

The market moves from a drive into a range and then into a liquidity run. Price often sweeps the lows before it reverses, and most traders get stopped out there.

Only trade longs when the 4h trend is up (higher highs and higher lows). Wait for a sweep of the equal lows on the 15m, then enter on a bullish engulfing candle. Put the stop below the swing low and target 2R. Risk 2% of the account per trade.

Never trade during the first hour of the London session.`;

describe('OfflineExtractor on trader prose', () => {
  it('maps the rules of a playbook exactly, citing each sentence verbatim', async () => {
    const chunk = doc(PLAYBOOK);
    const report = await new OfflineExtractor().extract([chunk]);
    expect(report).toMatchObject({
      method: 'offline',
      model: 'offline',
      calls: 0,
      failures: [],
      usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: '0' },
    });
    const cite = (quote: string) => ({ sourceId: SOURCE, page: 12, timestamp: null, quote });
    expect(report.rules).toEqual([
      {
        name: 'Filter: longs only, 4h uptrend',
        kind: 'filter',
        timeframes: ['4h'],
        conditions: [{ type: 'structure', event: 'trend', direction: 'bull', timeframe: '4h' }],
        direction: 'long',
        stop: null,
        targets: [],
        riskPercent: null,
        confidence: 0.44,
        citation: cite('Only trade longs when the 4h trend is up (higher highs and higher lows).'),
      },
      {
        name: 'Entry: bullish engulfing after sweep of lows on 15m',
        kind: 'entry',
        timeframes: ['15m'],
        conditions: [
          { type: 'structure', event: 'sweep', direction: 'bull', timeframe: '15m' },
          { type: 'pattern', pattern: 'engulfing', direction: 'bull', timeframe: null },
        ],
        direction: 'long',
        stop: null,
        targets: [],
        riskPercent: null,
        confidence: 0.44,
        citation: cite('Wait for a sweep of the equal lows on the 15m, then enter on a bullish engulfing candle.'),
      },
      {
        name: 'Risk: stop below the swing low, target 2R',
        kind: 'risk',
        timeframes: [],
        conditions: [],
        direction: null,
        stop: { type: 'swing', value: null, text: 'below the swing low' },
        targets: [{ type: 'r-multiple', value: 2, text: null }],
        riskPercent: null,
        confidence: 0.36,
        citation: cite('Put the stop below the swing low and target 2R.'),
      },
      {
        name: 'Risk: 2% per trade',
        kind: 'risk',
        timeframes: [],
        conditions: [],
        direction: null,
        stop: null,
        targets: [],
        riskPercent: 2,
        confidence: 0.28,
        citation: cite('Risk 2% of the account per trade.'),
      },
      {
        // A rule in words that maps onto nothing: kept, as one unsupported condition.
        name: 'Filter: Never trade during the first hour of the London session.',
        kind: 'filter',
        timeframes: [],
        conditions: [{ type: 'unsupported', text: 'Never trade during the first hour of the London session.' }],
        direction: null,
        stop: null,
        targets: [],
        riskPercent: null,
        confidence: 0.15,
        citation: cite('Never trade during the first hour of the London session.'),
      },
    ]);
  });

  it('descriptions and headings yield no rule, even in the vocabulary', async () => {
    const rules = await rulesOf(
      doc(
        'My trend playbook\n\nPrice often sweeps the lows before it reverses. A doji is indecision. Sell stops sit below equal lows.',
      ),
    );
    expect(rules).toEqual([]);
  });

  it('is deterministic: the same chunks give the same report', async () => {
    const chunks = [doc(PLAYBOOK, { from: 1, to: 1 }, 0), doc(PLAYBOOK, { from: 2, to: 2 }, 1)];
    const first = await new OfflineExtractor().extract(chunks);
    const second = await new OfflineExtractor().extract(chunks);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first.rules).toHaveLength(10);
  });

  it('quotes are verbatim spans of the chunk, wrapped lines and all; every rule passes RuleSchema', async () => {
    const text =
      'Enter short on a bearish pin bar at the\nrange high when the 1h RSI is above 70.\n\n- Exit when price crosses below the 20 EMA.\n- Move your stop to breakeven once price reaches 1R.';
    const rules = await rulesOf(doc(text));
    expect(rules.map((r) => r.citation.quote)).toEqual([
      'Enter short on a bearish pin bar at the\nrange high when the 1h RSI is above 70.',
      'Exit when price crosses below the 20 EMA.',
      'Move your stop to breakeven once price reaches 1R.',
    ]);
    for (const rule of rules) {
      expect(text).toContain(rule.citation.quote);
      expect(RuleSchema.parse(rule)).toEqual(rule);
      expect(rule.confidence).toBeLessThanOrEqual(OFFLINE_MAX_CONFIDENCE);
    }
    expect(rules[0]).toMatchObject({
      kind: 'entry',
      direction: 'short',
      timeframes: ['1h'],
      conditions: [
        { type: 'pattern', pattern: 'pin-bar', direction: 'bear', timeframe: '1h' },
        { type: 'indicator', indicator: 'rsi', period: 14, op: 'above', value: 70, timeframe: '1h' },
      ],
    });
    expect(rules[1]).toMatchObject({
      kind: 'exit',
      conditions: [{ type: 'indicator', indicator: 'ema', period: 20, op: 'crosses-below', value: 'price' }],
    });
    expect(rules[2]).toMatchObject({
      kind: 'management',
      stop: { type: 'text', value: null, text: 'Move your stop to breakeven' },
    });
  });

  it('negated rules keep their conditions in words: the vocabulary has no "not"', async () => {
    const [rule] = await rulesOf(doc('Do not enter when the weekly trend is down.'));
    expect(rule).toMatchObject({
      kind: 'filter',
      timeframes: ['1w'],
      conditions: [{ type: 'unsupported', text: 'Do not enter when the weekly trend is down.' }],
    });
  });

  it('cites the page a sentence is on when pages are separated by form feeds', async () => {
    const rules = await rulesOf(doc('Risk 1% per trade.\fOnly trade shorts below the 200 SMA.', { from: 7, to: 8 }));
    expect(rules.map((r) => [r.citation.page, r.citation.timestamp])).toEqual([
      [7, null],
      [8, null],
    ]);
    expect(rules[1]).toMatchObject({
      direction: 'short',
      conditions: [{ type: 'indicator', indicator: 'sma', period: 200, op: 'below', value: 'price', timeframe: null }],
    });
  });

  it('cites a video moment: the last [mm:ss] marker before the sentence within the chunk, else its start', async () => {
    const rules = await rulesOf(
      video('Buy the first hammer after a CHoCH. [02:05] Target the buy-side liquidity. [09:00] Risk 0.5% per trade.'),
    );
    expect(rules.map((r) => [r.citation.page, r.citation.timestamp, r.citation.quote])).toEqual([
      [null, 60, 'Buy the first hammer after a CHoCH.'],
      [null, 125, 'Target the buy-side liquidity.'],
      [null, 60, 'Risk 0.5% per trade.'],
    ]);
    // In the order the sentence names them.
    expect(rules[0]?.conditions).toEqual([
      { type: 'pattern', pattern: 'hammer', direction: 'bull', timeframe: null },
      { type: 'structure', event: 'choch', direction: null, timeframe: null },
    ]);
    expect(rules[1]?.targets).toEqual([{ type: 'liquidity', value: null, text: null }]);
  });

  it('never crashes on a rule the schema refuses: it is a failure that keeps the draft', async () => {
    const many =
      'Enter on an engulfing, a pin bar, a hammer, a shooting star, a doji, an inside bar, an outside bar, an LE candle, a small wick, a steeper wick, a celery play, a BOS, a CHoCH, a sweep of the lows, equal highs, once a range forms, in an uptrend, in a drive phase, during consolidation, in the liquidity phase, an onion, a fakeout or a breakout.';
    const report = await new OfflineExtractor().extract([doc(many)]);
    expect(report.rules).toEqual([]);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]?.message).toMatch(/^offline rule from "Enter on an engulfing.*" is invalid: conditions/);
    expect(JSON.parse(report.failures[0]?.raw ?? '{}').conditions.length).toBeGreaterThan(20);
  });

  it('reports progress per chunk and, once canceled, the chunks it did not read', async () => {
    const controller = new AbortController();
    const progress: Array<[number, number]> = [];
    const report = await new OfflineExtractor().extract([doc(PLAYBOOK, undefined, 0), doc(PLAYBOOK, undefined, 1)], {
      signal: controller.signal,
      onProgress: (done, total) => {
        progress.push([done, total]);
        controller.abort();
      },
    });
    expect(progress).toEqual([
      [1, 2],
      [2, 2],
    ]);
    expect(report.rules).toHaveLength(5);
    expect(report.failures).toEqual([{ chunkIndex: 1, message: 'canceled', raw: null }]);
  });
});

describe('OfflineExtractor vocabulary', () => {
  const cases: Array<[string, Partial<Rule>]> = [
    [
      'Short when the daily is in a downtrend (lower highs and lower lows) and price is below the 200 EMA.',
      {
        kind: 'entry',
        direction: 'short',
        timeframes: ['1d'],
        conditions: [
          { type: 'structure', event: 'trend', direction: 'bear', timeframe: '1d' },
          { type: 'indicator', indicator: 'ema', period: 200, op: 'below', value: 'price', timeframe: '1d' },
        ],
      },
    ],
    [
      'Look for a bullish BOS on the M15 after the range forms, then go long on an inside bar.',
      {
        kind: 'entry',
        direction: 'long',
        timeframes: ['15m'],
        conditions: [
          { type: 'structure', event: 'bos', direction: 'bull', timeframe: '15m' },
          { type: 'structure', event: 'range-formed', direction: null, timeframe: '15m' },
          { type: 'pattern', pattern: 'inside-bar', direction: null, timeframe: null },
        ],
      },
    ],
    [
      'Enter long when RSI(14) crosses above 30 on the 4-hour chart.',
      {
        kind: 'entry',
        direction: 'long',
        timeframes: ['4h'],
        conditions: [
          { type: 'indicator', indicator: 'rsi', period: 14, op: 'crosses-above', value: 30, timeframe: '4h' },
        ],
      },
    ],
    [
      'Only take the fakeout setup with a score above 70% on the 15 minute chart.',
      { kind: 'filter', timeframes: ['15m'], conditions: [{ type: 'confluence', setup: 'fakeout', minScore: 0.7 }] },
    ],
    [
      'Stop loss goes 1.5x ATR below entry.',
      { kind: 'risk', stop: { type: 'atr', value: 1.5, text: null }, conditions: [] },
    ],
    [
      'Take profit at 3:1, or target the equal highs.',
      {
        kind: 'exit',
        targets: [
          { type: 'r-multiple', value: 3, text: null },
          { type: 'liquidity', value: null, text: null },
        ],
        conditions: [],
      },
    ],
    [
      'Enter on a shooting star after a liquidity grab above the highs; stop 1% above entry, take profit at 1R, 2R and 3R.',
      {
        kind: 'entry',
        direction: 'short',
        conditions: [
          { type: 'pattern', pattern: 'shooting-star', direction: 'bear', timeframe: null },
          { type: 'structure', event: 'sweep', direction: 'bear', timeframe: null },
        ],
        stop: { type: 'percent', value: 1, text: null },
        targets: [
          { type: 'r-multiple', value: 1, text: null },
          { type: 'r-multiple', value: 2, text: null },
          { type: 'r-multiple', value: 3, text: null },
        ],
      },
    ],
    [
      'Only trade the weekly and H4 trend entry when the range breaks to the upside.',
      {
        kind: 'entry',
        timeframes: ['4h', '1w'],
        conditions: [
          { type: 'confluence', setup: 'trend-entry', minScore: null },
          { type: 'structure', event: 'range-broken', direction: 'bull', timeframe: '4h' },
        ],
      },
    ],
    [
      'Wait for the impulse on the 1M chart, then buy the pullback into the 5 min consolidation.',
      {
        kind: 'entry',
        direction: 'long',
        timeframes: ['5m', '1M'],
        conditions: [
          { type: 'cycle', phase: 'drive', timeframe: '1M' },
          { type: 'cycle', phase: 'range', timeframe: '5m' },
        ],
      },
    ],
    [
      'Risk no more than 1.5% of your equity on any single trade.',
      { kind: 'risk', riskPercent: 1.5, conditions: [], direction: null },
    ],
  ];

  it.each(cases)('%s', async (sentence, expected) => {
    const rules = await rulesOf(doc(sentence));
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ ...expected, citation: { quote: sentence } });
  });

  it('durations are not timeframes; an interval Hyperliquid does not serve is ignored', async () => {
    const [rule] = await rulesOf(doc('Wait for a sweep of the lows and give it 15 minutes, never a 10 minute chart.'));
    expect(rule?.timeframes).toEqual([]);
  });
});
