import { z } from 'zod';
import { TIMEFRAME_MS, TimeframeSchema, type Timeframe } from '../../shared/values/timeframe.ts';
import { DetectionConfigSchema } from '../detect/detection-config.ts';
import { DetectionEngine, type ProcessedBar } from '../detect/detection-engine.ts';
import type { DetectionEvent, SetupEvent, SetupName } from '../detect/detection-events.ts';
import { Atr } from '../detect/indicators/atr.ts';
import type { Intent } from '../trading/intent.ts';
import type { Strategy, StrategyBar, StrategyDefinition, StrategyEnvironment } from './strategy.ts';

const SETUPS = ['breakout', 'fakeout', 'onion', 'trend-entry'] as const satisfies readonly SetupName[];

/** Parameters of the confluence strategy. */
export const ConfluenceParamsSchema = z
  .object({
    /**
     * Timeframes to analyse (each built from the data's interval); the lowest is the entry
     * timeframe and the next one up gives the bias. Default: the data's interval alone.
     */
    timeframes: z.array(TimeframeSchema).min(1).max(4).optional(),
    /** Setups scoring below this are not traded. */
    minScore: z.number().min(0).max(1).default(0.65),
    /** Take-profit distance in multiples of the stop distance. */
    rewardRisk: z.number().min(0.2).max(50).default(2),
    /** The stop goes this many ATRs beyond the structural level. */
    stopBufferAtr: z.number().min(0).max(10).default(0.1),
    /** Which setups to trade. */
    setups: z
      .array(z.enum(SETUPS))
      .min(1)
      .default([...SETUPS]),
    /** Leave a position when a setup the other way appears (entering that way if it qualifies). */
    exitOnOpposite: z.boolean().default(true),
    /** Detection parameters (docs/strategy-concepts.md). */
    detection: DetectionConfigSchema.prefault({}),
  })
  .strict();

/** Parameters of the confluence strategy. */
export type ConfluenceParams = z.output<typeof ConfluenceParamsSchema>;

/**
 * Trades the detection engine's confluence setups: a qualifying setup enters in its
 * direction with the stop beyond the last swing on the other side (the structural stop) plus
 * an ATR buffer, and the take-profit at `rewardRisk` times the stop distance. Sizing (risk %
 * of equity to the stop) happens in the intent path, not here.
 */
class ConfluenceStrategy implements Strategy {
  readonly warmupBars: number;
  private readonly params: ConfluenceParams;
  private readonly engine: DetectionEngine;
  private readonly entryTf: Timeframe;
  private readonly atr: Atr;
  private readonly setups: ReadonlySet<SetupName>;
  private lastSwingHigh = Number.NaN;
  private lastSwingLow = Number.NaN;
  private pending: SetupEvent | null = null;

  constructor(params: ConfluenceParams, env: StrategyEnvironment) {
    this.params = params;
    const timeframes = params.timeframes ?? [env.interval];
    this.entryTf = [...timeframes].sort((a, b) => TIMEFRAME_MS[a] - TIMEFRAME_MS[b])[0] as Timeframe;
    this.atr = new Atr(params.detection.atrPeriod);
    this.warmupBars = params.detection.atrPeriod;
    this.setups = new Set(params.setups);
    const report = env.hooks.onDetection;
    this.engine = new DetectionEngine({
      base: env.interval,
      timeframes,
      config: params.detection,
      onEvent: (event) => {
        report?.(event);
        this.observe(event);
      },
      onBar: (bar) => this.onTimeframeBar(bar),
    });
  }

  onBar(bar: StrategyBar, position: number): Intent | null {
    this.pending = null;
    this.engine.push(bar.time, bar.open, bar.high, bar.low, bar.close, bar.volume);
    const setup = this.pending as SetupEvent | null;
    if (!setup) return null;
    const long = setup.direction === 'bull';
    if (position !== 0 && position > 0 === long) return null;
    const entry = this.enter(setup, bar.close);
    if (entry) return entry;
    return position !== 0 && this.params.exitOnOpposite ? { kind: 'exit', reason: `opposite ${setup.setup}` } : null;
  }

  private enter(setup: SetupEvent, close: number): Intent | null {
    const long = setup.direction === 'bull';
    const level = long ? this.lastSwingLow : this.lastSwingHigh;
    const buffer = Number.isNaN(this.atr.value) ? 0 : this.atr.value * this.params.stopBufferAtr;
    const stop = long ? level - buffer : level + buffer;
    if (Number.isNaN(stop) || !(long ? stop < close : stop > close) || !(stop > 0)) return null;
    const takeProfit = long
      ? close + (close - stop) * this.params.rewardRisk
      : close - (stop - close) * this.params.rewardRisk;
    if (!(takeProfit > 0)) return null;
    return {
      kind: 'enter',
      side: long ? 'buy' : 'sell',
      stop,
      takeProfit,
      reason: `${setup.setup} ${setup.direction} ${setup.score.toFixed(2)}`,
    };
  }

  private observe(event: DetectionEvent): void {
    if (event.tf !== this.entryTf) return;
    if (event.kind === 'swing') {
      if (event.side === 'high') this.lastSwingHigh = event.price;
      else this.lastSwingLow = event.price;
    } else if (event.kind === 'setup' && event.score >= this.params.minScore && this.setups.has(event.setup)) {
      // The best setup of the bar wins.
      if (!this.pending || event.score > this.pending.score) this.pending = event;
    }
  }

  private onTimeframeBar(bar: ProcessedBar): void {
    if (bar.tf === this.entryTf) this.atr.update(bar.high, bar.low, bar.close);
  }
}

/** `confluence`: trades detection-engine setups with structural stops and risk-% sizing. */
export const CONFLUENCE: StrategyDefinition<typeof ConfluenceParamsSchema> = {
  id: 'confluence',
  summary:
    'trades confluence setups (breakout, fakeout, onion, trend entry) with a structural stop and a reward:risk target',
  params: ConfluenceParamsSchema,
  defaultSizing: 'risk:2',
  create: (params, env) => new ConfluenceStrategy(params, env),
};
