import { z } from 'zod';
import { BacktestEvents } from './backtest.ts';
import { EngineModeSchema } from './commands.ts';
import { KnowledgeEvents } from './knowledge-commands.ts';
import { ReplayStateSchema } from './replay.ts';
import { SeriesInfoSchema } from './series.ts';
import { SessionEvents } from './session-events.ts';
import { SettingsEvents } from './settings.ts';
import { TradingEvents } from './trading.ts';

/**
 * Every event the engine side pushes: name → payload schema. Events are past tense, carry
 * the time they happened (`at`, unix ms) and the ids they concern.
 */
export const Events = {
  /** The engine started (first start or after a restart) and accepts commands. */
  EngineStarted: z.object({
    at: z.number().int(),
    mode: EngineModeSchema,
    protocol: z.number().int(),
  }),
  /**
   * The engine host died and was restarted by its supervisor. Requests in flight at the
   * crash were answered with `ENGINE_RESTARTED`; state comes back from the store.
   */
  EngineRestarted: z.object({
    at: z.number().int(),
    reason: z.string(),
    restarts: z.number().int().positive(),
  }),
  /** The engine crashed too often and the supervisor gave up: the user must act. */
  EngineFailed: z.object({
    at: z.number().int(),
    reason: z.string(),
    restarts: z.number().int().nonnegative(),
  }),
  /** A candle series was loaded and can be queried. */
  CandlesLoaded: SeriesInfoSchema.extend({ at: z.number().int() }),
  /** A replay moved, paused, played, finished or changed speed. */
  ReplayStateChanged: ReplayStateSchema.extend({ at: z.number().int() }),
  ...SessionEvents,
  ...BacktestEvents,
  ...TradingEvents,
  ...KnowledgeEvents,
  ...SettingsEvents,
} as const satisfies Record<string, z.ZodType>;

/** Name of an event. */
export type EventName = keyof typeof Events;
/** Payload of event `E`. */
export type EventPayload<E extends EventName> = z.output<(typeof Events)[E]>;

/** Narrows an arbitrary string to an event name. */
export function isEventName(name: string): name is EventName {
  return Object.hasOwn(Events, name);
}

/** A typed event: the discriminated union of every `{ event, payload }` pair. */
export type EngineEvent = { [E in EventName]: { event: E; payload: EventPayload<E> } }[EventName];
