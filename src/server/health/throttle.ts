/*
 * `/readyz` and `/metrics` answer anyone who can reach the server, without authentication or
 * rate limiting (kubelets and Prometheus have no tokens). What they run must therefore cost the
 * same however often they are asked: these wrappers make N requests do the work once.
 */

type Clock = () => number;
const monotonic: Clock = () => performance.now();

/**
 * `check` run at most once per `minIntervalMs`; calls in between get its last outcome (its
 * error thrown again). For the store probe: a file write with fsync and the database's write
 * lock (a synchronous wait of up to a second when the engine holds it), which a flood of
 * `/readyz` requests must not repeat per request, on the event loop and against the journal.
 */
export function throttleCheck(check: () => void, minIntervalMs: number, now: Clock = monotonic): () => void {
  let last: { readonly at: number; readonly error: unknown } | null = null;
  return () => {
    const t = now();
    if (last === null || t - last.at >= minIntervalMs) {
      let error: unknown = null;
      try {
        check();
      } catch (caught) {
        error = caught ?? new Error('the check failed');
      }
      last = { at: t, error };
    }
    if (last.error !== null) throw last.error;
  };
}

/** A shared, throttled refresh (see {@link shareRefresh}). */
export interface SharedRefresh {
  (): Promise<void>;
  /**
   * The data changed at the source (a fill moved the account): the next call runs again at
   * once, and a run in flight now does not count as fresh once it settles.
   */
  invalidate(): void;
}

/**
 * `refresh` shared by concurrent callers (one run in flight at a time) and not started again
 * until `minIntervalMs` after the last run settled; callers in that window return at once (the
 * gauges keep what the last run set) unless {@link SharedRefresh.invalidate} was called. For the
 * trading metrics: each run asks the venue for the account and the marks through the session's
 * own request-weight limiter, a FIFO queue, so unshared scrapes could fill the venue budget and
 * queue the session's orders, cancels and dead-man-switch refreshes behind them.
 */
export function shareRefresh(
  refresh: () => Promise<void>,
  minIntervalMs: number,
  now: Clock = monotonic,
): SharedRefresh {
  let running: Promise<void> | null = null;
  let settledAt = -Infinity;
  let dirty = false;
  const shared = () => {
    if (running) return running;
    if (now() - settledAt < minIntervalMs) return Promise.resolve();
    const run = refresh().finally(() => {
      settledAt = dirty ? -Infinity : now();
      dirty = false;
      running = null;
    });
    running = run;
    return run;
  };
  return Object.assign(shared, {
    invalidate() {
      settledAt = -Infinity;
      if (running) dirty = true;
    },
  });
}
