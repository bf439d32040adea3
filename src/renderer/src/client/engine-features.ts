import { z } from 'zod';
import type { EngineClient } from '../../../shared/client/engine-client.ts';
import { Commands, isCommandName, type CommandName, type CommandRequest } from '../../../shared/contract/commands.ts';
import { HyperdeskError } from '../../../shared/contract/errors.ts';
import { DetectionSchema } from '../../../shared/contract/session-events.ts';
import type { Candle } from '../../../shared/values/candle.ts';
import type { Timeframe } from '../../../shared/values/timeframe.ts';
import type { Detection } from '../chart/detection-overlays.ts';

/*
 * Commands the workspace uses that the engine may not have yet (resampled `QueryCandles`,
 * `QueryDetections`). The client validates requests against the shared contract before
 * sending, so the contract this renderer was built with says what is there; an engine that
 * still answers "unknown command" or "not implemented" switches the feature off at run time.
 */

/** True when this build's contract lets `QueryCandles` resample (`interval`). */
export function contractHasResampling(): boolean {
  return Commands.QueryCandles.request.safeParse({ seriesId: 'probe', interval: '1h' }).success;
}

/** True when this build's contract has `QueryDetections`. */
export function contractHasDetections(): boolean {
  return isCommandName('QueryDetections');
}

/** True for errors meaning "the engine cannot do this", as opposed to "this failed". */
export function isUnsupportedError(error: unknown): boolean {
  return error instanceof HyperdeskError && (error.code === 'UNKNOWN_COMMAND' || error.code === 'NOT_IMPLEMENTED');
}

/** `QueryCandles` with the `interval` the engine is getting; a plain query when `interval` is absent. */
export async function queryCandles(
  client: EngineClient,
  seriesId: string,
  interval: Timeframe | null,
): Promise<readonly Candle[]> {
  // A variable, not a literal, so the payload type-checks before the contract has `interval`.
  const payload: CommandRequest<'QueryCandles'> & { interval?: Timeframe } = { seriesId };
  if (interval !== null) payload.interval = interval;
  const response = await client.request('QueryCandles', payload);
  return response.candles;
}

/** Request of `QueryDetections`. */
export interface DetectionQuery {
  readonly seriesId: string;
  readonly timeframes?: readonly Timeframe[];
  readonly from?: number;
  readonly to?: number;
  readonly limit?: number;
}

const DetectionsResponseSchema = z.object({ events: z.array(DetectionSchema), truncated: z.boolean() });

type LooseRequest = (command: CommandName, payload: unknown) => Promise<unknown>;

/**
 * `QueryDetections`, typed here until the contract has it; rejects with `UNKNOWN_COMMAND`
 * when the contract does not know the command (it would not pass the client's validation).
 */
export async function queryDetections(
  client: EngineClient,
  query: DetectionQuery,
): Promise<{ events: readonly Detection[]; truncated: boolean }> {
  const command = 'QueryDetections';
  if (!isCommandName(command)) {
    throw new HyperdeskError('ValidationError', 'UNKNOWN_COMMAND', `${command} is not in this build's contract`);
  }
  const request = client.request.bind(client) as LooseRequest;
  return DetectionsResponseSchema.parse(await request(command, query));
}
