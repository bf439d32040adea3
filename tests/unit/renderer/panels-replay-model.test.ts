import { describe, expect, it } from 'vitest';
import {
  applyCandle,
  applyEquity,
  applyFill,
  applySeek,
  closedTrades,
  createReplayModel,
  nextSpeed,
} from '../../../src/renderer/src/panels/replay-model.ts';

const fill = (at: number, side: 'buy' | 'sell', qty: string, position: string, realizedPnl = '0', price = '100') => ({
  at,
  side,
  qty,
  position,
  realizedPnl,
  price,
  fee: '0.1',
});

describe('panels: replay model', () => {
  it('builds trades from fills: open, flip, close', () => {
    const m = createReplayModel();
    applyFill(m, fill(1, 'buy', '2', '2'));
    expect(m.trades).toHaveLength(1);
    expect(m.trades[0]).toMatchObject({ side: 'long', entryTime: 1, exitTime: null });
    // Flip: one fill closes the long and opens a short.
    applyFill(m, fill(2, 'sell', '4', '-2', '10', '105'));
    expect(m.trades.map((t) => [t.side, t.entryTime, t.exitTime, t.pnl])).toEqual([
      ['long', 1, 2, 10],
      ['short', 2, null, null],
    ]);
    applyFill(m, fill(3, 'buy', '2', '0', '-4'));
    expect(closedTrades(m).map((t) => t.pnl)).toEqual([10, -4]);
    expect(m.realizedPnl).toBe(6);
    expect(m.fees).toBeCloseTo(0.3);
    expect(m.position).toBe(0);
  });

  it('recovers after a seek skipped fills', () => {
    const m = createReplayModel();
    applyFill(m, fill(1, 'buy', '1', '1'));
    applyFill(m, fill(2, 'sell', '1', '0', '5'));
    applyFill(m, fill(3, 'buy', '1', '1'));
    applySeek(m, 2);
    expect(m.trades).toHaveLength(1);
    expect(m.realizedPnl).toBe(5);
    // The next fill closes a position opened in the skipped bars: no trade is invented.
    applyFill(m, fill(10, 'sell', '1', '0', '3'));
    expect(m.trades).toHaveLength(1);
    applyEquity(m, '10008', '0');
    expect(m.equity).toBe(10008);
  });

  it('bumps tradesVersion only when the trades change, so bars alone redraw no markers', () => {
    const m = createReplayModel();
    applyCandle(m, 1);
    applyEquity(m, '10000', '0');
    expect([m.version, m.tradesVersion]).toEqual([2, 0]);
    applyFill(m, fill(2, 'buy', '1', '1'));
    expect(m.tradesVersion).toBe(1);
    applyCandle(m, 3);
    expect([m.version, m.tradesVersion]).toEqual([4, 1]);
    applySeek(m, 1);
    expect(m.tradesVersion).toBe(2);
  });

  it('steps through the speed presets', () => {
    expect(nextSpeed(1, 1)).toBe(2);
    expect(nextSpeed(1000, 1)).toBe(3600);
    expect(nextSpeed(1, -1)).toBe(1);
    expect(nextSpeed(50, -1)).toBe(30);
    expect(nextSpeed(360_000, 1)).toBe(360_000);
  });
});
