import type { Clock } from '../engine/ports.ts';

/** Wall-clock time, for paper and live trading and for the engine host's own status. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
}
