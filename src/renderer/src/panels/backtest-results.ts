import type { ChartMarker } from '../chart/chart-types.ts';

/**
 * What the backtest panel makes of a finished run: trades read from the event, the chart
 * markers, the statistics table, the equity path and the CSV export. Pure functions.
 */

/** One closed trade of a backtest, numbers read from the engine's (number or decimal string) fields. */
export interface BacktestTrade {
  readonly side: 'long' | 'short';
  readonly entryTime: number;
  readonly exitTime: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly qty: number;
  readonly pnl: number;
  readonly rMultiple: number | null;
  readonly exitReason: string;
  readonly tag: string;
  /** The money fields exactly as the engine sent them (decimal strings), for exports. */
  readonly exact?: {
    readonly entryPrice: string;
    readonly exitPrice: string;
    readonly qty: string;
    readonly pnl: string;
  };
}

/** A finished backtest as the panel keeps it. */
export interface BacktestResult {
  readonly runId: string;
  readonly strategy: string;
  readonly stats: Readonly<Record<string, unknown>>;
  readonly trades: readonly BacktestTrade[];
  readonly equity: { readonly time: readonly number[]; readonly equity: readonly number[] };
  /** The strategy as run (parameters with defaults, sizing), when the engine sent it. */
  readonly strategyRun?: {
    readonly id: string;
    readonly params: Readonly<Record<string, unknown>>;
    readonly sizing: string;
  };
  /** What the engine says the reader must know about the run. */
  readonly notes?: readonly string[];
  /** When the engine finished the run, unix ms. */
  readonly finishedAt?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A number from a number or a decimal string; NaN otherwise. */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}

function readSide(value: unknown): 'long' | 'short' {
  return value === 'sell' || value === 'short' || value === -1 ? 'short' : 'long';
}

function readTrade(raw: unknown): BacktestTrade | null {
  if (!isRecord(raw)) return null;
  const entryTime = toNumber(raw.entryTime);
  const exitTime = toNumber(raw.exitTime);
  if (!Number.isFinite(entryTime) || !Number.isFinite(exitTime)) return null;
  const r = toNumber(raw.rMultiple);
  return {
    side: readSide(raw.side),
    entryTime,
    exitTime,
    entryPrice: toNumber(raw.entryPrice),
    exitPrice: toNumber(raw.exitPrice),
    qty: toNumber(raw.qty),
    pnl: toNumber(raw.pnl),
    rMultiple: Number.isFinite(r) ? r : null,
    exitReason: typeof raw.exitReason === 'string' ? raw.exitReason : '',
    tag: typeof raw.tag === 'string' ? raw.tag : '',
    ...(typeof raw.entryPrice === 'string' &&
    typeof raw.exitPrice === 'string' &&
    typeof raw.qty === 'string' &&
    typeof raw.pnl === 'string'
      ? { exact: { entryPrice: raw.entryPrice, exitPrice: raw.exitPrice, qty: raw.qty, pnl: raw.pnl } }
      : {}),
  };
}

/** Reads the trades of a `BacktestFinished` or `WalkForwardFinished` payload. */
export function readTrades(raw: unknown): BacktestTrade[] {
  return Array.isArray(raw) ? raw.map(readTrade).filter((t): t is BacktestTrade => t !== null) : [];
}

/** Reads a `BacktestFinished` payload; null when it is not one. */
export function readBacktestFinished(payload: unknown): BacktestResult | null {
  if (!isRecord(payload) || typeof payload.runId !== 'string') return null;
  const trades = readTrades(payload.trades);
  const eq = isRecord(payload.equity) ? payload.equity : {};
  const time = Array.isArray(eq.time) ? eq.time.map(toNumber) : [];
  const equity = Array.isArray(eq.equity) ? eq.equity.map(toNumber) : [];
  const n = Math.min(time.length, equity.length);
  return {
    runId: payload.runId,
    strategy: typeof payload.strategy === 'string' ? payload.strategy : readStrategyId(payload.strategy),
    stats: isRecord(payload.stats) ? payload.stats : {},
    trades,
    equity: { time: time.slice(0, n), equity: equity.slice(0, n) },
    ...(isRecord(payload.strategy) &&
    typeof payload.strategy.id === 'string' &&
    isRecord(payload.strategy.params) &&
    typeof payload.strategy.sizing === 'string'
      ? { strategyRun: { id: payload.strategy.id, params: payload.strategy.params, sizing: payload.strategy.sizing } }
      : {}),
    notes: Array.isArray(payload.notes) ? payload.notes.filter((n): n is string => typeof n === 'string') : [],
    ...(typeof payload.at === 'number' ? { finishedAt: payload.at } : {}),
  };
}

