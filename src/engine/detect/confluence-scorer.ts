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
    const c = bar.close;
    const zone = this.c.extremeZone;
    const context = this.c.contextBars;

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

    const range = structure.range;
    const atExtreme = range !== null && inZone(c, range, d, zone);
    // The sweep that favours this direction: of the lows for a long, of the highs for a short.
    const sweep = d === 'bull' ? structure.sweepLows : structure.sweepHighs;
    const sweptAgainst = sweep.count >= 0 && bar.count - sweep.count <= context;
    const { lastBos, lastChoch } = structure;
    const bosWith = lastBos.count >= 0 && bar.count - lastBos.count <= context && lastBos.direction === d;
    const chochWith = lastChoch.count >= 0 && bar.count - lastChoch.count <= context && lastChoch.direction === d;
    const contextValue = sweptAgainst ? 1 : bosWith || chochWith ? 0.8 : 0;
    const rejection = (bits & REJECTION_BITS) !== 0;

    let setup: SetupName | null = null;
    let locationValue = atExtreme ? 1 : 0;
    if (structure.rangeBrokeThisBar === d) {
      setup = 'breakout';
      locationValue = 1;
    } else if (
      rejection &&
      sweptAgainst &&
      range !== null &&
      sweep.count >= range.formedAt &&
      sweep.target !== 'swing' &&
      inZone(sweep.level, range, d, zone)
    ) {
      // A false break of this range's edge (or of equal highs/lows at it), rejected back inside.
      setup = 'fakeout';
    } else if (bits !== 0 && atExtreme && this.htf?.structure.range && inZone(c, this.htf.structure.range, d, zone)) {
      setup = 'onion';
    } else if (rejection && trendValue === 1 && cycleValue >= 0.5 && bosWith) {
      setup = 'trend-entry';
    }
    if (!setup) return;

    const triggerValue = bits !== 0 ? 1 : 0;
    const score = round(
      trendValue * WEIGHTS['htf-trend'] +
        cycleValue * WEIGHTS['htf-cycle'] +
        triggerValue * WEIGHTS.trigger +
        locationValue * WEIGHTS.location +
        contextValue * WEIGHTS.context,
    );
    if (score < this.c.minScore) return;
    const factors: ScoreFactor[] = [
      { name: 'htf-trend', value: trendValue, weight: WEIGHTS['htf-trend'] },
      { name: 'htf-cycle', value: cycleValue, weight: WEIGHTS['htf-cycle'] },
      { name: 'trigger', value: triggerValue, weight: WEIGHTS.trigger },
      { name: 'location', value: locationValue, weight: WEIGHTS.location },
      { name: 'context', value: contextValue, weight: WEIGHTS.context },
    ];
    this.emit({
      time: bar.eventTime,
      tf: this.ltf.tf,
      kind: 'setup',
      setup,
      direction: d,
      score,
      factors,
      trigger: strongestTrigger(bits),
      htf: this.htf?.tf ?? null,
    });
  }
}

/** The strongest trigger pattern among `bits`, or null. */
function strongestTrigger(bits: number): PatternName | null {
  if (bits === 0) return null;
  for (const pattern of TRIGGER_PATTERNS) if ((bits & PATTERN_BIT[pattern]) !== 0) return pattern;
  return null;
}

/** True when `price` is in the outer `zone` of the range on the side a `d` trade starts from. */
function inZone(price: number, range: ActiveRange, d: Direction, zone: number): boolean {
  const height = range.high - range.low;
  return d === 'bull' ? price <= range.low + zone * height : price >= range.high - zone * height;
}
