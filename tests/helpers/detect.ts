import { DetectionEngine, type DetectionEngineOptions } from '../../src/engine/detect/detection-engine.ts';
import type { DetectionEvent } from '../../src/engine/detect/detection-events.ts';
import type { CandleColumns } from '../../src/engine/data/candle-columns.ts';

export const H = 3_600_000;
export const T0 = Date.UTC(2024, 0, 1);

/** A bar for fixtures: [open, high, low, close], hourly from T0. */
export type Ohlc = readonly [number, number, number, number];

/** Runs the engine over hourly fixture bars and returns every event. */
export function detect(bars: readonly Ohlc[], options: Partial<DetectionEngineOptions> = {}): DetectionEvent[] {
  const events: DetectionEvent[] = [];
  const engine = new DetectionEngine({ base: '1h', ...options, onEvent: (e) => events.push(e) });
  bars.forEach(([o, h, l, c], i) => engine.push(T0 + i * H, o, h, l, c, 1));
  return events;
}

/** Runs the engine over columns and returns every event. */
export function detectColumns(
  columns: CandleColumns,
  options: Omit<DetectionEngineOptions, 'onEvent'>,
  count = columns.length,
): DetectionEvent[] {
  const events: DetectionEvent[] = [];
  const engine = new DetectionEngine({ ...options, onEvent: (e) => events.push(e) });
  const { time, open, high, low, close, volume } = columns;
  for (let i = 0; i < count; i++) engine.push(time[i]!, open[i]!, high[i]!, low[i]!, close[i]!, volume[i]!);
  return events;
}

/** `n` quiet bars around `price` (range 1, doji-free), to warm up the ATR before a fixture. */
export function quiet(n: number, price = 100): Ohlc[] {
  return Array.from(
    { length: n },
    (_, i) =>
      (i % 2 === 0
        ? [price, price + 0.5, price - 0.5, price + 0.3]
        : [price + 0.3, price + 0.6, price - 0.4, price]) as Ohlc,
  );
}

/** The time of fixture bar `i`. */
export const at = (i: number) => T0 + i * H;
