import { useMemo } from 'react';
import { drawdownSeries, equityPath, formatStat } from './backtest-results.ts';

const WIDTH = 320;
const HEIGHT = 90;
const DRAWDOWN_HEIGHT = 40;

/**
 * The equity curve as an inline SVG: one path, downsampled to the drawing's width. SVG
 * attributes only (no style attributes, which the Content-Security-Policy forbids).
 */
export function EquityChart({ equity, label }: { readonly equity: readonly number[]; readonly label: string }) {
  const path = useMemo(() => equityPath(equity, WIDTH, HEIGHT), [equity]);
  const drawdown = useMemo(() => {
    const series = drawdownSeries(equity);
    const deepest = series.reduce((min, v) => Math.min(min, v), 0);
    // Anchored at 0 (the top) so a shallow drawdown does not fill the whole strip.
    return { path: equityPath([0, ...series], WIDTH, DRAWDOWN_HEIGHT), deepest };
  }, [equity]);
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
      <svg
        viewBox={`0 0 ${WIDTH} ${DRAWDOWN_HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Drawdown: deepest ${formatStat(drawdown.deepest * 100, 'pct')}`}
        data-testid="drawdown-chart"
        className="drawdown-chart"
      >
        {drawdown.path && (
          <path d={drawdown.path} fill="none" stroke="#ef5350" strokeWidth="1" vectorEffect="non-scaling-stroke" />
        )}
      </svg>
      <figcaption className="muted">
        Equity {formatStat(first, 'money')} → {formatStat(last, 'money')} · max drawdown{' '}
        {formatStat(drawdown.deepest * 100, 'pct')}
      </figcaption>
    </figure>
  );
}
