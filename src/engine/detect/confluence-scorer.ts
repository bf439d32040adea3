import type { Timeframe } from '../../shared/values/timeframe.ts';
import type { BarState } from './bar-state.ts';
import { round, type CycleClassifier } from './cycle-classifier.ts';
import type { DetectionConfig } from './detection-config.ts';
import type { DetectionEvent, Direction, PatternName, ScoreFactor, SetupName } from './detection-events.ts';
import { PATTERN_BIT, REJECTION_BITS, TRIGGER_PATTERNS, type PatternDetector } from './pattern-detector.ts';
import type { ActiveRange, StructureDetector } from './structure-detector.ts';

/** What the scorer reads from a timeframe after its detectors ran. */
export interface TimeframeView {
  readonly tf: Timeframe;
  readonly structure: StructureDetector;
  readonly cycle: CycleClassifier;
}

const WEIGHTS = { 'htf-trend': 0.3, 'htf-cycle': 0.15, trigger: 0.2, location: 0.2, context: 0.15 } as const;
const DIRECTIONS: readonly Direction[] = ['bull', 'bear'];

/**
 * Higher-timeframe bias plus lower-timeframe trigger. On each lower-timeframe bar it looks,
 * for each direction, for one of the setups (breakout, fakeout, onion, trend entry) and
 * scores it from five factors (higher-timeframe trend and cycle, the trigger candle, the
 * location in the range, a recent sweep or break) with a factor-by-factor breakdown. The
 * higher timeframe is read as of its last closed bar, so nothing comes from the future.
 */
export class ConfluenceScorer {
  private readonly c: DetectionConfig['confluence'];
  private readonly ltf: TimeframeView & { readonly patterns: PatternDetector };
  private readonly htf: TimeframeView | null;
  private readonly emit: (event: DetectionEvent) => void;

  constructor(
    config: DetectionConfig,
    ltf: TimeframeView & { readonly patterns: PatternDetector },
    htf: TimeframeView | null,
    emit: (event: DetectionEvent) => void,
  ) {
    this.c = config.confluence;
    this.ltf = ltf;
    this.htf = htf;
    this.emit = emit;
  }

  update(bar: BarState): void {
    for (const direction of DIRECTIONS) this.evaluate(bar, direction);
  }

  private evaluate(bar: BarState, d: Direction): void {
    const { structure, patterns } = this.ltf;
    const bias = this.htf ?? this.ltf;
    const bits = d === 'bull' ? patterns.bull : patterns.bear;
    const trigger = bits === 0 ? null : (TRIGGER_PATTERNS.find((p) => (bits & PATTERN_BIT[p]) !== 0) ?? null);
    const c = bar.close;
    const zone = this.c.extremeZone;

    const trend = bias.structure.trend;
    const trendValue = trend === (d === 'bull' ? 'up' : 'down') ? 1 : trend === 'neutral' ? 0.5 : 0;
    const phase = bias.cycle.phase;
    const cycleValue =
      phase === 'drive'
        ? bias.cycle.direction === d
          ? 1
          : 0
        : phase === 'liquidity'
          ? bias.cycle.direction === d
            ? 0.8
            : 0.2
          : 0.5;

    const range = structure.range?.formed ? structure.range : null;
    const atExtreme = range !== null && inZone(c, range, d, zone);
    const sinceSweep = structure.lastSweepCount < 0 ? Number.POSITIVE_INFINITY : bar.count - structure.lastSweepCount;
    const sweptAgainst =
      sinceSweep <= this.c.contextBars && structure.lastSweepSide === (d === 'bull' ? 'lows' : 'highs');
    const sinceBreak = structure.lastBreakCount < 0 ? Number.POSITIVE_INFINITY : bar.count - structure.lastBreakCount;
    const brokeWith = sinceBreak <= this.c.contextBars && structure.lastBreakDirection === d;
    const contextValue = sweptAgainst ? 1 : brokeWith ? 0.8 : 0;
    const rejection = (bits & REJECTION_BITS) !== 0;

    let setup: SetupName | null = null;
    let locationValue = atExtreme ? 1 : 0;
    if (structure.rangeBrokeThisBar === d) {
      setup = 'breakout';
      locationValue = 1;
    } else if (rejection && sweptAgainst && range && structure.lastSweepTarget !== 'swing') {
      // A false break of the range (or of equal highs/lows in it), rejected back inside.
      setup = 'fakeout';
    } else if (
      trigger &&
      atExtreme &&
      this.htf?.structure.range?.formed &&
      inZone(c, this.htf.structure.range, d, zone)
    ) {
      setup = 'onion';
    } else if (rejection && trendValue === 1 && cycleValue >= 0.5 && brokeWith) {
      // A rejection candle in the direction of the bias, just after a break of structure.
      setup = 'trend-entry';
    }
    if (!setup) return;

    const factors: ScoreFactor[] = [
      { name: 'htf-trend', value: trendValue, weight: WEIGHTS['htf-trend'] },
      { name: 'htf-cycle', value: cycleValue, weight: WEIGHTS['htf-cycle'] },
      { name: 'trigger', value: trigger ? 1 : 0, weight: WEIGHTS.trigger },
      { name: 'location', value: locationValue, weight: WEIGHTS.location },
      { name: 'context', value: contextValue, weight: WEIGHTS.context },
    ];
    let score = 0;
    for (const f of factors) score += f.value * f.weight;
    score = round(score);
    if (score < this.c.minScore) return;
    this.emit({
      time: bar.eventTime,
      tf: this.ltf.tf,
      kind: 'setup',
      setup,
      direction: d,
      score,
      factors,
      trigger: trigger as PatternName | null,
      htf: this.htf?.tf ?? null,
    });
  }
}

/** True when `price` is in the outer `zone` of the range on the side a `d` trade starts from. */
function inZone(price: number, range: ActiveRange, d: Direction, zone: number): boolean {
  const height = range.high - range.low;
  return d === 'bull' ? price <= range.low + zone * height : price >= range.high - zone * height;
}
