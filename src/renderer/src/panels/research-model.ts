import {
  BacktestEvents,
  MAX_GRID_VALUES,
  type BacktestStatsWire,
  type ObjectiveKey,
  type WalkForwardWindowWire,
} from '../../../shared/contract/backtest.ts';
import { csvCell, formatStat, toNumber } from './backtest-results.ts';
import type { ParamSpec } from './strategy-form-model.ts';
import { formatTime } from './trade-list.tsx';

/**
 * What the research views make of sweeps and walk-forward analyses: the grid the user typed,
 * the heatmap (scaling and colour), the walk-forward summary and the CSV exports. Pure, so it
 * is unit-tested without a DOM.
 */

/** A metric the heatmap can colour by. */
export interface Metric {
  readonly key: ObjectiveKey;
  readonly label: string;
  readonly format: 'pct' | 'ratio' | 'int';
}

/**
 * Metrics offered, higher always better: drawdowns are negative percentages (−12 % beats
 * −30 %), as backtesting.py reports them.
 */
export const METRICS: readonly Metric[] = [
  { key: 'sharpe', label: 'Sharpe', format: 'ratio' },
  { key: 'returnPct', label: 'Return', format: 'pct' },
  { key: 'maxDrawdownPct', label: 'Max drawdown', format: 'pct' },
  { key: 'sortino', label: 'Sortino', format: 'ratio' },
  { key: 'profitFactor', label: 'Profit factor', format: 'ratio' },
  { key: 'winRatePct', label: 'Win rate', format: 'pct' },
  { key: 'sqn', label: 'SQN', format: 'ratio' },
];

/** The metric of `key` (Sharpe when unknown). */
export function metricOf(key: string): Metric {
  return METRICS.find((m) => m.key === key) ?? (METRICS[0] as Metric);
}

/** A metric's value formatted for people. */
export function formatMetric(value: number | null, metric: Metric): string {
  return formatStat(value, metric.format);
}

// ---------------------------------------------------------------------------------------------
// The grid form

/** Parses the values typed for one grid parameter: `5,10,15` or `start:stop:step` (inclusive). */
export function parseGridValues(text: string, spec: ParamSpec): { values: number[] } | { error: string } {
  const spec_ = text.trim();
  if (spec_ === '') return { error: `${spec.label}: enter values like 5,10,15 or 5:30:5` };
  let values: number[];
  const range = /^(-?[\d.]+)\s*:\s*(-?[\d.]+)\s*:\s*([\d.]+)$/.exec(spec_);
  if (range) {
    const [start, stop, step] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (![start, stop, step].every(Number.isFinite) || !(step > 0) || stop < start) {
      return { error: `${spec.label}: a range needs start ≤ stop and a step above 0` };
    }
    const count = Math.floor((stop - start) / step + 1e-9) + 1;
    if (count > MAX_GRID_VALUES) return { error: `${spec.label}: ${count} values; at most ${MAX_GRID_VALUES}` };
    // Multiplied rather than accumulated, so 0.1 steps do not drift.
    values = Array.from({ length: count }, (_, k) => Number((start + k * step).toPrecision(12)));
  } else {
    const parts = spec_.split(',').map((p) => p.trim());
    values = [];
    for (const part of parts) {
      const n = /^[-+]?(\d+(\.\d*)?|\.\d+)$/.test(part) ? Number(part) : Number.NaN;
      if (!Number.isFinite(n)) return { error: `${spec.label}: "${part}" is not a number` };
      values.push(n);
    }
  }
  const unique = [...new Set(values)];
  if (unique.length > MAX_GRID_VALUES) {
    return { error: `${spec.label}: ${unique.length} values; at most ${MAX_GRID_VALUES}` };
  }
  for (const v of unique) {
    if (spec.integer && !Number.isInteger(v)) return { error: `${spec.label}: ${v} is not a whole number` };
    if (v < spec.min || v > spec.max) {
      return { error: `${spec.label}: ${v} is outside ${spec.min}–${spec.max.toLocaleString('en-US')}` };
    }
  }
  return { values: unique };
}

