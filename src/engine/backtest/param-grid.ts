import { ValidationError } from '../../shared/contract/errors.ts';
import { resolveStrategy } from '../strategy/strategy-registry.ts';
import type { Sizing } from '../trading/sizing.ts';

/** Values to try for each parameter. */
export type ParamGrid = Readonly<Record<string, readonly unknown[]>>;

/** Most combinations a sweep will run. */
export const MAX_COMBINATIONS = 100_000;

function parseValue(text: string): unknown {
  const n = Number(text);
  if (text.trim() !== '' && Number.isFinite(n)) return n;
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/**
 * One `--grid` option: `name=start:stop:step` (inclusive numeric range), `name=a,b,c` (a
 * list) or `name=value`.
 */
export function parseGridOption(text: string): [string, unknown[]] {
  const at = text.indexOf('=');
  if (at <= 0) throw new ValidationError(`--grid: "${text}" is not name=start:stop:step or name=a,b,c`);
  const name = text.slice(0, at).trim();
  const spec = text.slice(at + 1).trim();
  const range = /^(-?[\d.]+):(-?[\d.]+):([\d.]+)$/.exec(spec);
  if (range) {
    const [start, stop, step] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (![start, stop, step].every(Number.isFinite) || !(step > 0) || stop < start) {
      throw new ValidationError(`--grid ${name}: "${spec}" needs start ≤ stop and a step > 0`);
    }
    const count = Math.floor((stop - start) / step + 1e-9) + 1;
    if (count > MAX_COMBINATIONS) throw new ValidationError(`--grid ${name}: ${count} values is too many`);
    // Multiply rather than accumulate, so 0.1 steps do not drift.
    return [name, Array.from({ length: count }, (_, k) => Number((start + k * step).toPrecision(12)))];
  }
  const values = spec.split(',').map((v) => parseValue(v.trim()));
  if (values.length === 0 || spec === '') throw new ValidationError(`--grid ${name}: no values`);
  return [name, values];
}

/** Combinations of a grid that the strategy accepts, and the ones it refused. */
export interface ExpandedGrid {
  readonly combos: readonly Readonly<Record<string, unknown>>[];
  readonly skipped: readonly { readonly params: Readonly<Record<string, unknown>>; readonly reason: string }[];
  /** Parameters that take more than one value, in grid order. */
  readonly varying: readonly string[];
}

/**
 * Every combination of `grid` on top of `base`, validated by the strategy's own parameter
 * rules: combinations it refuses (say fast ≥ slow) are skipped with the reason, the way a
 * constraint would skip them. A grid naming an unknown parameter is an error.
 */
export function expandGrid(
  strategy: string,
  base: Readonly<Record<string, unknown>>,
  grid: ParamGrid,
  sizing: Sizing,
): ExpandedGrid {
  const names = Object.keys(grid);
  let total = 1;
  for (const name of names) {
    const values = grid[name] as readonly unknown[];
    if (values.length === 0) throw new ValidationError(`grid ${name}: no values`);
    total *= values.length;
  }
  if (total > MAX_COMBINATIONS) {
    throw new ValidationError(
      `the grid has ${total.toLocaleString('en-US')} combinations; at most ${MAX_COMBINATIONS.toLocaleString('en-US')}`,
    );
  }
  // An unknown parameter is a mistake in the command, not a skipped combination.
  const first = Object.fromEntries(names.map((n) => [n, (grid[n] as readonly unknown[])[0]]));
  try {
    resolveStrategy(strategy, { ...base, ...first }, sizing);
  } catch (error) {
    const message = (error as Error).message;
    if (/unknown parameter|Unrecognized key/i.test(message)) throw error;
  }
  const combos: Record<string, unknown>[] = [];
  const skipped: { params: Record<string, unknown>; reason: string }[] = [];
  const index = new Array<number>(names.length).fill(0);
  for (let n = 0; n < total; n++) {
    const params: Record<string, unknown> = { ...base };
    names.forEach((name, k) => {
      params[name] = (grid[name] as readonly unknown[])[index[k] as number];
    });
    try {
      combos.push(resolveStrategy(strategy, params, sizing).params as Record<string, unknown>);
    } catch (error) {
      skipped.push({ params, reason: (error as Error).message });
    }
    for (let k = names.length - 1; k >= 0; k--) {
      index[k] = (index[k] as number) + 1;
      if ((index[k] as number) < (grid[names[k] as string] as readonly unknown[]).length) break;
      index[k] = 0;
    }
  }
  return { combos, skipped, varying: names.filter((n) => (grid[n] as readonly unknown[]).length > 1) };
}
