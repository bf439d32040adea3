import type { z } from 'zod';
import type { DetectionSchema } from '../../../shared/contract/session-events.ts';
import type { ChartMarker, ChartPriceLine } from './chart-types.ts';

/** A detection as the engine reports it. */
export type Detection = z.infer<typeof DetectionSchema>;

/** The detection families the toolbar switches on and off. */
export const OVERLAY_FAMILIES = ['swings', 'structure', 'ranges', 'liquidity', 'phases', 'signals'] as const;

/** One of {@link OVERLAY_FAMILIES}. */
export type OverlayFamily = (typeof OVERLAY_FAMILIES)[number];

/** Toolbar labels of the families. */
export const OVERLAY_LABELS: Readonly<Record<OverlayFamily, string>> = {
  swings: 'Swings',
  structure: 'BOS/CHoCH',
  ranges: 'Ranges',
  liquidity: 'Liquidity',
  phases: 'Phases',
  signals: 'Signals',
};

/** What detections add to a chart: markers on bars and horizontal levels. */
export interface ChartOverlays {
  readonly markers: readonly ChartMarker[];
  readonly priceLines: readonly ChartPriceLine[];
}

/** No overlays; one shared instance so "nothing changed" stays a reference comparison. */
export const NO_OVERLAYS: ChartOverlays = { markers: [], priceLines: [] };

const BULL = '#26a69a';
const BEAR = '#ef5350';
const SWING = '#8c9bab';
const CHOCH = '#f6ad55';
const RANGE = '#63b3ed';
const LIQUIDITY = '#b794f4';
const PHASE: Readonly<Record<string, string>> = { drive: '#4fd1c5', range: '#63b3ed', liquidity: '#b794f4' };

/** Price levels kept on screen: more lines than this bury the candles. */
const MAX_POOL_LINES = 4;

function num(d: Detection, key: string): number | null {
  const v = d[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function str(d: Detection, key: string): string | null {
  const v = d[key];
  return typeof v === 'string' ? v : null;
}

/**
 * Turns detections (oldest first) into markers and price lines for the families switched on.
 * Swings are drawn on the swing bar itself, everything else on the bar that confirmed it;
 * only ranges still unbroken and liquidity pools not yet swept become lines, because a
 * level the market already took is history, not a level. Signals are the confluence setups,
 * labelled with their name and score (0–100). With `chartTf`, detections of other timeframes
 * (the higher one that only gives the setups their bias) are left off the chart.
 */
export function overlaysFromDetections(
  detections: readonly Detection[],
  families: ReadonlySet<OverlayFamily>,
  chartTf?: string,
): ChartOverlays {
  if (families.size === 0 || detections.length === 0) return NO_OVERLAYS;
  const markers: ChartMarker[] = [];
  let activeRange: { high: number; low: number } | null = null;
  const pools: { side: string; level: number }[] = [];
  for (const d of detections) {
    if (chartTf !== undefined && str(d, 'tf') !== chartTf) continue;
    switch (d.kind) {
      case 'setup': {
        if (!families.has('signals')) break;
        const long = str(d, 'direction') === 'bull';
        const score = num(d, 'score');
        markers.push({
          time: d.time,
          position: long ? 'belowBar' : 'aboveBar',
          shape: long ? 'arrowUp' : 'arrowDown',
          color: long ? BULL : BEAR,
          text: `${str(d, 'setup') ?? 'setup'}${score === null ? '' : ` ${Math.round(score * 100)}`}`,
          kind: 'detection:signals',
        });
        break;
      }
      case 'swing': {
        if (!families.has('swings')) break;
        const high = str(d, 'side') === 'high';
        markers.push({
          time: num(d, 'swingTime') ?? d.time,
          position: high ? 'aboveBar' : 'belowBar',
          shape: 'circle',
          color: SWING,
          text: str(d, 'label') ?? (high ? 'H' : 'L'),
          kind: 'detection:swings',
        });
        break;
      }
      case 'bos':
      case 'choch': {
        if (!families.has('structure')) break;
        const bull = str(d, 'direction') === 'bull';
        markers.push({
          time: d.time,
          position: bull ? 'belowBar' : 'aboveBar',
          shape: bull ? 'arrowUp' : 'arrowDown',
          color: d.kind === 'choch' ? CHOCH : bull ? BULL : BEAR,
          text: d.kind === 'bos' ? 'BOS' : 'CHoCH',
          kind: 'detection:structure',
        });
        break;
      }
      case 'range': {
        if (!families.has('ranges')) break;
        const high = num(d, 'high');
        const low = num(d, 'low');
        if (str(d, 'status') === 'formed' && high !== null && low !== null) {
          activeRange = { high, low };
          markers.push({
            time: d.time,
            position: 'aboveBar',
            shape: 'square',
            color: RANGE,
            text: 'Range',
            kind: 'detection:ranges',
          });
        } else {
          activeRange = null;
          const up = str(d, 'direction') === 'bull';
          markers.push({
            time: d.time,
            position: up ? 'belowBar' : 'aboveBar',
            shape: up ? 'arrowUp' : 'arrowDown',
            color: RANGE,
            text: 'Range break',
            kind: 'detection:ranges',
          });
        }
        break;
      }
      case 'liquidity-pool': {
        if (!families.has('liquidity')) break;
        const level = num(d, 'level');
        if (level !== null) pools.push({ side: str(d, 'side') ?? 'highs', level });
        break;
      }
      case 'sweep': {
        if (!families.has('liquidity')) break;
        const level = num(d, 'level');
        const highs = str(d, 'side') === 'highs';
        // A pool is gone once the market swept its level.
        for (let i = pools.length - 1; i >= 0; i--) {
          const pool = pools[i];
          if (pool && level !== null && pool.side === str(d, 'side') && Math.abs(pool.level - level) <= 1e-9 * level) {
            pools.splice(i, 1);
          }
        }
        markers.push({
          time: d.time,
          position: highs ? 'aboveBar' : 'belowBar',
          shape: highs ? 'arrowDown' : 'arrowUp',
          color: LIQUIDITY,
          text: 'Sweep',
          kind: 'detection:liquidity',
        });
        break;
      }
      case 'phase': {
        if (!families.has('phases')) break;
        const phase = str(d, 'phase') ?? '';
        const direction = str(d, 'direction');
        const arrow = direction === 'bull' ? ' ↑' : direction === 'bear' ? ' ↓' : '';
        markers.push({
          time: d.time,
          position: 'aboveBar',
          shape: 'square',
          color: PHASE[phase] ?? SWING,
          text: `${phase}${arrow}`,
          kind: 'detection:phases',
        });
        break;
      }
      default:
        break;
    }
  }
  const priceLines: ChartPriceLine[] = [];
  const range = activeRange as { high: number; low: number } | null;
  if (range) {
    priceLines.push({ price: range.high, color: RANGE, title: 'Range high', kind: 'detection:ranges', dashed: true });
    priceLines.push({ price: range.low, color: RANGE, title: 'Range low', kind: 'detection:ranges', dashed: true });
  }
  for (const pool of pools.slice(-MAX_POOL_LINES)) {
    priceLines.push({
      price: pool.level,
      color: LIQUIDITY,
      title: pool.side === 'highs' ? 'Equal highs' : 'Equal lows',
      kind: 'detection:liquidity',
      dashed: true,
    });
  }
  return { markers, priceLines };
}
