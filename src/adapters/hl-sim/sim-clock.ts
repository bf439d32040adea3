/** The simulated exchange's time: real time by default, or moved by hand in tests. */
export class SimClock {
  private manual: number | null;
  private readonly listeners = new Set<(now: number) => void>();

  /** `start` makes the clock manual, starting there; without it the clock follows real time. */
  constructor(start?: number) {
    this.manual = start ?? null;
  }

  now(): number {
    return this.manual ?? Date.now();
  }

  /** Moves a manual clock forward by `ms` and tells listeners. */
  advance(ms: number): void {
    if (this.manual === null)
      throw new Error('the sim clock follows real time; create it with a start time to move it');
    if (ms < 0) throw new RangeError('the sim clock cannot go back');
    this.manual += ms;
    this.tick();
  }

  /** Tells listeners the time has changed (real-time mode calls this on a timer). */
  tick(): void {
    const now = this.now();
    for (const listener of this.listeners) listener(now);
  }

  onTick(listener: (now: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
