import { z } from 'zod';
import { SeriesIdSchema } from './series.ts';
import { SessionIdSchema } from './session-events.ts';
import { VenueConfigSchema } from './venue-config.ts';

/** A strategy to run: a built-in id, its parameters (checked by the engine) and a sizing rule. */
export const StrategyChoiceSchema = z
  .object({
    id: z.string().min(1).max(64),
    params: z.record(z.string(), z.unknown()).default({}),
    /** `all-in` or `risk:<percent>`; the strategy's default when left out. */
    sizing: z.string().max(32).optional(),
  })
  .strict();

/**
 * The fields of every command that runs a strategy over a loaded series (a backtest, a sweep, a
 * walk-forward, a replay): the series, the strategy, the venue, and the first and last bar
 * (inclusive open times; the whole series when left out).
 */
export const SeriesRunFields = {
  seriesId: SeriesIdSchema,
  strategy: StrategyChoiceSchema,
  venue: VenueConfigSchema.optional(),
  from: z.number().int().optional(),
  to: z.number().int().optional(),
};

/** Where a replay is and how it moves. */
export const ReplayStateSchema = z.object({
  sessionId: SessionIdSchema,
  seriesId: SeriesIdSchema,
  strategy: z.string(),
  /** `failed`: the session hit an error (see `error`); it can only be stopped. */
  status: z.enum(['paused', 'playing', 'finished', 'failed']),
  error: z.string().nullable(),
  /** Bars processed so far. */
  cursor: z.number().int().nonnegative(),
  /** Bars in the session. */
  bars: z.number().int().positive(),
  /** Open time of the last processed bar, null before the first. */
  time: z.number().int().nullable(),
  /** Replay speed: 1 is real time (a 1m bar a minute), 60 a 1m bar a second. */
  speed: z.number().positive(),
});

/** See {@link ReplayStateSchema}. */
export type ReplayState = z.infer<typeof ReplayStateSchema>;

/** Fastest replay: beyond it, the session is simply stepped as fast as the engine goes. */
export const MAX_REPLAY_SPEED = 1_000_000;

const speed = z.number().positive().max(MAX_REPLAY_SPEED);

/** Replay commands: a past session played back through the same kernel, venue and events as live. */
export const ReplayCommands = {
  /**
   * Starts a replay of a loaded series, paused before its first bar. The session emits the
   * same events a live session does; `ReplayStateChanged` tells where it is.
   */
  StartReplay: {
    request: z.object({ ...SeriesRunFields, speed: speed.default(1) }).strict(),
    response: ReplayStateSchema,
  },
  /** Plays, pauses, steps n bars, seeks to a time or changes the speed of a replay. */
  ControlReplay: {
    request: z.discriminatedUnion('action', [
      z.object({ sessionId: SessionIdSchema, action: z.literal('play') }).strict(),
      z.object({ sessionId: SessionIdSchema, action: z.literal('pause') }).strict(),
      z
        .object({
          sessionId: SessionIdSchema,
          action: z.literal('step'),
          count: z.number().int().min(1).max(1_000_000).default(1),
        })
        .strict(),
      /** Moves to the bar opening at or before `time`; events of the bars skipped are not sent. */
      z.object({ sessionId: SessionIdSchema, action: z.literal('seek'), time: z.number().int() }).strict(),
      z.object({ sessionId: SessionIdSchema, action: z.literal('speed'), speed }).strict(),
    ]),
    response: ReplayStateSchema,
  },
  GetReplayState: {
    request: z.object({ sessionId: SessionIdSchema }).strict(),
    response: ReplayStateSchema,
  },
  /** Ends a replay and frees it. */
  StopReplay: {
    request: z.object({ sessionId: SessionIdSchema }).strict(),
    response: z.object({ sessionId: SessionIdSchema, stopped: z.literal(true) }),
  },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;