function readStrategyId(value: unknown): string {
  return isRecord(value) && typeof value.id === 'string' ? value.id : '';
}

/** Colours shared with the chart: long/up green, short/down red, as the candles. */
export const COLORS = { long: '#26a69a', short: '#ef5350', win: '#4fd1c5', loss: '#fc8181' } as const;

/** Signed money with two decimals: "+12.50", "−3.10". */
export function formatPnl(value: number): string {
  if (!Number.isFinite(value)) return '—';
  const text = Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return `${value < 0 ? '−' : '+'}${text}`;
}

/**
 * Chart markers for trades: an up arrow below the bar for a long entry, a down arrow above it
 * for a short entry, a circle at the exit labelled with the trade's P&L.
 */
export function tradeMarkers(
  trades: readonly { side: 'long' | 'short'; entryTime: number; exitTime: number | null; pnl: number | null }[],
  kind: string,
): ChartMarker[] {
  const markers: ChartMarker[] = [];
  for (const t of trades) {
    const long = t.side === 'long';
    markers.push({
      time: t.entryTime,
      position: long ? 'belowBar' : 'aboveBar',
      shape: long ? 'arrowUp' : 'arrowDown',
      color: long ? COLORS.long : COLORS.short,
      text: long ? 'Long' : 'Short',
      kind,
    });
    if (t.exitTime !== null) {
      const pnl = t.pnl ?? 0;
      markers.push({
        time: t.exitTime,
        position: long ? 'aboveBar' : 'belowBar',
        shape: 'circle',
        color: pnl >= 0 ? COLORS.win : COLORS.loss,
        text: formatPnl(pnl),
        kind,
      });
    }
  }
  // The chart wants markers in time order.
  return markers.sort((a, b) => a.time - b.time);
}

/** One row of the statistics table. */
export interface StatRow {
  readonly key: string;
  readonly label: string;
  readonly value: string;
}

type Format = 'pct' | 'ratio' | 'int' | 'money' | 'duration';

/** The statistics shown first, in this order; everything else the engine sends is under "More". */
const MAIN_STATS: readonly (readonly [string, string, Format])[] = [
  ['returnPct', 'Return', 'pct'],
  ['buyHoldReturnPct', 'Buy & hold', 'pct'],
  ['winRatePct', 'Win rate', 'pct'],
  ['trades', 'Trades', 'int'],
  ['maxDrawdownPct', 'Max drawdown', 'pct'],
  ['sharpe', 'Sharpe', 'ratio'],
  ['sortino', 'Sortino', 'ratio'],
  ['profitFactor', 'Profit factor', 'ratio'],
  ['expectancyPct', 'Expectancy', 'pct'],
  ['equityFinal', 'Final equity', 'money'],
  ['feesPaid', 'Fees paid', 'money'],
  ['exposurePct', 'Exposure', 'pct'],
];

function formatDuration(ms: number): string {
  const hours = ms / 3_600_000;
  return hours >= 48 ? `${(hours / 24).toFixed(1)} d` : `${hours.toFixed(1)} h`;
}

/** Formats one statistic for people. */
export function formatStat(value: unknown, format: Format): string {
  if (value === null || value === undefined) return '—';
  const n = toNumber(value);
  if (!Number.isFinite(n)) return typeof value === 'string' ? value : '—';
  switch (format) {
    case 'pct':
      return `${n.toFixed(2)} %`;
    case 'ratio':
      return n.toFixed(2);
    case 'int':
      return Math.round(n).toLocaleString('en-US');
    case 'money':
      return n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    case 'duration':
      return formatDuration(n);
  }
}

function guessFormat(key: string): Format {
  if (key.endsWith('Pct')) return 'pct';
  if (key.endsWith('Ms')) return 'duration';
  if (/^(trades|bars|maxConsecutive)/.test(key)) return 'int';
  if (/(capital|equity|fees|funding)/i.test(key)) return 'money';
  return 'ratio';
}

