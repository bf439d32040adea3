/** One measured load. */
export interface ChartPaint {
  readonly key: string;
  readonly candles: number;
  /** Data arrival → first frame painted with bars (the most recent ones of a long series), ms. */
  readonly ms: number;
  /** Data arrival → every bar in the chart and painted, ms; equal to `ms` for short series. */
  readonly completeMs: number | null;
}

/** What the renderer measured about drawing candles, read by the end-to-end tests. */
export interface ChartPerf {
  /** First paint of the last load, ms (see {@link ChartPaint.ms}). */
  readonly lastPaintMs: number | null;
  readonly lastPaintCandles: number;
  /** All bars of the last load painted, ms, or null while a long series is still going in. */
  readonly lastCompleteMs: number | null;
  /** Every load measured so far, oldest first. */
  readonly paints: readonly ChartPaint[];
}

declare global {
  interface Window {
    /** Paint timings of the chart, for tests and for a look in the devtools. */
    __hyperdeskPerf?: ChartPerf;
  }
}

const ARRIVED = 'hyperdesk:candles-arrived:';
const PAINTED = 'hyperdesk:chart-painted:';
const COMPLETE = 'hyperdesk:chart-complete:';
const MEASURE = 'hyperdesk:first-paint:';
const MEASURE_COMPLETE = 'hyperdesk:complete-paint:';
const pending = new Set<string>();
const completing = new Set<string>();

/** Call when candles for `key` arrive from the engine: the start of the paint measurement. */
export function markCandlesArrived(key: string): void {
  pending.add(key);
  performance.mark(ARRIVED + key);
}

function record(paint: ChartPaint): void {
  const paints = (window.__hyperdeskPerf?.paints ?? []).filter((p) => p !== paint && p.key !== paint.key);
  window.__hyperdeskPerf = {
    lastPaintMs: paint.ms,
    lastPaintCandles: paint.candles,
    lastCompleteMs: paint.completeMs,
    paints: [...paints.slice(-49), paint],
  };
}

/**
 * Call after `setData` for `key`: waits for the next animation frame (the chart paints in
 * it, its own frame callback was queued by `setData`, before this one) and records the time
 * since the arrival mark. Only the first paint after an arrival is measured; redrawing
 * cached data is not a load. `partial` when more bars follow (then call
 * {@link measureChartComplete}).
 */
export function measureChartPaint(key: string, candles: number, partial = false): void {
  if (!pending.delete(key)) return;
  if (partial) completing.add(key);
  requestAnimationFrame(() => {
    performance.mark(PAINTED + key);
    const ms = performance.measure(MEASURE + key, ARRIVED + key, PAINTED + key).duration;
    record({ key, candles, ms, completeMs: partial ? null : ms });
  });
}

/** Call after the remaining bars of a progressively drawn load went in. */
export function measureChartComplete(key: string, candles: number): void {
  if (!completing.delete(key)) return;
  requestAnimationFrame(() => {
    performance.mark(COMPLETE + key);
    const completeMs = performance.measure(MEASURE_COMPLETE + key, ARRIVED + key, COMPLETE + key).duration;
    const paint = window.__hyperdeskPerf?.paints.find((p) => p.key === key);
    record({ key, candles, ms: paint?.ms ?? completeMs, completeMs });
  });
}
