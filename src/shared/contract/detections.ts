import { z } from 'zod';
import { TimeframeSchema } from '../values/timeframe.ts';
import { SeriesIdSchema } from './series.ts';
import { DetectionSchema } from './session-events.ts';

/** Most detections one `QueryDetections` returns when the request does not say. */
export const DEFAULT_DETECTION_LIMIT = 20_000;

/** Most detections one `QueryDetections` may ask for. */
export const MAX_DETECTION_LIMIT = 200_000;

/** Detection commands: what the detection engine sees in a stored series, for chart overlays. */
export const DetectionCommands = {
  /**
   * Runs the detection engine over a loaded series' bars (from its first bar, so every
   * detector is warmed up exactly as in a backtest) and returns the detections whose `time`
   * is in `from..to` (inclusive open times of base bars), oldest first: the most recent
   * `limit` of them, with `truncated` telling whether older ones were left out.
   */
  QueryDetections: {
    request: z
      .object({
        seriesId: SeriesIdSchema,
        /**
         * Timeframes to analyse, each the series' interval or a whole multiple of it; the
         * lowest is the entry timeframe and the next one up gives it its bias. The series'
         * interval alone when left out.
         */
        timeframes: z.array(TimeframeSchema).min(1).max(6).optional(),
        from: z.number().int().optional(),
        to: z.number().int().optional(),
        /** At most this many detections, the most recent ones. */
        limit: z.number().int().positive().max(MAX_DETECTION_LIMIT).default(DEFAULT_DETECTION_LIMIT),
      })
      .strict(),
    response: z.object({
      /** Detections in the order the engine raised them (by `time`, then as they arose). */
      events: z.array(DetectionSchema),
      /** True when more detections matched than `limit` and the oldest were left out. */
      truncated: z.boolean(),
    }),
  },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;
