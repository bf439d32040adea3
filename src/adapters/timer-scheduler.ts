import type { Scheduler } from '../engine/ports.ts';

/** The scheduler of a running host: Node timers. */
export class TimerScheduler implements Scheduler {
  schedule(delayMs: number, task: () => void): () => void {
    const timer = setTimeout(task, Math.max(0, delayMs));
    return () => clearTimeout(timer);
  }
}
