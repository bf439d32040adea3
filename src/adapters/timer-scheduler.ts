import type { Scheduler } from '../engine/ports.ts';

/** Longest delay a Node timer takes; longer ones would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The scheduler of a running host: Node timers (long delays chained). */
export class TimerScheduler implements Scheduler {
  schedule(delayMs: number, task: () => void): () => void {
    let timer: NodeJS.Timeout;
    const arm = (remaining: number) => {
      const now = Math.min(Math.max(0, remaining), MAX_TIMER_MS);
      timer = setTimeout(() => (remaining > MAX_TIMER_MS ? arm(remaining - MAX_TIMER_MS) : task()), now);
    };
    arm(delayMs);
    return () => clearTimeout(timer);
  }
}
