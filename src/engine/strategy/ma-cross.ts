import { z } from 'zod';
import { Ema } from '../detect/indicators/ema.ts';
import { Sma } from '../detect/indicators/sma.ts';
import type { Intent } from '../trading/intent.ts';
import type { Strategy, StrategyBar, StrategyDefinition } from './strategy.ts';

const period = z.number().int().min(1).max(100_000);

/** Parameters of the moving-average cross strategies. */
export const MaCrossParamsSchema = z
  .object({
    /** Period of the fast average. */
    fast: period.default(10),
    /** Period of the slow average; must be longer than the fast one. */
    slow: period.default(20),
    /** `flip`: always in the market, long after a cross up, short after a cross down. `long-only`: long or flat. */
    mode: z.enum(['long-only', 'flip']).default('flip'),
    /**
     * Closes are multiplied by this before averaging. It changes nothing but rounding, and
     * rounding decides whether two averages that are exactly equal have crossed. The default
     * is the arithmetic of backtesting.py's FractionalBacktest (prices per 1e-8 unit), so
     * runs agree with it trade for trade; use 1 to compare the raw closes.
     */
    priceScale: z.number().positive().max(1e6).default(1e-8),
    /**
     * Every cross starts a new trade, closing the one before even when it is on the same
     * side (possible after the averages touch without crossing); as backtesting.py's
     * `exclusive_orders`. False: a cross to the side already held is ignored.
     */
    fresh: z.boolean().default(true),
  })
  .strict()
  .refine((p) => p.fast < p.slow, { message: 'fast must be shorter than slow', path: ['fast'] });

/** Parameters of sma-cross and ema-cross. */
export type MaCrossParams = z.output<typeof MaCrossParamsSchema>;

interface Average {
  value: number;
  update(x: number): number;
}

const DOWN_EXIT: Intent = { kind: 'exit', reason: 'cross down' };

/**
 * A cross of two moving averages of the close: the fast one ending strictly above the slow
 * one after being strictly below it on the previous bar is a cross up (and the mirror for a
 * cross down), the definition backtesting.py's `crossover` uses.
 */
class MaCross implements Strategy {
  readonly warmupBars: number;
  private readonly fast: Average;
  private readonly slow: Average;
  private readonly up: Intent;
  private readonly down: Intent;
  private readonly scale: number;
  private prevFast = Number.NaN;
  private prevSlow = Number.NaN;

  constructor(params: MaCrossParams, make: (period: number) => Average) {
    this.fast = make(params.fast);
    this.slow = make(params.slow);
    this.warmupBars = params.slow - 1;
    this.up = { kind: 'enter', side: 'buy', fresh: params.fresh, reason: 'cross up' };
    this.down =
      params.mode === 'flip' ? { kind: 'enter', side: 'sell', fresh: params.fresh, reason: 'cross down' } : DOWN_EXIT;
    this.scale = params.priceScale;
  }

  onBar(bar: StrategyBar): Intent | null {
    const x = bar.close * this.scale;
    const f = this.fast.update(x);
    const s = this.slow.update(x);
    const pf = this.prevFast;
    const ps = this.prevSlow;
    this.prevFast = f;
    this.prevSlow = s;
    if (pf < ps && f > s) return this.up;
    if (pf > ps && f < s) return this.down;
    return null;
  }
}

/** `sma-cross`: simple moving averages. */
export const SMA_CROSS: StrategyDefinition<typeof MaCrossParamsSchema> = {
  id: 'sma-cross',
  summary: 'long when the fast SMA crosses above the slow one; short (flip) or flat (long-only) on the cross down',
  params: MaCrossParamsSchema,
  defaultSizing: 'all-in',
  create: (params) => new MaCross(params, (n) => new Sma(n)),
};

/** `ema-cross`: exponential moving averages. */
export const EMA_CROSS: StrategyDefinition<typeof MaCrossParamsSchema> = {
  id: 'ema-cross',
  summary: 'long when the fast EMA crosses above the slow one; short (flip) or flat (long-only) on the cross down',
  params: MaCrossParamsSchema,
  defaultSizing: 'all-in',
  create: (params) => new MaCross(params, (n) => new Ema(n)),
};