function labelOf(key: string): string {
  const words = key
    .replace(/(Pct|Ms)$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The statistics table: the main rows and the rest. Times (start, end) are left out. */
export function statRows(stats: Readonly<Record<string, unknown>>): { main: StatRow[]; more: StatRow[] } {
  const main: StatRow[] = [];
  const shown = new Set<string>();
  for (const [key, label, format] of MAIN_STATS) {
    if (!(key in stats)) continue;
    main.push({ key, label, value: formatStat(stats[key], format) });
    shown.add(key);
  }
  const more: StatRow[] = [];
  for (const [key, value] of Object.entries(stats)) {
    if (shown.has(key) || key === 'start' || key === 'end') continue;
    if (typeof value !== 'number' && typeof value !== 'string' && value !== null) continue;
    more.push({ key, label: labelOf(key), value: formatStat(value, guessFormat(key)) });
  }
  return { main, more };
}

/**
 * The equity curve as an SVG path in a `width` × `height` box, downsampled to at most
 * `2 * width` points (each column keeps its lowest and highest value, so drawdowns show).
 */
export function equityPath(equity: readonly number[], width: number, height: number): string {
  const values = equity.filter((v) => Number.isFinite(v));
  if (values.length < 2) return '';
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min || 1;
  const y = (v: number) => (height - ((v - min) / span) * height).toFixed(2);
  const columns = Math.max(1, Math.min(values.length, width));
  const perColumn = values.length / columns;
  const points: string[] = [];
  for (let c = 0; c < columns; c++) {
    const from = Math.floor(c * perColumn);
    const to = Math.max(from + 1, Math.floor((c + 1) * perColumn));
    let lo = Infinity;
    let hi = -Infinity;
    let loAt = from;
    let hiAt = from;
    for (let i = from; i < to && i < values.length; i++) {
      const v = values[i] as number;
      if (v < lo) {
        lo = v;
        loAt = i;
      }
      if (v > hi) {
        hi = v;
        hiAt = i;
      }
    }
    const x = ((c / Math.max(1, columns - 1)) * width).toFixed(2);
    const [first, second] = loAt <= hiAt ? [lo, hi] : [hi, lo];
    points.push(`${x},${y(first)}`);
    if (second !== first) points.push(`${x},${y(second)}`);
  }
  return `M${points.join('L')}`;
}

const NUMERIC = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

/**
 * One CSV field (RFC 4180): quoted when it holds a quote, comma or line break, quotes doubled.
 * Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or CR first) gets a
 * leading `'`, unless it is a plain number such as a negative P&L.
 */
export function csvCell(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !NUMERIC.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The trade list as CSV, times in ISO 8601 UTC. */
export function tradesCsv(trades: readonly BacktestTrade[]): string {
  const header = [
    'n',
    'side',
    'entry_time',
    'exit_time',
    'entry_price',
    'exit_price',
    'qty',
    'pnl',
    'r_multiple',
    'exit_reason',
    'tag',
  ];
  const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString() : '');
  const lines = [header.join(',')];
  trades.forEach((t, i) => {
    lines.push(
      [
        i + 1,
        t.side,
        iso(t.entryTime),
        iso(t.exitTime),
        // Exact decimal strings when the engine sent them: an export must not round money.
        t.exact?.entryPrice ?? t.entryPrice,
        t.exact?.exitPrice ?? t.exitPrice,
        t.exact?.qty ?? t.qty,
        t.exact?.pnl ?? t.pnl,
        t.rMultiple,
        t.exitReason,
        t.tag,
      ]
        .map(csvCell)
        .join(','),
    );
  });
  return `${lines.join('\r\n')}\r\n`;
}

/** Reads a `BacktestProgress` payload. */
export function readProgress(payload: unknown): { runId: string; done: number; total: number } | null {
  if (!isRecord(payload) || typeof payload.runId !== 'string') return null;
  const done = toNumber(payload.done);
  const total = toNumber(payload.total);
  if (!Number.isFinite(done) || !Number.isFinite(total)) return null;
  return { runId: payload.runId, done, total };
}

/** Reads a `BacktestFailed` payload. */
export function readFailure(payload: unknown): { runId: string; error: string } | null {
  if (!isRecord(payload) || typeof payload.runId !== 'string') return null;
  const error = payload.error;
  const message =
    typeof error === 'string' ? error : isRecord(error) && typeof error.message === 'string' ? error.message : '';
  return { runId: payload.runId, error: message || 'the backtest failed' };
}

/**
 * The drawdown of each point of an equity curve: how far (as a fraction, 0 or below) it stands
 * under the highest equity before it. A display series: plain numbers are fine here.
 */
export function drawdownSeries(equity: readonly number[]): number[] {
  let peak = -Infinity;
  return equity.map((value) => {
    if (value > peak) peak = value;
    return peak > 0 && Number.isFinite(value) ? value / peak - 1 : 0;
  });
}
