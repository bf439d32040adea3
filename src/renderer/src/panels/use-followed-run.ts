import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { EventName } from '../../../shared/contract/events.ts';
import { useEngineClient } from '../client/engine-context.ts';

/** Events held while a start request is in flight, at most. */
const MAX_HELD_EVENTS = 500;

/** The run a panel follows, and the steps of starting, ending and dropping it. */
export interface FollowedRun {
  /** Before the start request: the events that beat its answer are held until it comes. */
  begin(): void;
  /**
   * The start request answered `runId`: the run is followed, `onRunning` runs, then the held
   * events are handled. When the run was dropped meanwhile it is canceled on the engine instead.
   */
  started(runId: string, onRunning: () => void): void;
  /** The start request failed; false when the run was dropped meanwhile (nothing to report). */
  failedToStart(): boolean;
  /** Stops following the run (it no longer applies); its id, when it has one, to cancel it. */
  drop(): string | null;
  /** The user cancels the run: it is dropped and canceled on the engine; `onError` hears of a failed cancel. */
  cancel(onError: (error: Error) => void): void;
}

/**
 * Follows one engine run at a time (a backtest, a sweep, a walk-forward) through `events`:
 * `onEvent` gets only the events of the followed run, those that come before its start request
 * is answered included (held, then handled in order), and `ended` to call once the run finished
 * or failed (nothing more of it is handled then). Events of other runs (other windows) are
 * ignored. A run still going when the component goes away is canceled.
 */
export function useFollowedRun(
  events: readonly EventName[],
  onEvent: (event: EventName, payload: unknown, ended: () => void) => void,
): FollowedRun {
  const client = useEngineClient();
  /** The run followed; events of other runs are ignored. */
  const currentRun = useRef<string | null>(null);
  /** Set while the start request is in flight: events that beat its answer wait here. */
  const early = useRef<{ event: EventName; payload: unknown }[] | null>(null);
  const canceled = useRef(false);

  const handle = useCallback(
    (event: EventName, payload: unknown) => {
      if (early.current) {
        if (early.current.length < MAX_HELD_EVENTS) early.current.push({ event, payload });
        return;
      }
      const runId = (payload as { runId?: unknown }).runId;
      if (runId === undefined || runId !== currentRun.current || canceled.current) return;
      onEvent(event, payload, () => {
        currentRun.current = null;
      });
    },
    [onEvent],
  );

  useEffect(() => {
    const detach = events.map((name) => client.on(name, (payload) => handle(name, payload)));
    return () => {
      for (const d of detach) d();
    };
  }, [client, events, handle]);

  // A run still going when the component goes away is canceled: nobody would see its result.
  useEffect(
    () => () => {
      const runId = currentRun.current;
      if (runId) client.request('CancelBacktest', { runId }).catch(() => undefined);
    },
    [client],
  );

  return useMemo(() => {
    const drop = () => {
      canceled.current = true;
      const runId = currentRun.current;
      currentRun.current = null;
      return runId;
    };
    return {
      begin() {
        canceled.current = false;
        currentRun.current = null;
        early.current = [];
      },
      started(runId, onRunning) {
        const waiting = early.current ?? [];
        early.current = null;
        currentRun.current = runId;
        if (canceled.current) {
          currentRun.current = null;
          client.request('CancelBacktest', { runId }).catch(() => undefined);
          return;
        }
        onRunning();
        for (const { event, payload } of waiting) handle(event, payload);
      },
      failedToStart() {
        early.current = null;
        return !canceled.current;
      },
      drop,
      cancel(onError) {
        const runId = drop();
        if (runId) client.request('CancelBacktest', { runId }).catch(onError);
      },
    };
  }, [client, handle]);
}
