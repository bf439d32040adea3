import { ObjectiveKeySchema } from '../../shared/contract/backtest.ts';
import { ValidationError } from '../../shared/contract/errors.ts';
import type { StrategySpec } from '../strategy/strategy-registry.ts';
import type { VenueConfigInput } from '../../shared/contract/venue-config.ts';
import { jobFor, type BacktestJob, type BacktestJobResult, type PlainStats } from './backtest-job.ts';
import { expandGrid, type ParamGrid } from './param-grid.ts';

/** Runs jobs (on worker threads, or in this thread) and returns their results in job order. */
export type RunJobs = (
  jobs: readonly BacktestJob[],
  onProgress?: (done: number, total: number) => void,
) => Promise<BacktestJobResult[]>;

/** Statistics a sweep can optimise: those the contract's objective names. */
export const OBJECTIVE_KEYS = ObjectiveKeySchema.options;

/** A statistic to optimise. */
export interface Objective {
  readonly key: (typeof OBJECTIVE_KEYS)[number];
  /** Lower is better (written `-key`). */
  readonly minimize: boolean;
}

/** Reads `sharpe` (maximise) or `-key` (minimise). */
export function parseObjective(text: string): Objective {
  const minimize = text.startsWith('-');
  const key = (minimize ? text.slice(1) : text) as Objective['key'];
  if (!OBJECTIVE_KEYS.includes(key)) {
    throw new ValidationError(`objective "${text}" is not one of ${OBJECTIVE_KEYS.join(', ')} (prefix - to minimise)`);
  }
  return { key, minimize };
}

/** One combination's outcome. */
export interface SweepRow {
  readonly params: Readonly<Record<string, unknown>>;
  /** The objective's value, null when the run could not measure it. */
  readonly objective: number | null;
  readonly stats: PlainStats;
}

/** The best objective per pair of values of two parameters (the others at their best). */
export interface Heatmap {
  readonly x: string;
  readonly y: string;
  readonly xs: readonly unknown[];
  readonly ys: readonly unknown[];
  /** `values[row][column]` for `ys[row]` and `xs[column]`; null where no run measured it. */
  readonly values: readonly (readonly (number | null)[])[];
}

/** What a sweep found. */
export interface SweepResult {
  readonly objective: Objective;
  /** Every combination that ran, best first (unmeasurable last). */
  readonly rows: readonly SweepRow[];
  readonly skipped: readonly { readonly params: Readonly<Record<string, unknown>>; readonly reason: string }[];
  readonly varying: readonly string[];
  readonly heatmap: Heatmap | null;
}

/** What to sweep. */
export interface SweepOptions {
  /** The strategy with its fixed parameters; the grid overrides some of them. */
  readonly strategy: StrategySpec;
  readonly grid: ParamGrid;
  readonly venue: VenueConfigInput;
  readonly objective: Objective;
  /** Bars [start, end) of the data, after `history` warm-up bars from `start`. */
  readonly start: number;
  readonly end: number;
  readonly history?: number;
}

/** Orders rows best first; rows whose objective could not be measured come last. */
export function rankRows(rows: readonly SweepRow[], objective: Objective): SweepRow[] {
  const sign = objective.minimize ? 1 : -1;
  return [...rows].sort((a, b) => {
    if (a.objective === null || b.objective === null) return a.objective === null ? (b.objective === null ? 0 : 1) : -1;
    return sign * (a.objective - b.objective);
  });
}

function key(value: unknown): string {
  return JSON.stringify(value);
}

/** The heatmap of `x` against `y`: each cell holds the best objective over the other parameters. */
export function heatmapOf(rows: readonly SweepRow[], x: string, y: string, objective: Objective): Heatmap {
  const xs: unknown[] = [];
  const ys: unknown[] = [];
  for (const row of rows) {
    if (!xs.some((v) => key(v) === key(row.params[x]))) xs.push(row.params[x]);
    if (!ys.some((v) => key(v) === key(row.params[y]))) ys.push(row.params[y]);
  }
  const order = (a: unknown, b: unknown) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : key(a).localeCompare(key(b));
  xs.sort(order);
  ys.sort(order);
  const values = ys.map(() => xs.map((): number | null => null));
  for (const row of rows) {
    if (row.objective === null) continue;
    const c = xs.findIndex((v) => key(v) === key(row.params[x]));
    const r = ys.findIndex((v) => key(v) === key(row.params[y]));
    const line = values[r] as (number | null)[];
    const current = line[c] ?? null;
    const better = current === null || (objective.minimize ? row.objective < current : row.objective > current);
    if (better) line[c] = row.objective;
  }
  return { x, y, xs, ys, values };
}

/** The value of the objective in `stats`, or null. */
export function objectiveOf(stats: PlainStats, objective: Objective): number | null {
  const value = stats[objective.key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Runs every combination of the grid (through `runJobs`) and ranks them by the objective. */
export async function sweep(
  options: SweepOptions,
  runJobs: RunJobs,
  onProgress?: (done: number, total: number) => void,
): Promise<SweepResult> {
  const { strategy, grid, objective } = options;
  const expanded = expandGrid(strategy.id, strategy.params, grid, strategy.sizing);
  if (expanded.combos.length === 0) {
    throw new ValidationError(
      `no combination of the grid is valid for ${strategy.id}${expanded.skipped[0] ? `: ${expanded.skipped[0].reason}` : ''}`,
    );
  }
  const jobs = expanded.combos.map((params, id) =>
    jobFor(id, { ...strategy, params }, options.venue, options.start, options.end, options.history ?? 0),
  );
  const results = await runJobs(jobs, onProgress);
  const rows = results.map((r) => ({
    params: expanded.combos[r.id] as Record<string, unknown>,
    objective: objectiveOf(r.stats, objective),
    stats: r.stats,
  }));
  const [x, y] = expanded.varying;
  return {
    objective,
    rows: rankRows(rows, objective),
    skipped: expanded.skipped,
    varying: expanded.varying,
    heatmap: x !== undefined && y !== undefined ? heatmapOf(rows, x, y, objective) : null,
  };
}
