import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { buildHeatmap, formatParam, type HeatCell, type Metric, type SweepView } from './research-model.ts';

/**
 * A sweep as a heatmap table: the first grid parameter across, the second down, each cell
 * coloured by the metric (red worst … green best) with its value written in it; one parameter
 * gives one row of bars. Every cell is a button with an aria label (parameters, metric,
 * value); hovering or focusing one shows it under the table, and clicking it (or Enter) picks
 * that combination. One cell is in the Tab order; the arrow keys, Home and End move between
 * cells (a roving tabindex, as in an ARIA grid). Colours are SVG attributes: the CSP allows no style attributes.
 */
export function SweepHeatmap({
  sweep,
  metric,
  picked,
  onPick,
}: {
  readonly sweep: SweepView;
  readonly metric: Metric;
  readonly picked: Readonly<Record<string, unknown>> | null;
  readonly onPick: (params: Readonly<Record<string, unknown>>) => void;
}) {
  const map = buildHeatmap(sweep, metric);
  // The position, not the cell: another metric relabels the cell under the pointer.
  const [at, setAt] = useState<readonly [number, number] | null>(null);
  const hovered = at ? (map.rows[at[0]]?.[at[1]] ?? null) : null;
  const [current, setCurrent] = useState<readonly [number, number]>([0, 0]);
  const tableRef = useRef<HTMLTableElement>(null);
  const moveTo = (r: number, c: number) => {
    const rows = map.rows.length;
    const cols = map.xs.length;
    if (rows === 0 || cols === 0) return;
    const next = [Math.min(rows - 1, Math.max(0, r)), Math.min(cols - 1, Math.max(0, c))] as const;
    setCurrent(next);
    tableRef.current?.querySelector<HTMLButtonElement>(`[data-cell="${next[0]}-${next[1]}"]`)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>, r: number, c: number) => {
    const moves: Record<string, readonly [number, number]> = {
      ArrowLeft: [r, c - 1],
      ArrowRight: [r, c + 1],
      ArrowUp: [r - 1, c],
      ArrowDown: [r + 1, c],
      Home: [r, 0],
      End: [r, map.xs.length - 1],
    };
    const target = moves[e.key];
    if (!target) return;
    e.preventDefault();
    moveTo(target[0], target[1]);
  };
  const gradientId = `heat-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
  const bars = map.y === null;
  const isPicked = (cell: HeatCell) =>
    picked !== null && cell.params !== null && sweep.params.every((p) => cell.params?.[p] === picked[p]);
  const t = (cell: HeatCell) =>
    cell.value === null || map.min === null || map.max === null || !(map.max > map.min)
      ? 0.5
      : (cell.value - map.min) / (map.max - map.min);
  return (
    <div className="heatmap" data-testid="sweep-heatmap" data-metric={metric.key}>
      <div className="heatmap-scroll">
        <table ref={tableRef} className={`heatmap-table${bars ? ' heatmap-bars' : ''}`}>
          <caption className="heatmap-caption">
            {metric.label} by {map.x}
            {map.y ? ` (across) and ${map.y} (down)` : ''}; pick a cell to backtest it
          </caption>
          <thead>
            <tr>
              <th scope="col" className="heatmap-corner">
                {map.y ? `${map.y} \\ ${map.x}` : map.x}
              </th>
              {map.xs.map((x) => (
                <th key={JSON.stringify(x)} scope="col">
                  {formatParam(x)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {map.rows.map((row, r) => (
              <tr key={r}>
                <th scope="row">{map.y ? formatParam(map.ys[r]) : metric.label}</th>
                {row.map((cell, c) => (
                  <td key={c}>
                    <button
                      type="button"
                      className={`heat-cell${cell.darkText && !bars ? ' heat-dark' : ''}`}
                      aria-label={cell.label}
                      aria-pressed={isPicked(cell)}
                      aria-disabled={cell.params === null}
                      tabIndex={current[0] === r && current[1] === c ? 0 : -1}
                      data-cell={`${r}-${c}`}
                      data-testid="heat-cell"
                      data-value={cell.value ?? ''}
                      onMouseEnter={() => setAt([r, c])}
                      onMouseLeave={() => setAt(null)}
                      onFocus={() => {
                        setAt([r, c]);
                        setCurrent([r, c]);
                      }}
                      onKeyDown={(e) => onKeyDown(e, r, c)}
                      onBlur={() => setAt(null)}
                      onClick={() => cell.params && onPick(cell.params)}
                    >
                      <svg className="heat-fill" viewBox="0 0 1 1" preserveAspectRatio="none" aria-hidden="true">
                        {bars ? (
                          <rect
                            x="0"
                            y={1 - Math.max(0.04, t(cell))}
                            width="1"
                            height={Math.max(0.04, t(cell))}
                            fill={cell.color}
                          />
                        ) : (
                          <rect x="0" y="0" width="1" height="1" fill={cell.color} />
                        )}
                      </svg>
                      <span className="heat-text">{cell.text}</span>
                    </button>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="heatmap-hover muted" aria-live="polite" data-testid="heatmap-hover">
        {hovered ? hovered.label : '\u00a0'}
      </p>
      {map.legend.length > 0 && (
        <figure className="heatmap-legend" aria-label={`Colour scale of ${metric.label}`} data-testid="heatmap-legend">
          <svg viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">
            <defs>
              <linearGradient id={gradientId} x1="0" x2="1" y1="0" y2="0">
                {map.legend.map((stop, i) => (
                  <stop key={i} offset={i / Math.max(1, map.legend.length - 1)} stopColor={stop.color} />
                ))}
              </linearGradient>
            </defs>
            <rect x="0" y="0" width="100" height="6" fill={`url(#${gradientId})`} />
          </svg>
          <figcaption>
            {map.legend.map((stop, i) => (
              <span key={i}>{stop.text}</span>
            ))}
          </figcaption>
        </figure>
      )}
    </div>
  );
}
