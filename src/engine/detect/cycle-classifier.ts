import type { Timeframe } from '../../shared/values/timeframe.ts';
import type { BarState } from './bar-state.ts';
import type { DetectionConfig } from './detection-config.ts';
import type { CyclePhase, DetectionEvent, Direction } from './detection-events.ts';
import type { StructureDetector } from './structure-detector.ts';

/**
 * The market cycle, drive → range → liquidity, per timeframe:
 *
 * - **liquidity** on the bar of a sweep and the `liquidityBars − 1` bars after it (stops were
 *   just run; the direction is the one the sweep favours: lows swept → bull);
 * - **drive** when the net move over the last `window` bar-to-bar moves is at least `driveAtr` ATRs and made
 *   efficiently (net move / path length ≥ `driveEfficiency`);
 * - **range** otherwise (inside a formed range, or moving without efficiency).
 *
 * O(1) per bar (ring buffers of closes and absolute changes). Reports transitions only.
 */
export class CycleClassifier {
  phase: CyclePhase | null = null;
  direction: Direction | null = null;
  confidence = 0;
  private readonly c: DetectionConfig['cycle'];
  private readonly tf: Timeframe;
  private readonly emit: (event: DetectionEvent) => void;
  private readonly structure: StructureDetector;
  private readonly closes: Float64Array;
  private readonly moves: Float64Array;
  private path = 0;
  private previousClose = Number.NaN;

  constructor(
    config: DetectionConfig,
    tf: Timeframe,
    structure: StructureDetector,
    emit: (event: DetectionEvent) => void,
  ) {
    this.c = config.cycle;
    this.tf = tf;
    this.structure = structure;
    this.emit = emit;
    this.closes = new Float64Array(this.c.window + 1);
    this.moves = new Float64Array(this.c.window);
  }

  update(bar: BarState): void {
    const w = this.c.window;
    const k = bar.count - 1;
    const move = Number.isNaN(this.previousClose) ? 0 : Math.abs(bar.close - this.previousClose);
    this.previousClose = bar.close;
    const moveSlot = k % w;
    if (k >= w) this.path -= this.moves[moveSlot] as number;
    this.moves[moveSlot] = move;
    this.path += move;
    this.closes[k % (w + 1)] = bar.close;
    if (k < w || !(bar.atr > 0)) return;

    const net = bar.close - (this.closes[(k - w) % (w + 1)] as number);
    const efficiency = this.path > 0 ? Math.abs(net) / this.path : 0;
    const structure = this.structure;
    let phase: CyclePhase;
    let direction: Direction | null;
    let confidence: number;
    // The most recent sweep on either side; both on the same bar leave no direction.
    const { sweepHighs, sweepLows } = structure;
    const lastSweep = Math.max(sweepHighs.count, sweepLows.count);
    const sinceSweep = lastSweep < 0 ? Number.POSITIVE_INFINITY : bar.count - lastSweep;
    if (sinceSweep < this.c.liquidityBars) {
      phase = 'liquidity';
      direction = sweepHighs.count === sweepLows.count ? null : sweepLows.count > sweepHighs.count ? 'bull' : 'bear';
      confidence = 1 - sinceSweep / this.c.liquidityBars;
    } else if (Math.abs(net) >= this.c.driveAtr * bar.atr && efficiency >= this.c.driveEfficiency) {
      phase = 'drive';
      direction = net > 0 ? 'bull' : 'bear';
      confidence = Math.min(1, (efficiency + Math.min(1, Math.abs(net) / (2 * this.c.driveAtr * bar.atr))) / 2);
    } else {
      phase = 'range';
      direction = null;
      confidence = structure.range ? 1 : 1 - efficiency;
    }
    this.confidence = round(confidence);
    if (phase !== this.phase || direction !== this.direction) {
      this.emit({
        time: bar.eventTime,
        tf: this.tf,
        kind: 'phase',
        phase,
        previous: this.phase,
        direction,
        confidence: this.confidence,
      });
      this.phase = phase;
      this.direction = direction;
    }
  }
}

/** Scores are reported to 4 decimals: stable in golden files across platforms. */
export function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
