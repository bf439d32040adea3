import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../src/engine/execution/execution-client.ts';
import { tradesFromJournal } from '../../../src/engine/learning/journal-trades.ts';
import type { CompiledRule, SignalExplanation } from '../../../src/engine/strategy/rules-strategy.ts';

const rule: CompiledRule = {
  id: 'r-0000000001',
  version: 1,
  name: 'engulfing after a sweep',
  kind: 'entry',
  side: 'long',
  conditions: [{ type: 'pattern', pattern: 'engulfing', direction: 'bull', timeframe: '15m' }],
  stop: null,
  targets: [],
  confidence: 0.5,
  citation: { sourceId: 'abcdef0123456789', page: 4, timestamp: null, quote: 'Enter on a bullish engulfing.' },
};

function explanation(seq: number, time: number, action: 'enter' | 'exit', stop: number | null): JournalEntry {
  const e: SignalExplanation = {
    seq,
    time,
    action,
    side: 'long',
    matches: [{ rule, checks: [] }],
    close: 100,
    stop,
    takeProfit: stop === null ? null : 110,
    placement: 'stop beyond the last swing low, target 2R',
    phase: 'drive',
  };
  return { at: time, event: 'explanation', payload: { ...e } };
}

function fill(
  time: number,
  side: 'buy' | 'sell',
  qty: string,
  price: string,
  closedPnl: string,
  fee = '0.1',
): JournalEntry {
  return { at: time, event: 'fill', payload: { tid: time, time, coin: 'BTC', side, qty, price, closedPnl, fee } };
}

describe('paper and live trades from the journal', () => {
  it('ties each round trip to the decisions that opened and closed it, with exact results and R', () => {
    const trades = tradesFromJournal(
      [
        explanation(1, 1, 'enter', 95),
        fill(2, 'buy', '1', '100', '0'),
        fill(3, 'buy', '1', '102', '0'),
        explanation(2, 4, 'exit', null),
        fill(5, 'sell', '2', '110', '18'),
        // A manual trade: no explanation before it.
        fill(6, 'sell', '1', '110', '0'),
        fill(7, 'buy', '1', '105', '5'),
      ],
      'BTC',
    );
    expect(trades).toHaveLength(2);
    const [ruled, manual] = trades;
    expect(ruled?.trade).toMatchObject({
      side: 'long',
      entryPrice: '101',
      exitPrice: '110',
      qty: '2',
      pnl: '17.7',
      exitReason: 'signal',
    });
    // Risk: 2 × |101 − 95| = 12 → 17.7 / 12.
    expect(ruled?.trade.rMultiple).toBeCloseTo(1.475, 12);
    expect(ruled?.entryRules.map((r) => [r.id, r.citation.page])).toEqual([['r-0000000001', 4]]);
    expect(ruled?.exitRules).toHaveLength(1);
    expect(ruled?.phase).toBe('drive');
    expect(manual).toMatchObject({
      entryRules: [],
      trade: { side: 'short', pnl: '4.8', exitReason: 'order', rMultiple: null },
    });
  });

  it('a fill through zero closes one trade and opens the next', () => {
    const trades = tradesFromJournal(
      [
        fill(1, 'buy', '1', '100', '0', '0'),
        fill(2, 'sell', '3', '90', '-10', '0.3'),
        fill(3, 'buy', '2', '80', '20', '0'),
      ],
      'BTC',
    );
    // The 0.3 fee of the flipping fill is shared: a third to the long, two thirds to the short.
    expect(trades.map((t) => [t.trade.side, t.trade.qty, t.trade.pnl])).toEqual([
      ['long', '1', '-10.1'],
      ['short', '2', '19.8'],
    ]);
  });
});
