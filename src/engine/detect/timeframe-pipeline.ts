import type { Timeframe } from '../../shared/values/timeframe.ts';
import { BarState } from './bar-state.ts';
import { ConfluenceScorer, type TimeframeView } from './confluence-scorer.ts';
import { CycleClassifier } from './cycle-classifier.ts';
import type { DetectionConfig } from './detection-config.ts';
import type { DetectionEvent, DetectorFamily } from './detection-events.ts';
import { Atr } from './indicators/atr.ts';
import { PatternDetector } from './pattern-detector.ts';
import { StructureDetector } from './structure-detector.ts';

/**
 * The detectors of one timeframe, fed one closed bar at a time: ATR first (every threshold is
 * in ATRs), then patterns, structure, cycle and, on the lower timeframe of a pair, confluence.
 * Only the detectors the requested families need are run.
 */
export class TimeframePipeline implements TimeframeView {
  readonly tf: Timeframe;
  readonly bar = new BarState();
  readonly patterns: PatternDetector;
  readonly structure: StructureDetector;
  readonly cycle: CycleClassifier;
  private readonly atr: Atr;
  private readonly run: { patterns: boolean; structure: boolean; cycle: boolean };
  private confluence: ConfluenceScorer | null = null;

  constructor(
    config: DetectionConfig,
    tf: Timeframe,
    families: ReadonlySet<DetectorFamily>,
    emit: (event: DetectionEvent) => void,
  ) {
    this.tf = tf;
    this.atr = new Atr(config.atrPeriod);
    this.patterns = new PatternDetector(config, tf, emit);
    this.structure = new StructureDetector(config, tf, emit);
    this.cycle = new CycleClassifier(config, tf, this.structure, emit);
    const confluence = families.has('confluence');
    this.run = {
      patterns: confluence || families.has('patterns'),
      structure: confluence || families.has('cycle') || families.has('structure'),
      cycle: confluence || families.has('cycle'),
    };
  }

  /** Makes this the lower timeframe of a pair, scored against `htf` (or itself when null). */
  scoreAgainst(config: DetectionConfig, htf: TimeframeView | null, emit: (event: DetectionEvent) => void): void {
    this.confluence = new ConfluenceScorer(config, this, htf, emit);
  }

  /** Processes one closed bar; `eventTime` is the base bar that closed it. */
  update(
    time: number,
    open: number,
    high: number,
    low: number,
    close: number,
    volume: number,
    eventTime: number,
  ): void {
    const bar = this.bar;
    bar.previousOpen = bar.open;
    bar.previousHigh = bar.high;
    bar.previousLow = bar.low;
    bar.previousClose = bar.close;
    bar.count++;
    bar.time = time;
    bar.open = open;
    bar.high = high;
    bar.low = low;
    bar.close = close;
    bar.volume = volume;
    bar.eventTime = eventTime;
    // Thresholds use the ATR of the bars before this one: a bar never scales its own test.
    bar.atr = this.atr.value;
    if (this.run.patterns) this.patterns.update(bar);
    if (this.run.structure) this.structure.update(bar);
    if (this.run.cycle) this.cycle.update(bar);
    this.confluence?.update(bar);
    this.atr.update(high, low, close);
  }
}
