import { useMemo } from 'react';
import { equityPath, formatStat } from './backtest-results.ts';

const WIDTH = 320;
const HEIGHT = 90;

/**
 * The equity curve as an inline SVG: one path, downsampled to the drawing's width. SVG
 * attributes only (no style attributes, which the Content-Security-Policy forbids).
 */
export function EquityChart({ equity, label }: { readonly equity: readonly number[]; readonly label: string }) {
  const path = useMemo(() => equityPath(equity, WIDTH, HEIGHT), [equity]);
  const first = equity[0];
  const last = equity[equity.length - 1];
  const up = first !== undefined && last !== undefined && last >= first;
  if (!path) return <p className="muted">No equity curve.</p>;
  return (
    <figure className="equity-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${label}: from ${formatStat(first, 'money')} to ${formatStat(last, 'money')}`}
        data-testid="equity-chart"
        data-points={equity.length}
      >
        <path
          d={path}
          fill="none"
          stroke={up ? '#26a69a' : '#ef5350'}
          strokeWidth="1.5"
          vectorEffect="non-scaling-stroke"
        />
      </svg>
      <figcaption className="muted">
        Equity {formatStat(first, 'money')} → {formatStat(last, 'money')}
      </figcaption>
    </figure>
  );
}
