/**
 * The engine's only ways to touch the world. Adapters implement these; the engine never
 * imports an adapter, a Node module or an SDK.
 */
import type { CandleSourceRef, SeriesInfo } from '../shared/contract/series.ts';
import type { Timeframe } from '../shared/values/timeframe.ts';
import type { CandleColumns } from './data/candle-columns.ts';

/** Where time comes from. Real in paper/live, virtual in backtest/replay and tests. */
export interface Clock {
  /** Current time, unix milliseconds, UTC. */
  now(): number;
}

/**
 * Runs work later, in wall-clock time: what paces a replay. The engine never calls
 * setTimeout itself, so tests drive time by hand.
 */
export interface Scheduler {
  /** Runs `task` once after `delayMs`; the returned function cancels it. */
  schedule(delayMs: number, task: () => void): () => void;
}

/** A dataset bundled with the app. */
export interface SampleInfo {
  readonly name: string;
  readonly coin: string;
  readonly interval: Timeframe;
  readonly synthetic: boolean;
}

/** Candles read from a source, with what the UI must know about them. */
export interface LoadedCandles {
  /** Stable key of the source (same file → same key); the series' `source`. */
  readonly sourceKey: string;
  /** Short human label, e.g. the file name. */
  readonly label: string;
  /** True when the data was generated rather than recorded. */
  readonly synthetic: boolean;
  /** Bars in ascending open time, already validated against the interval by the reader. */
  readonly bars: CandleColumns;
}

/** Reads candles from files or bundled samples. */
export interface CandleSource {
  listSamples(): readonly SampleInfo[];
  /** Reads `ref`, checking that its bars follow `interval`. */
  load(ref: Exclude<CandleSourceRef, { kind: 'cache' }>, interval: Timeframe): Promise<LoadedCandles>;
}

/** Inclusive open-time range of a read; unset ends are open. */
export interface TimeRange {
  readonly from?: number | undefined;
  readonly to?: number | undefined;
}

/** Persists candle series so they survive an engine restart: the candle cache. */
export interface SeriesRepository {
  /** Replaces the series' bars and metadata atomically. */
  saveSeries(info: SeriesInfo, bars: CandleColumns): void;
  /** Every stored series. */
  listSeries(): SeriesInfo[];
  /** The series' metadata, or null when it is not stored. */
  getSeries(seriesId: string): SeriesInfo | null;
  /** Stored bars in ascending open time. */
  readCandles(seriesId: string, range?: TimeRange): CandleColumns;
}
