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
}

/**
 * Resolves once SIGTERM or SIGINT has been handled: `stop` runs once (a second signal only
 * says it is under way), within `graceMs` or the process is ended with a log line saying so.
 * A clean stop resolves with exit code 0; should anything still hold the event loop open
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
      options
        .stop()
        .catch((error: unknown) => options.logger.error(`shutdown failed: ${(error as Error).message}`))
        .finally(() => {
          clearTimeout(force);
          for (const s of signals) process.off(s, onSignal);
          options.logger.info(`stopped in ${Date.now() - began} ms`);
          const linger = setTimeout(() => exit(0), 1000);
          linger.unref();
          resolve(0);
        });
    };
    for (const signal of signals) process.on(signal, onSignal);
  });
}
