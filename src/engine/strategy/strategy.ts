import type { z } from 'zod';
import type { DetectionEvent } from '../detect/detection-events.ts';
import type { Timeframe } from '../../shared/values/timeframe.ts';
import type { Intent } from '../trading/intent.ts';
import type { SignalExplanation } from './rules-strategy.ts';

/**
 * The bar a strategy is shown, at its close. The object is reused from bar to bar: read it,
 * never keep it.
 */
export interface StrategyBar {
  index: number;
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * A trading strategy: sees closed bars one at a time, in order, and answers with at most one
 * intent per bar. It never sees a later bar, so its decisions cannot look ahead.
 */
export interface Strategy {
  /** Bars it needs before its first decision; buy & hold is measured from there. */
  readonly warmupBars: number;
  /** `position`: the sign of the position held at this close (1 long, −1 short, 0 flat). */
  onBar(bar: StrategyBar, position: number): Intent | null;
}

/** What a strategy may report besides intents. */
export interface StrategyHooks {
  /** Detections behind its decisions, for the session's event stream. */
  readonly onDetection?: (event: DetectionEvent) => void;
  /** Why a rules strategy decided what it decided (rules, conditions, levels). */
  readonly onExplanation?: (explanation: SignalExplanation) => void;
}

/** What a strategy is built for. */
export interface StrategyEnvironment {
  /** Interval of the bars it will see. */
  readonly interval: Timeframe;
  readonly hooks: StrategyHooks;
}

/** A built-in strategy: its parameters and how to build it. */
export interface StrategyDefinition<S extends z.ZodObject = z.ZodObject> {
  readonly id: string;
  readonly summary: string;
  /** Parameters with defaults and ranges; unknown keys are errors. */
  readonly params: S;
  /** Sizing used when neither the command nor the strategy file sets one. */
  readonly defaultSizing: string;
  create(params: z.output<S>, env: StrategyEnvironment): Strategy;
}
