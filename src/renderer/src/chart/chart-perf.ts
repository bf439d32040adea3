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

/** Frame rate over a stretch of time, from `requestAnimationFrame` timestamps. */
export interface FrameRate {
  readonly label: string;
  readonly frames: number;
  readonly durationMs: number;
  /** Median of the per-frame rates (1000 / frame interval). */
  readonly medianFps: number;
  /** 5th percentile of the per-frame rates: the slow frames (95th percentile of intervals). */
  readonly p5Fps: number;
  /** Frames over the whole stretch, per second. */
  readonly meanFps: number;
  /** Longest frame interval, ms. */
  readonly worstFrameMs: number;
}

/** The `q` quantile (0..1) of sorted `values`, linear between neighbours. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (at - lo);
}

/** Frame-rate statistics of consecutive frame timestamps (ms, ascending). */
export function frameRateStats(label: string, timestamps: readonly number[]): FrameRate {
  const intervals: number[] = [];
  for (let i = 1; i < timestamps.length; i++) {
    const dt = (timestamps[i] as number) - (timestamps[i - 1] as number);
    if (dt > 0) intervals.push(dt);
  }
  intervals.sort((a, b) => a - b);
  const durationMs = timestamps.length > 1 ? (timestamps.at(-1) as number) - (timestamps[0] as number) : 0;
  // Rates fall as intervals grow: the median rate is 1000 / median interval, the 5th
  // percentile rate is 1000 / the 95th percentile interval.
  return {
    label,
    frames: intervals.length,
    durationMs,
    medianFps: 1000 / quantile(intervals, 0.5),
    p5Fps: 1000 / quantile(intervals, 0.95),
    meanFps: durationMs > 0 ? (intervals.length * 1000) / durationMs : Number.NaN,
    worstFrameMs: intervals.at(-1) ?? Number.NaN,
  };
}

const FRAMES_START = 'hyperdesk:frames-start:';
const FRAMES_END = 'hyperdesk:frames-end:';

/**
 * Measures the page's frame rate for `durationMs`: a `requestAnimationFrame` loop records
 * each frame's timestamp between two performance marks (and a measure named
 * `hyperdesk:frames:<label>` for the devtools). Resolves with {@link frameRateStats}.
 */
export function measureFrameRate(label: string, durationMs: number): Promise<FrameRate> {
  return new Promise((resolve) => {
    const stamps: number[] = [];
    let end = Number.POSITIVE_INFINITY;
    const tick = (t: number) => {
      if (stamps.length === 0) {
        performance.mark(FRAMES_START + label);
        end = t + durationMs;
      }
      stamps.push(t);
      if (t < end) {
        requestAnimationFrame(tick);
        return;
      }
      performance.mark(FRAMES_END + label);
      performance.measure(`hyperdesk:frames:${label}`, FRAMES_START + label, FRAMES_END + label);
      resolve(frameRateStats(label, stamps));
    };
    requestAnimationFrame(tick);
  });
}

declare global {
  interface Window {
    /** {@link measureFrameRate}, for the end-to-end tests and a look in the devtools. */
    __hyperdeskMeasureFrames?: typeof measureFrameRate;
  }
}

if (typeof window !== 'undefined') window.__hyperdeskMeasureFrames = measureFrameRate;
