import { z } from 'zod';

const ratio = z.number().min(0).max(1);
const positive = z.number().positive();
const count = (min: number, max: number) => z.number().int().min(min).max(max);

/**
 * Every tunable of the detection engine, with its default. The meaning of each parameter is
 * documented in docs/strategy-concepts.md; the learning pipeline maps extracted rules onto
 * these names, so they are part of the product's vocabulary and change only deliberately.
 */
export const DetectionConfigSchema = z
  .object({
    /** Period of the ATR that scales every "how big" threshold. */
    atrPeriod: count(2, 500).default(14),
    patterns: z
      .object({
        /** Doji: body at most this share of the range. */
        dojiBody: ratio.default(0.1),
        /** Pin bar: the long wick is at least this share of the range. */
        pinWick: ratio.default(0.6),
        /** Pin bar: the close is in this outer share of the range, on the side away from the wick. */
        pinClose: ratio.default(0.35),
        /** Hammer / shooting star: a pin bar at the lowest low / highest high of this many bars. */
        extremeLookback: count(2, 100).default(5),
        /** Small wick: the wick on the close side is at most this share of the range. */
        smallWick: ratio.default(0.1),
        /** Small wick: the body is at least this share of the range. */
        smallWickBody: ratio.default(0.6),
        /** Steeper wick: the rejection wick is at least this many times the previous bar's. */
        steeperFactor: z.number().min(1).max(20).default(1.5),
        /** Steeper wick: the rejection wick is at least this share of the range. */
        steeperWick: ratio.default(0.5),
        /** Celery play: the stalk bar's range is at most this many ATRs. */
        celeryStalkAtr: positive.max(10).default(0.5),
        /** Celery play: the leaf bar's range is at least this many ATRs. */
        celeryLeafAtr: positive.max(20).default(1.2),
      })
      .strict()
      .prefault({}),
    structure: z
      .object({
        /** `fractal`: a swing needs `swingBars` lower highs (higher lows) on each side. `zigzag`: price must reverse by `zigzagAtr` ATRs. */
        swingMode: z.enum(['fractal', 'zigzag']).default('fractal'),
        swingBars: count(1, 20).default(2),
        zigzagAtr: positive.max(50).default(2),
        /** Equal highs/lows: within this many ATRs of each other. */
        equalAtr: positive.max(5).default(0.1),
        /** Equal highs/lows: looked for among this many previous swings on the same side. */
        equalLookback: count(1, 50).default(5),
        /** Range: at least this many bars inside the last swing high and low. */
        rangeMinBars: count(2, 1000).default(8),
        /** Range: at most this many ATRs tall. */
        rangeMaxAtr: positive.max(100).default(6),
        /** A touch of a range edge: within this share of the range height. */
        rangeTouch: ratio.default(0.1),
      })
      .strict()
      .prefault({}),
    cycle: z
      .object({
        /** Bars over which net move and efficiency are measured. */
        window: count(3, 500).default(20),
        /** Drive: net move of at least this many ATRs over the window... */
        driveAtr: positive.max(100).default(3),
        /** ...made efficiently: |net move| / path length at least this. */
        driveEfficiency: ratio.default(0.5),
        /** Liquidity phase lasts this many bars after a sweep. */
        liquidityBars: count(1, 500).default(5),
      })
      .strict()
      .prefault({}),
    confluence: z
      .object({
        /** Setups below this score are not reported. */
        minScore: ratio.default(0.65),
        /** A sweep or BOS counts as context for this many bars. */
        contextBars: count(1, 500).default(8),
        /** Location: within this share of a range's height from its edge. */
        extremeZone: ratio.default(0.25),
      })
      .strict()
      .prefault({}),
  })
  .strict();

/** Detection parameters, as given (every field optional). */
export type DetectionConfigInput = z.input<typeof DetectionConfigSchema>;
/** Detection parameters with defaults filled in. */
export type DetectionConfig = z.output<typeof DetectionConfigSchema>;

/** The defaults. */
export const DEFAULT_DETECTION_CONFIG: DetectionConfig = DetectionConfigSchema.parse({});
