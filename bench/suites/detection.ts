/**
 * Detection target: the full stack (patterns + structure + cycle + confluence) on two
 * timeframes at ≥ 1,000,000 base bars per second on one core, over BTC-PERP_1m_ftx.csv
 * repeated to 1M bars (a synthetic walk when the shared data is absent), with the figure per
 * detector family; and the incremental indicators against trading-signals.
 */
import { ATR, EMA, RSI } from 'trading-signals';
import type { CandleColumns } from '../../src/engine/data/candle-columns.ts';
import { minuteBars } from '../bars.ts';
import { DetectionEngine } from '../../src/engine/detect/detection-engine.ts';
import type { DetectorFamily } from '../../src/engine/detect/detection-events.ts';
import { Atr } from '../../src/engine/detect/indicators/atr.ts';
import { Ema } from '../../src/engine/detect/indicators/ema.ts';
import { Rsi } from '../../src/engine/detect/indicators/rsi.ts';
import { measure, type BenchRow } from '../stats.ts';

const BARS = 1_000_000;

async function millionBars(): Promise<{ bars: CandleColumns; origin: string }> {
  return minuteBars(BARS);
}

function run(bars: CandleColumns, only?: DetectorFamily[]): number {
  let events = 0;
  const engine = new DetectionEngine({ base: '1m', timeframes: ['1m', '15m'], only, onEvent: () => events++ });
  const { time, open, high, low, close, volume } = bars;
  for (let i = 0; i < bars.length; i++) engine.push(time[i]!, open[i]!, high[i]!, low[i]!, close[i]!, volume[i]!);
  return events;
}

const perSecond = (ms: number) => `${(((BARS / ms) * 1000) / 1e6).toFixed(2)}M bars/s`;

/** Runs the detection suite. */
export async function detectionSuite(): Promise<BenchRow[]> {
  const suite = 'detection';
  const { bars, origin } = await millionBars();
  const rows: BenchRow[] = [];
  // Reference: one pass over the same bars updating only the ATR every detector relies on.
  const atrOnly = await measure(
    () => {
      const atr = new Atr(14);
      for (let i = 0; i < bars.length; i++) atr.update(bars.high[i]!, bars.low[i]!, bars.close[i]!);
    },
    5,
    1,
  );
  let events = 0;
  const full = await measure(
    () => {
      events = run(bars);
    },
    3,
    1,
  );
  rows.push({
    suite,
    name: `full stack on 1m + 15m, 1,000,000 bars (${origin})`,
    subject: full,
    referenceName: 'a pass computing the ATR alone',
    reference: atrOnly,
    targetMs: 1000,
    notes: `${perSecond(full.median)}, ${events.toLocaleString()} events`,
  });
  for (const family of ['patterns', 'structure', 'cycle', 'confluence'] as DetectorFamily[]) {
    const timing = await measure(() => run(bars, [family]), 3, 1);
    rows.push({
      suite,
      name: `  ${family} (with what it depends on)`,
      subject: timing,
      referenceName: 'ATR alone',
      reference: atrOnly,
      notes: perSecond(timing.median),
    });
  }

  // Indicators: ours (no allocation per update) against trading-signals on 1M closes.
  const n = bars.length;
  const pairs: [string, () => void, () => void][] = [
    [
      'EMA(20)',
      () => {
        const e = new Ema(20);
        for (let i = 0; i < n; i++) e.update(bars.close[i]!);
      },
      () => {
        const e = new EMA(20);
        for (let i = 0; i < n; i++) e.update(bars.close[i]!, false);
      },
    ],
    [
      'RSI(14)',
      () => {
        const r = new Rsi(14);
        for (let i = 0; i < n; i++) r.update(bars.close[i]!);
      },
      () => {
        const r = new RSI(14);
        for (let i = 0; i < n; i++) r.update(bars.close[i]!, false);
      },
    ],
    [
      'ATR(14)',
      () => {
        const a = new Atr(14);
        for (let i = 0; i < n; i++) a.update(bars.high[i]!, bars.low[i]!, bars.close[i]!);
      },
      () => {
        const a = new ATR(14);
        for (let i = 0; i < n; i++) a.update({ high: bars.high[i]!, low: bars.low[i]!, close: bars.close[i]! }, false);
      },
    ],
  ];
  for (const [name, ours, theirs] of pairs) {
    rows.push({
      suite,
      name: `indicator ${name} over 1,000,000 bars`,
      subject: await measure(ours, 5, 1),
      referenceName: 'trading-signals',
      reference: await measure(theirs, 3, 1),
    });
  }
  return rows;
}
