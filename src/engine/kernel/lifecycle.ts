import type { z } from 'zod';
import type { EngineStateSchema } from '../../shared/contract/commands.ts';

/** Lifecycle state of a component or of the kernel. */
export type LifecycleState = z.infer<typeof EngineStateSchema>;

const ALLOWED: Readonly<Record<LifecycleState, readonly LifecycleState[]>> = {
  created: ['starting'],
  starting: ['running', 'failed'],
  running: ['stopping', 'failed'],
  stopping: ['stopped', 'failed'],
  stopped: [],
  failed: [],
};

/**
 * Guards lifecycle transitions: created → starting → running → stopping → stopped, with
 * `failed` reachable from any active state. Anything else is a programming error and throws.
 */
export class Lifecycle {
  private current: LifecycleState = 'created';

  private readonly owner: string;

  constructor(owner: string) {
    this.owner = owner;
  }

  get state(): LifecycleState {
    return this.current;
  }

  transition(to: LifecycleState): void {
    if (!ALLOWED[this.current].includes(to)) {
      throw new Error(`${this.owner}: illegal lifecycle transition ${this.current} → ${to}`);
    }
    this.current = to;
  }
}