// ---------------------------------------------------------------------------------------------
// Sweep results and the heatmap

/** A finished sweep as the views keep it. */
export interface SweepView {
  readonly runId: string;
  readonly strategy: {
    readonly id: string;
    readonly params: Readonly<Record<string, unknown>>;
    readonly sizing: string;
  };
  readonly params: readonly string[];
  readonly rows: readonly { readonly params: Readonly<Record<string, unknown>>; readonly stats: BacktestStatsWire }[];
  readonly skipped: number;
}

/** Reads a `SweepFinished` payload with the contract's schema; null when it is not one. */
export function readSweepFinished(payload: unknown): SweepView | null {
  const parsed = BacktestEvents.SweepFinished.safeParse(payload);
  if (!parsed.success) return null;
  const p = parsed.data;
  return {
    runId: p.runId,
    strategy: p.strategy,
    params: p.params,
    rows: p.rows.map((r) => ({ params: r.params, stats: r.stats })),
    skipped: p.skipped.length,
  };
}

/** A metric's value in a row's statistics; null when unmeasured. */
export function metricValue(stats: BacktestStatsWire, key: ObjectiveKey): number | null {
  const v = stats[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** One cell of the heatmap. */
export interface HeatCell {
  /** The full parameters of the combination (null where the grid skipped it). */
  readonly params: Readonly<Record<string, unknown>> | null;
  readonly value: number | null;
  readonly text: string;
  /** Fill colour, `#rrggbb`; a neutral grey for a missing value. */
  readonly color: string;
  /** True when dark text reads better on {@link color} than light text. */
  readonly darkText: boolean;
  /** What a screen reader says: the parameters, the metric and its value. */
  readonly label: string;
}

/** The heatmap: `rows[r][c]` for `ys[r]` and `xs[c]` (one row when the sweep has one parameter). */
export interface Heatmap {
  readonly x: string;
  readonly y: string | null;
  readonly xs: readonly unknown[];
  readonly ys: readonly unknown[];
  readonly rows: readonly (readonly HeatCell[])[];
  readonly min: number | null;
  readonly max: number | null;
  readonly legend: readonly { readonly color: string; readonly text: string }[];
}

/** ColorBrewer RdYlGn (5 classes): worst red, middle yellow, best green. */
const STOPS = ['#d7191c', '#fdae61', '#ffffbf', '#a6d96a', '#1a9641'] as const;
const MISSING = '#5f6b7a';

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function hex(r: number, g: number, b: number): string {
  return `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}

/** Where `value` lies between `min` and `max`, 0..1 (0.5 when they are equal). */
export function scaleValue(value: number, min: number, max: number): number {
  if (!(max > min)) return 0.5;
  return Math.min(1, Math.max(0, (value - min) / (max - min)));
}

/** The colour of position `t` (0 worst .. 1 best) on the red–yellow–green scale. */
export function heatColor(t: number): string {
  const clamped = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0.5));
  const at = clamped * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(at));
  const f = at - i;
  const a = rgb(STOPS[i] as string);
  const b = rgb(STOPS[i + 1] as string);
  return hex(a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f);
}

/** True when black text has more contrast on `color` than white text (WCAG relative luminance). */
export function prefersDarkText(color: string): boolean {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const [r, g, b] = rgb(color);
  const l = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function sortValues(values: unknown[]): unknown[] {
  return values.sort((a, b) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b)),
  );
}

/** Formats a parameter value for a header or a label. */
export function formatParam(value: unknown): string {
  return typeof value === 'number' ? value.toLocaleString('en-US', { maximumFractionDigits: 6 }) : String(value);
}

/**
 * The heatmap of a sweep coloured by `metric`: the first grid parameter across, the second
 * down (or one row for one parameter). Colours run from the worst measured value (red) to the
 * best (green); unmeasured and skipped combinations are grey.
 */
export function buildHeatmap(sweep: SweepView, metric: Metric): Heatmap {
  const [x, y] = sweep.params;
  if (x === undefined) return { x: '', y: null, xs: [], ys: [], rows: [], min: null, max: null, legend: [] };
  const xs = sortValues([...new Map(sweep.rows.map((r) => [JSON.stringify(r.params[x]), r.params[x]])).values()]);
  const ys: unknown[] =
    y === undefined
      ? [null]
      : sortValues([...new Map(sweep.rows.map((r) => [JSON.stringify(r.params[y]), r.params[y]])).values()]);
  const values = sweep.rows.map((r) => metricValue(r.stats, metric.key)).filter((v): v is number => v !== null);
  const min = values.length > 0 ? Math.min(...values) : null;
  const max = values.length > 0 ? Math.max(...values) : null;
  const rows = ys.map((yv) =>
    xs.map((xv): HeatCell => {
      const row = sweep.rows.find((r) => same(r.params[x], xv) && (y === undefined || same(r.params[y], yv)));
      const where = y === undefined ? `${x} ${formatParam(xv)}` : `${x} ${formatParam(xv)}, ${y} ${formatParam(yv)}`;
      if (!row) {
        return { params: null, value: null, text: '', color: MISSING, darkText: false, label: `${where}: not run` };
      }
      const value = metricValue(row.stats, metric.key);
      const color = value === null || min === null || max === null ? MISSING : heatColor(scaleValue(value, min, max));
      const text = formatMetric(value, metric);
      return {
        params: row.params,
        value,
        text,
        color,
        darkText: prefersDarkText(color),
        label: `${where}: ${metric.label} ${value === null ? 'not measurable' : text}`,
      };
    }),
  );
  const legend =
    min === null || max === null
      ? []
      : [0, 0.25, 0.5, 0.75, 1].map((t) => ({
          color: heatColor(t),
          text: formatMetric(min + (max - min) * t, metric),
        }));
  return { x, y: y ?? null, xs, ys: y === undefined ? [] : ys, rows, min, max, legend };
}

/** The sweep as CSV: one line per combination, best first as the engine ranked them. */
export function sweepCsv(sweep: SweepView): string {
  const stats = [
    'returnPct',
    'sharpe',
    'sortino',
    'maxDrawdownPct',
    'winRatePct',
    'profitFactor',
    'sqn',
    'trades',
  ] as const;
  const header = [...sweep.params, ...stats.map(snake), 'equity_final'];
  const lines = [header.map(csvCell).join(',')];
  for (const row of sweep.rows) {
    lines.push(
      [...sweep.params.map((p) => cellOf(row.params[p])), ...stats.map((k) => row.stats[k]), row.stats.equityFinal]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

function cellOf(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? value : typeof value === 'string' ? value : JSON.stringify(value);
}

function snake(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Walk-forward

/** A finished walk-forward analysis as the views keep it. */
export interface WalkForwardView {
  readonly runId: string;
  /** When the engine finished it, unix ms. */
  readonly at: number;
  readonly strategy: {
    readonly id: string;
    readonly params: Readonly<Record<string, unknown>>;
    readonly sizing: string;
  };
  readonly objective: { readonly key: ObjectiveKey; readonly minimize: boolean };
  readonly params: readonly string[];
  readonly windows: readonly WalkForwardWindowWire[];
  readonly efficiency: number | null;
  readonly stats: BacktestStatsWire;
  readonly trades: EventTrades;
  readonly equity: { readonly time: readonly number[]; readonly equity: readonly number[] };
  readonly notes: readonly string[];
}

type EventTrades = ReturnType<typeof BacktestEvents.WalkForwardFinished.parse>['trades'];

/** Reads a `WalkForwardFinished` payload with the contract's schema; null when it is not one. */
export function readWalkForwardFinished(payload: unknown): WalkForwardView | null {
  const parsed = BacktestEvents.WalkForwardFinished.safeParse(payload);
  if (!parsed.success) return null;
  const p = parsed.data;
  return {
    runId: p.runId,
    at: p.at,
    strategy: p.strategy,
    objective: p.objective,
    params: p.params,
    windows: p.windows,
    efficiency: p.efficiency,
    stats: p.stats,
    trades: p.trades,
    equity: p.equity,
    notes: p.notes,
  };
}

/** One line of the walk-forward summary, formatted. */
export interface WalkForwardRow {
  readonly window: number;
  readonly inSample: string;
  readonly outOfSample: string;
  /** The out-of-sample period by day only ("26/01/24 – 07/02/24"), for narrow tables. */
  readonly outOfSampleDays: string;
  readonly params: string;
  /** The chosen values only ("5 / 30"), in the order of the grid's parameters. */
  readonly paramValues: string;
  readonly inSampleMetric: string;
  readonly oosReturn: string;
  readonly oosSharpe: string;
  readonly oosTrades: string;
  /** Sign of the out-of-sample return, for colour: 1, -1 or 0 (flat or not traded). */
  readonly sign: number;
}

const DAY = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', year: '2-digit', month: '2-digit', day: '2-digit' });

function formatDay(time: number): string {
  return DAY.format(time);
}

/** The summary table of a walk-forward analysis, one row per window. */
export function walkForwardRows(view: WalkForwardView): WalkForwardRow[] {
  const metric = metricOf(view.objective.key);
  return view.windows.map((w) => {
    const params = w.params
      ? view.params.map((p) => `${p} ${formatParam(w.params?.[p])}`).join(', ')
      : 'none measurable';
    const oos = w.outOfSample;
    const paramValues = w.params ? view.params.map((p) => formatParam(w.params?.[p])).join(' / ') : '—';
    return {
      window: w.index + 1,
      inSample: `${formatTime(w.inSampleFrom)} – ${formatTime(w.inSampleTo)}`,
      outOfSample: `${formatTime(w.outOfSampleFrom)} – ${formatTime(w.outOfSampleTo)}`,
      outOfSampleDays: `${formatDay(w.outOfSampleFrom)} – ${formatDay(w.outOfSampleTo)}`,
      params,
      paramValues,
      inSampleMetric: formatMetric(w.inSampleObjective, metric),
      oosReturn: oos ? formatStat(oos.returnPct, 'pct') : '—',
      oosSharpe: oos ? formatStat(oos.sharpe, 'ratio') : '—',
      oosTrades: oos ? formatStat(oos.trades, 'int') : '—',
      sign: oos ? Math.sign(oos.returnPct) : 0,
    };
  });
}

/** The walk-forward windows as CSV: periods in ISO 8601 UTC, the chosen parameters, the tests. */
export function walkForwardCsv(view: WalkForwardView): string {
  const iso = (t: number) => new Date(t).toISOString();
  const header = [
    'window',
    'in_sample_from',
    'in_sample_to',
    'out_of_sample_from',
    'out_of_sample_to',
    ...view.params,
    `in_sample_${snake(view.objective.key)}`,
    'oos_return_pct',
    'oos_sharpe',
    'oos_trades',
    'oos_max_drawdown_pct',
    'oos_equity_final',
  ];
  const lines = [header.map(csvCell).join(',')];
  for (const w of view.windows) {
    const oos = w.outOfSample;
    lines.push(
      [
        w.index + 1,
        iso(w.inSampleFrom),
        iso(w.inSampleTo),
        iso(w.outOfSampleFrom),
        iso(w.outOfSampleTo),
        ...view.params.map((p) => cellOf(w.params?.[p])),
        w.inSampleObjective,
        oos?.returnPct ?? null,
        oos?.sharpe ?? null,
        oos?.trades ?? null,
        oos?.maxDrawdownPct ?? null,
        oos?.equityFinal ?? null,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Reads a number from a stat that may be a decimal string (money). */
export function statNumber(stats: BacktestStatsWire, key: keyof BacktestStatsWire): number {
  return toNumber(stats[key]);
}
