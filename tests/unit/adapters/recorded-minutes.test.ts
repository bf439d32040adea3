import { describe, expect, it } from 'vitest';
import { CandleColumnsBuilder } from '../../../src/engine/data/candle-columns.ts';
import { RecordedMinutes } from '../../../src/adapters/hl-sim/recorded-minutes.ts';

function recording() {
  const b = new CandleColumnsBuilder();
  b.push(0, 100, 101, 99, 100.5, 3);
  b.push(60_000, 100.5, 102, 100, 101, 4);
  b.push(120_000, 101, 103, 100.8, 102, 5);
  return b.view();
}

describe('a recorded market for hl-sim', () => {
  it('replays the bars on the simulated clock, then starts over at the price it reached', () => {
    const minutes = new RecordedMinutes(recording());
    const start = Date.UTC(2026, 10, 25);
    const first = minutes.next(start, 3);
    expect([...first.time]).toEqual([start, start + 60_000, start + 120_000]);
    expect([...first.close]).toEqual([100.5, 101, 102]);
    const looped = minutes.next(start + 180_000, 2);
    // The recording rose 100 → 102: the second pass is scaled by 1.02, so the market carries on.
    expect(looped.open[0]).toBe(102);
    expect(looped.close[0]).toBe(102.51);
    expect(looped.volume[1]).toBe(4);
  });

  it('refuses an empty recording', () => {
    expect(() => new RecordedMinutes(new CandleColumnsBuilder().view())).toThrow(/at least one bar/);
  });
});
