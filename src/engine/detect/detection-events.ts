import type { Timeframe } from '../../shared/values/timeframe.ts';

/** Up or down. */
export type Direction = 'bull' | 'bear';

/**
 * Fields every detection event has. `time` is the open time (unix ms) of the base bar at
 * whose close the event became known: an event never depends on a later bar. Events about
 * an earlier moment (a swing confirmed bars later) carry that moment separately.
 */
interface EventBase {
  readonly time: number;
  readonly tf: Timeframe;
}

/** The candle patterns the engine names. */
export type PatternName =
  | 'engulfing'
  | 'pin-bar'
  | 'hammer'
  | 'shooting-star'
  | 'doji'
  | 'inside-bar'
  | 'outside-bar'
  | 'le-candle'
  | 'small-wick'
  | 'steeper-wick'
  | 'celery';

/** A candle pattern completed on the bar opening at `bar`. */
export interface PatternEvent extends EventBase {
  readonly kind: 'pattern';
  readonly pattern: PatternName;
  /** Null for patterns without a direction (doji, inside and outside bars). */
  readonly direction: Direction | null;
  readonly bar: number;
}

/** Label of a swing against the previous swing on its side. */
export type SwingLabel = 'HH' | 'LH' | 'HL' | 'LL' | 'H' | 'L';

/** A swing high or low, confirmed at `time` for the bar opening at `swingTime`. */
export interface SwingEvent extends EventBase {
  readonly kind: 'swing';
  readonly side: 'high' | 'low';
  readonly price: number;
  readonly swingTime: number;
  readonly label: SwingLabel;
}

/** Trend state from the last swing labels. */
export type TrendState = 'up' | 'down' | 'neutral';

/** The trend state changed. */
export interface TrendEvent extends EventBase {
  readonly kind: 'trend';
  readonly state: TrendState;
  readonly previous: TrendState;
}

/** A close beyond a swing level: break of structure (with the trend) or change of character (against it). */
export interface BreakEvent extends EventBase {
  readonly kind: 'bos' | 'choch';
  readonly direction: Direction;
  /** The swing level that was broken, and when that swing was. */
  readonly level: number;
  readonly swingTime: number;
}

/** A trading range formed or ended. */
export interface RangeEvent extends EventBase {
  readonly kind: 'range';
  readonly status: 'formed' | 'broken';
  readonly high: number;
  readonly low: number;
  readonly mid: number;
  /** Open time of the range's first bar. */
  readonly start: number;
  readonly touchesHigh: number;
  readonly touchesLow: number;
  /** Direction of the break (only when broken). */
  readonly direction: Direction | null;
}

/** Resting liquidity: equal highs (buy stops above) or equal lows (sell stops below). */
export interface LiquidityPoolEvent extends EventBase {
  readonly kind: 'liquidity-pool';
  readonly side: 'highs' | 'lows';
  readonly level: number;
  readonly swingTimes: readonly number[];
}

/** A wick through a liquidity level that closed back inside: stops were run. */
export interface SweepEvent extends EventBase {
  readonly kind: 'sweep';
  readonly side: 'highs' | 'lows';
  readonly level: number;
  readonly target: 'pool' | 'swing' | 'range';
}

/** The market cycle phases: impulse, consolidation, stop run. */
export type CyclePhase = 'drive' | 'range' | 'liquidity';

/** The market cycle moved to a new phase. */
export interface PhaseEvent extends EventBase {
  readonly kind: 'phase';
  readonly phase: CyclePhase;
  readonly previous: CyclePhase | null;
  readonly direction: Direction | null;
  readonly confidence: number;
}

/** One factor of a confluence score. */
export interface ScoreFactor {
  readonly name: string;
  /** 0..1: how strongly this factor is present. */
  readonly value: number;
  readonly weight: number;
}

/** The setups the confluence scorer recognises. */
export type SetupName = 'breakout' | 'fakeout' | 'onion' | 'trend-entry';

/** A tradeable setup: higher-timeframe bias, lower-timeframe trigger, and the score. */
export interface SetupEvent extends EventBase {
  readonly kind: 'setup';
  readonly setup: SetupName;
  readonly direction: Direction;
  readonly score: number;
  readonly factors: readonly ScoreFactor[];
  /** The trigger pattern on the lower timeframe, if any. */
  readonly trigger: PatternName | null;
  /** The timeframe that gave the bias. */
  readonly htf: Timeframe | null;
}

/** Everything the detection engine reports. */
export type DetectionEvent =
  | PatternEvent
  | SwingEvent
  | TrendEvent
  | BreakEvent
  | RangeEvent
  | LiquidityPoolEvent
  | SweepEvent
  | PhaseEvent
  | SetupEvent;

/** Families of detectors, for `--only`. */
export type DetectorFamily = 'patterns' | 'structure' | 'cycle' | 'confluence';

/** The family each event kind belongs to. */
export const FAMILY_OF: Readonly<Record<DetectionEvent['kind'], DetectorFamily>> = {
  pattern: 'patterns',
  swing: 'structure',
  trend: 'structure',
  bos: 'structure',
  choch: 'structure',
  range: 'structure',
  'liquidity-pool': 'structure',
  sweep: 'structure',
  phase: 'cycle',
  setup: 'confluence',
};
