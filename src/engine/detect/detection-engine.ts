import { ValidationError } from '../../shared/contract/errors.ts';
import { TIMEFRAME_MS, type Timeframe } from '../../shared/values/timeframe.ts';
import { canResample } from '../data/resample.ts';
import { bucketStart, nextBucketStart } from '../data/time-grid.ts';
import { DetectionConfigSchema, type DetectionConfig, type DetectionConfigInput } from './detection-config.ts';
import { FAMILY_OF, type DetectionEvent, type DetectorFamily } from './detection-events.ts';
import { TimeframePipeline } from './timeframe-pipeline.ts';
import { parseOrThrow } from '../../shared/contract/validation.ts';

/** Every detector family. */
export const ALL_FAMILIES: readonly DetectorFamily[] = ['patterns', 'structure', 'cycle', 'confluence'];

/** Options for {@link DetectionEngine}. */
export interface DetectionEngineOptions {
  /** Interval of the bars pushed in. */
  readonly base: Timeframe;
  /**
   * Timeframes to analyse, each equal to the base or built from it; the lowest is the entry
   * timeframe and the next one up gives it its bias (default: the base alone).
   */
  readonly timeframes?: readonly Timeframe[];
  /** Families to report (default: all). */
  readonly only?: readonly DetectorFamily[];
  readonly config?: DetectionConfigInput;
  readonly onEvent: (event: DetectionEvent) => void;
  /** Told about every bar each timeframe processes (higher ones as they complete), in order. */
  readonly onBar?: (bar: ProcessedBar) => void;
}

/** A bar as a timeframe's detectors saw it; `eventTime` is the base bar that completed it. */
export interface ProcessedBar {
  readonly tf: Timeframe;
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly eventTime: number;
}

/** A higher timeframe bar being built from base bars. */
class Aggregate {
  readonly pipeline: TimeframePipeline;
  private readonly onBar: ((bar: ProcessedBar) => void) | undefined;
  start = Number.NaN;
  /** The first bucket of the data when it starts after the bucket's open: dropped, as a partial bar. */
  partial = false;
  seen = false;
  end = Number.NaN;
  open = 0;
  high = 0;
  low = 0;
  close = 0;
  volume = 0;

  constructor(pipeline: TimeframePipeline, onBar: ((bar: ProcessedBar) => void) | undefined) {
    this.pipeline = pipeline;
    this.onBar = onBar;
  }

  /** Closes the bar being built, if any, as known at the close of base bar `eventTime`. */
  flush(eventTime: number): void {
    if (Number.isNaN(this.start)) return;
    if (!this.partial) {
      const { start, open, high, low, close, volume } = this;
      this.onBar?.({ tf: this.pipeline.tf, time: start, open, high, low, close, volume, eventTime });
      this.pipeline.update(start, open, high, low, close, volume, eventTime);
    }
    this.start = Number.NaN;
    this.partial = false;
  }
}

/**
 * The detection engine over one or more timeframes, fed base bars one at a time, in order.
 * Higher timeframes are built from the base bars as they come; a higher bar is processed when
 * its last base bar closes (or, after a gap, when a bar of the next bucket arrives), so every
 * event depends only on bars closed at its `time`. Running on a prefix of the data gives
 * exactly the events of the full run up to that prefix, and two runs give identical output.
 */
export class DetectionEngine {
  private readonly baseMs: number;
  private readonly base: Timeframe;
  private readonly direct: TimeframePipeline | null;
  private readonly aggregates: Aggregate[];
  private lastTime = Number.NEGATIVE_INFINITY;
  private readonly onBar: ((bar: ProcessedBar) => void) | undefined;

  constructor(options: DetectionEngineOptions) {
    const config: DetectionConfig = parseOrThrow(DetectionConfigSchema, options.config ?? {}, 'detection config');
    const timeframes = [...new Set(options.timeframes ?? [options.base])].sort(
      (a, b) => TIMEFRAME_MS[a] - TIMEFRAME_MS[b],
    );
    for (const tf of timeframes) {
      if (tf !== options.base && !canResample(options.base, tf)) {
        throw new ValidationError(`timeframe ${tf} cannot be built from ${options.base} bars`);
      }
    }
    const families = new Set(options.only ?? ALL_FAMILIES);
    const emit =
      families.size === ALL_FAMILIES.length
        ? options.onEvent
        : (event: DetectionEvent) => {
            if (families.has(FAMILY_OF[event.kind])) options.onEvent(event);
          };
    const pipelines = timeframes.map((tf) => new TimeframePipeline(config, tf, families, emit));
    const [ltf, htf] = pipelines;
    if (ltf && families.has('confluence')) ltf.scoreAgainst(config, htf ?? null, emit);
    this.base = options.base;
    this.baseMs = TIMEFRAME_MS[options.base];
    this.direct = pipelines.find((p) => p.tf === options.base) ?? null;
    // Highest first: a bar closing several timeframes updates the bias before the entry timeframe.
    this.aggregates = pipelines
      .filter((p) => p.tf !== options.base)
      .reverse()
      .map((p) => new Aggregate(p, options.onBar));
    this.onBar = options.onBar;
  }

  /** Feeds the next closed base bar. Times must increase. */
  push(time: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (!(time > this.lastTime)) throw new ValidationError(`bar at ${time} does not come after ${this.lastTime}`);
    this.lastTime = time;
    const closes = this.base === '1M' ? nextBucketStart(time, '1M') : time + this.baseMs;
    for (const agg of this.aggregates) {
      const tf = agg.pipeline.tf;
      if (!Number.isNaN(agg.start) && time >= agg.end) agg.flush(time);
      if (Number.isNaN(agg.start)) {
        agg.start = bucketStart(time, tf);
        agg.end = nextBucketStart(agg.start, tf);
        // Only the data's first bucket can be cut by where the data starts; later ones that
        // start late are missing bars inside the data and aggregate what exists.
        agg.partial = !agg.seen && time > agg.start;
        agg.seen = true;
        agg.open = open;
        agg.high = high;
        agg.low = low;
        agg.close = close;
        agg.volume = volume;
      } else {
        if (high > agg.high) agg.high = high;
        if (low < agg.low) agg.low = low;
        agg.close = close;
        agg.volume += volume;
      }
      if (closes >= agg.end) agg.flush(time);
    }
    if (this.direct) {
      this.onBar?.({ tf: this.base, time, open, high, low, close, volume, eventTime: time });
      this.direct.update(time, open, high, low, close, volume, time);
    }
  }
}
