import { z } from 'zod';
import { TimeframeSchema } from '../values/timeframe.ts';
import { BacktestCommands } from './backtest.ts';
import { DetectionCommands } from './detections.ts';
import { KnowledgeCommands } from './knowledge-commands.ts';
import { ReplayCommands } from './replay.ts';
import { SettingsCommands } from './settings.ts';
import { TradingCommands } from './trading.ts';
import { CandleListSchema, CandleSourceSchema, CoinSchema, SeriesIdSchema, SeriesInfoSchema } from './series.ts';

/** Lifecycle state of the engine kernel. */
export const EngineStateSchema = z.enum(['created', 'starting', 'running', 'stopping', 'stopped', 'failed']);

/** How the kernel is wired: same code, different adapters. */
export const EngineModeSchema = z.enum(['research', 'backtest', 'replay', 'paper', 'live']);

/**
 * Every command the engine accepts: name → request and response schemas. Commands are
 * imperative; each is answered exactly once, with its response or a wire error.
 */
export const Commands = {
  /** Health and identity of the engine behind this connection. */
  GetEngineStatus: {
    request: z.object({}).strict(),
    response: z.object({
      protocol: z.number().int(),
      state: EngineStateSchema,
      mode: EngineModeSchema,
      /** Engine clock, unix ms. */
      now: z.number().int(),
      startedAt: z.number().int(),
      /** Components wired into this engine, in start order. */
      components: z.array(z.string()),
    }),
  },
  /** Loads a candle series into the engine (and its store); emits `CandlesLoaded`. */
  LoadCandles: {
    request: z
      .object({
        source: CandleSourceSchema,
        coin: CoinSchema,
        interval: TimeframeSchema,
      })
      .strict(),
    response: SeriesInfoSchema,
  },
  /**
   * Reads bars of a loaded series, oldest first; `from`/`to` are inclusive open times (of the
   * bars returned, so of the resampled bars when `interval` is given).
   */
  QueryCandles: {
    request: z
      .object({
        seriesId: SeriesIdSchema,
        from: z.number().int().optional(),
        to: z.number().int().optional(),
        /** At most this many bars, the most recent ones of the range. */
        limit: z.number().int().positive().max(5_000_000).optional(),
        /**
         * Resamples the series' bars to this interval on the fly (exact OHLCV aggregation on
         * the engine's time grid; a first or last bucket the data only partly covers is left
         * out). It must be the series' interval or a whole multiple of it, else the request
         * fails with `VALIDATION`. The series' own bars when left out.
         */
        interval: TimeframeSchema.optional(),
      })
      .strict(),
    response: z.object({ seriesId: SeriesIdSchema, candles: CandleListSchema }),
  },
  /** Every series the engine's store holds, loaded or not. */
  ListSeries: {
    request: z.object({}).strict(),
    response: z.object({ series: z.array(SeriesInfoSchema) }),
  },
  /** The datasets bundled with the app. */
  ListSamples: {
    request: z.object({}).strict(),
    response: z.object({
      samples: z.array(
        z.object({
          name: z.string(),
          coin: CoinSchema,
          interval: TimeframeSchema,
          synthetic: z.boolean(),
        }),
      ),
    }),
  },
  ...ReplayCommands,
  ...DetectionCommands,
  ...BacktestCommands,
  ...TradingCommands,
  ...KnowledgeCommands,
  ...SettingsCommands,
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

/** Name of a command. */
export type CommandName = keyof typeof Commands;
/** Request payload of command `K`, as the caller writes it. */
export type CommandRequest<K extends CommandName> = z.input<(typeof Commands)[K]['request']>;
/** Request payload of command `K`, after validation. */
export type ParsedCommandRequest<K extends CommandName> = z.output<(typeof Commands)[K]['request']>;
/** Response of command `K`. */
export type CommandResponse<K extends CommandName> = z.output<(typeof Commands)[K]['response']>;

/** Every command name, for validation and documentation. */
export const COMMAND_NAMES = Object.keys(Commands) as CommandName[];

/** Narrows an arbitrary string to a command name. */
export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(Commands, name);
}
