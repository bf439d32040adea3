import { describe, expect, it } from 'vitest';
import { ClaudeNarrator } from '../../../src/adapters/learning/claude/claude-narrator.ts';
import type { TradeExplanation } from '../../../src/engine/learning/trade-reasoner.ts';
import { TransportError } from '../../../src/shared/contract/errors.ts';
import { startMockAnthropic } from '../../helpers/mock-anthropic.ts';

const KEY = 'sk-ant-narrator-0123456789abcdef';
const trade: TradeExplanation = {
  trade: {
    side: 'long',
    entryTime: 1,
    exitTime: 2,
    entryPrice: '100',
    exitPrice: '110',
    qty: '1',
    pnl: '9.9',
    rMultiple: 1.98,
    exitReason: 'take-profit',
  },
  entryRules: [
    {
      id: 'r-0000000001',
      version: 1,
      name: 'engulfing after a sweep',
      kind: 'entry',
      citation: { sourceId: 'abcdef0123456789', page: 4, timestamp: null, quote: 'Enter on a bullish engulfing.' },
      conditions: [{ text: 'bullish engulfing on 15m', evidence: 'bullish engulfing on 15m', value: null }],
    },
  ],
  exitRules: [],
  phase: 'drive',
  risk: {
    signalPrice: 100,
    stop: 95,
    takeProfit: 110,
    plannedR: 2,
    placement: 'stop beyond the last swing low, target 2R',
  },
};

describe('the optional Claude narrative of a trade', () => {
  it('words the structured explanation it is given', async () => {
    const mock = await startMockAnthropic({
      apiKey: KEY,
      reply: () => ({ kind: 'text', text: 'You bought the bullish engulfing after the sweep (page 4) and took 2R.' }),
    });
    try {
      const text = await new ClaudeNarrator({ apiKey: KEY, baseURL: mock.url }).narrate(trade);
      expect(text).toBe('You bought the bullish engulfing after the sweep (page 4) and took 2R.');
      // The facts sent are the explanation's, rules and citations included.
      expect(mock.requests[0]?.document).toContain('"quote":"Enter on a bullish engulfing."');
    } finally {
      await mock.close();
    }
  });

  it('fails with a clear error that never shows the key', async () => {
    const mock = await startMockAnthropic({
      apiKey: 'another-key-entirely',
      reply: () => ({ kind: 'text', text: 'x' }),
    });
    try {
      const error = await new ClaudeNarrator({ apiKey: KEY, baseURL: mock.url })
        .narrate(trade)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransportError);
      expect((error as Error).message).toMatch(/the trade narrative failed \(401\)/);
      expect((error as Error).message).not.toContain(KEY);
    } finally {
      await mock.close();
    }
  });
});
