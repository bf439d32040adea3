import { join } from 'node:path';
import { ATR, EMA, RSI, SMA, VWAP } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { CandleFileReader } from '../../../src/adapters/files/candle-file-reader.ts';
import { Atr } from '../../../src/engine/detect/indicators/atr.ts';
import { Ema } from '../../../src/engine/detect/indicators/ema.ts';
import { Rsi } from '../../../src/engine/detect/indicators/rsi.ts';
import { Sma } from '../../../src/engine/detect/indicators/sma.ts';
import { Vwap } from '../../../src/engine/detect/indicators/vwap.ts';
import { SAMPLES_DIR } from '../../helpers/paths.ts';

const bars = await new CandleFileReader(join(SAMPLES_DIR, 'BTC-SYNTH_1h_synthetic.csv'), { interval: '1h' }).readAll();

/** Our value against trading-signals' (null while it is not stable) for every bar. */
function compare(ours: (i: number) => number, theirs: (i: number) => number | null) {
  let compared = 0;
  for (let i = 0; i < bars.length; i++) {
    const a = ours(i);
    const b = theirs(i);
    if (b === null) {
      expect(Number.isNaN(a), `bar ${i}: ours has a value before the reference`).toBe(true);
      continue;
    }
    expect(a, `bar ${i}`).toBeCloseTo(b, 6);
    compared++;
  }
  expect(compared).toBeGreaterThan(bars.length - 50);
}

describe('indicators agree with trading-signals on 2,000 bars', () => {
  it.each([5, 20, 50])('SMA(%i)', (period) => {
    const ours = new Sma(period);
    const ref = new SMA(period);
    compare(
      (i) => ours.update(bars.close[i]!),
      (i) => ref.update(bars.close[i]!, false) ?? null,
    );
  });

  it.each([10, 20])('EMA(%i)', (period) => {
    const ours = new Ema(period);
    const ref = new EMA(period);
    compare(
      (i) => ours.update(bars.close[i]!),
      (i) => {
        ref.update(bars.close[i]!, false);
        return ref.isStable ? ref.getResultOrThrow() : null;
      },
    );
  });

  it.each([14, 7])('RSI(%i) with Wilder smoothing', (period) => {
    const ours = new Rsi(period);
    const ref = new RSI(period);
    compare(
      (i) => ours.update(bars.close[i]!),
      (i) => ref.update(bars.close[i]!, false) ?? null,
    );
  });

  it.each([14, 5])('ATR(%i) with Wilder smoothing', (period) => {
    const ours = new Atr(period);
    const ref = new ATR(period);
    compare(
      (i) => ours.update(bars.high[i]!, bars.low[i]!, bars.close[i]!),
      (i) => ref.update({ high: bars.high[i]!, low: bars.low[i]!, close: bars.close[i]! }, false) ?? null,
    );
  });

  it('VWAP from the first bar', () => {
    const ours = new Vwap();
    const ref = new VWAP();
    compare(
      (i) => ours.update(bars.high[i]!, bars.low[i]!, bars.close[i]!, bars.volume[i]!),
      (i) =>
        ref.update({ high: bars.high[i]!, low: bars.low[i]!, close: bars.close[i]!, volume: bars.volume[i]! }, false) ??
        null,
    );
    ours.reset();
    expect(Number.isNaN(ours.value)).toBe(true);
  });
});
