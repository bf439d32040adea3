import type { Clock } from '../ports.ts';

/**
 * A clock that moves only when told to. Backtest and replay drive it from bar times, tests
 * drive it by hand; time never goes backwards.
 */
export class VirtualClock implements Clock {
  private current: number;

  constructor(start = 0) {
    if (!Number.isFinite(start)) throw new RangeError('VirtualClock start must be finite');
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Moves the clock to `time`; refuses to go backwards. */
  advanceTo(time: number): void {
    if (!Number.isFinite(time)) throw new RangeError('VirtualClock time must be finite');
    if (time < this.current) {
      throw new RangeError(`VirtualClock cannot go back from ${this.current} to ${time}`);
    }
    this.current = time;
  }

  /** Moves the clock forward by `ms`. */
  advanceBy(ms: number): void {
    this.advanceTo(this.current + ms);
  }
}
