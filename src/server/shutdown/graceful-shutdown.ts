import type { Logger } from '../logger.ts';

/** Options for {@link waitForShutdown}. */
export interface ShutdownOptions {
  /** Everything must be done within this; past it the process exits with code 1. */
  readonly graceMs: number;
  readonly stop: () => Promise<void>;
  readonly logger: Logger;
  /** Ends the process (tests replace it). */
  readonly exit?: (code: number) => void;
  readonly signals?: readonly NodeJS.Signals[];
  /** When aborted before a signal came, the handlers are removed (nothing left to stop). */
  readonly cancel?: AbortSignal;
}

/**
 * Resolves once SIGTERM or SIGINT has been handled: `stop` runs once (a second signal only
 * says it is under way), within `graceMs` or the process is ended with a log line saying so.
 * A clean stop resolves with exit code 0, a stop that failed somewhere with 1 (the orchestrator
 * and the operator should know the journal or the lease may need a look); should anything still hold the event loop open
 * afterwards, the process is ended shortly after (the work is done; a forgotten timer must not
 * keep a pod in Terminating).
 */
export function waitForShutdown(options: ShutdownOptions): Promise<number> {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  return new Promise<number>((resolve) => {
    let started = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (started) {
        options.logger.warn(`${signal} received again; shutdown is under way`);
        return;
      }
      started = true;
      const began = Date.now();
      options.logger.info(`${signal} received: stopping (grace ${options.graceMs} ms)`);
      const force = setTimeout(() => {
        options.logger.error(`shutdown did not finish within ${options.graceMs} ms; exiting now`);
        exit(1);
      }, options.graceMs);
      force.unref();
      let code = 0;
      options
        .stop()
        .catch((error: unknown) => {
          code = 1;
          options.logger.error(`shutdown failed: ${(error as Error).message}`);
        })
        .finally(() => {
          clearTimeout(force);
          for (const s of signals) process.off(s, onSignal);
          options.logger.info(`stopped in ${Date.now() - began} ms`);
          const linger = setTimeout(() => exit(code), 1000);
          linger.unref();
          resolve(code);
        });
    };
    for (const signal of signals) process.on(signal, onSignal);
    options.cancel?.addEventListener('abort', () => {
      if (!started) for (const s of signals) process.off(s, onSignal);
    });
  });
}

/**
 * Runs `start` with the signal handlers already installed, then waits for a signal as
 * {@link waitForShutdown} does. A signal that comes while `start` is still under way (opening
 * the journal, the first lease attempt) is not lost: what was started is stopped as soon as it
 * is up, within the same grace. This matters in a container, where the server is PID 1: a
 * signal with no handler installed is ignored there, and the kubelet would end the pod with
 * SIGKILL after its grace period, the lease unreleased and the session never stopped. A
 * `start` that fails removes the handlers and rethrows.
 */
export async function runUntilSignalled<T extends { stop(): Promise<void> }>(
  start: () => Promise<T>,
  options: Omit<ShutdownOptions, 'stop' | 'cancel'>,
  onStarted?: (handle: T) => void,
): Promise<number> {
  const cancel = new AbortController();
  const stopped = waitForShutdown({
    ...options,
    cancel: cancel.signal,
    stop: async () => {
      // Only ever called from a signal handler, so after the assignment below.
      const handle = await starting.catch(() => null);
      await handle?.stop();
    },
  });
  const starting = start();
  let handle: T;
  try {
    handle = await starting;
  } catch (error) {
    cancel.abort();
    throw error;
  }
  onStarted?.(handle);
  return stopped;
}
