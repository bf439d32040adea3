import { z } from 'zod';
import { ValidationError } from '../../shared/contract/errors.ts';
import { describeIssues, parseOrThrow } from '../../shared/contract/validation.ts';
import { parseSizing, SizingSchema, type Sizing } from '../trading/sizing.ts';
import { CONFLUENCE } from './confluence-strategy.ts';
import { EMA_CROSS, SMA_CROSS } from './ma-cross.ts';
import { RULES } from './rules-strategy.ts';
import type { Strategy, StrategyDefinition, StrategyEnvironment } from './strategy.ts';

/** Every built-in strategy, by id. */
export const BUILT_IN_STRATEGIES: readonly StrategyDefinition[] = [SMA_CROSS, EMA_CROSS, CONFLUENCE, RULES];

/**
 * A strategy file: which built-in strategy, with which parameters and sizing. Written by
 * hand or by the learning pipeline; validated before anything runs.
 */
export const StrategyFileSchema = z
  .object({
    /** Id of a built-in strategy. */
    strategy: z.string().min(1),
    name: z.string().max(200).optional(),
    description: z.string().max(5000).optional(),
    params: z.record(z.string(), z.unknown()).default({}),
    /** `all-in` or `risk:<percent>`; the strategy's default when left out. */
    sizing: SizingSchema.optional(),
  })
  .strict();

/** A strategy file as written. */
export type StrategyFile = z.input<typeof StrategyFileSchema>;

/** A strategy chosen and configured: what a backtest, a replay or a trading session runs. */
export interface StrategySpec {
  readonly id: string;
  /** Parameters after validation, defaults filled in. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly sizing: Sizing;
}

/** The built-in strategy `id`, or a clear error listing the ones that exist. */
export function findStrategy(id: string): StrategyDefinition {
  const found = BUILT_IN_STRATEGIES.find((s) => s.id === id);
  if (!found) {
    throw new ValidationError(
      `unknown strategy "${id}"; the built-in strategies are ${BUILT_IN_STRATEGIES.map((s) => s.id).join(', ')}`,
    );
  }
  return found;
}

/**
 * Validates `params` for strategy `id` (unknown keys, types and ranges are errors that name
 * the parameter) and settles the sizing: the one given, else the strategy's default.
 */
export function resolveStrategy(id: string, params: Readonly<Record<string, unknown>>, sizing?: Sizing): StrategySpec {
  const definition = findStrategy(id);
  const known = Object.keys(definition.params.shape);
  for (const key of Object.keys(params)) {
    if (!known.includes(key)) {
      throw new ValidationError(`strategy ${id}: unknown parameter "${key}"; it takes ${known.join(', ')}`);
    }
  }
  const result = definition.params.safeParse(params);
  if (!result.success) throw new ValidationError(describeIssues(`strategy ${id}: params`, result.error));
  return {
    id,
    params: result.data as Record<string, unknown>,
    sizing: sizing ?? parseSizing(definition.defaultSizing),
  };
}

/**
 * The strategy a command names (`{ id, params, sizing? }`), resolved as {@link resolveStrategy}
 * does, its sizing text parsed; a bad sizing is an error naming `strategy.sizing`.
 */
export function resolveRequestedStrategy(strategy: {
  readonly id: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly sizing?: string | undefined;
}): StrategySpec {
  let sizing: Sizing | undefined;
  try {
    sizing = strategy.sizing === undefined ? undefined : parseSizing(strategy.sizing);
  } catch (error) {
    throw new ValidationError(`strategy.sizing: ${(error as Error).message}`);
  }
  return resolveStrategy(strategy.id, strategy.params, sizing);
}

/** Builds a fresh instance of the strategy `spec` describes (each run needs its own state). */
export function createStrategy(spec: StrategySpec, env: StrategyEnvironment): Strategy {
  const definition = findStrategy(spec.id);
  return definition.create(parseOrThrow(definition.params, spec.params, `strategy ${spec.id}: params`), env);
}
