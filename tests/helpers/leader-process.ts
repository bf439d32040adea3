import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { LeaderConfig } from '../../src/server/leader/leader-elector.ts';
import { ROOT } from './paths.ts';

/** A line printed by tests/fixtures/leader-child.ts. */
export interface LeaderEvent {
  event: 'started' | 'leader' | 'stopped';
  leader?: boolean;
  identity?: string;
  /** Date.now() in the child. */
  at: number;
}

/** A candidate running in its own process. */
export interface LeaderProcess {
  process: ChildProcess;
  events: LeaderEvent[];
  /** Waits (up to 10 s) for an event matching `match`, seen before or after the call. */
  next(match: (event: LeaderEvent) => boolean): Promise<LeaderEvent>;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

/** Starts tests/fixtures/leader-child.ts campaigning with `config` (and tuning, validated otherwise). */
export function spawnLeader(config: LeaderConfig, tuning?: { renewMs?: number }): LeaderProcess {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'tests', 'fixtures', 'leader-child.ts'), JSON.stringify({ config, ...(tuning ? { tuning } : {}) })],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const events: LeaderEvent[] = [];
  const waiters: (() => void)[] = [];
  if (child.stdout) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      events.push(JSON.parse(line) as LeaderEvent);
      for (const wake of waiters.splice(0)) wake();
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    events,
    exited,
    next: async (match) => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const found = events.find(match);
        if (found) return found;
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`no such event from the candidate; saw ${JSON.stringify(events)}; stderr: ${stderr}`);
        }
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
  };
}

/** Whether `event` says the candidate leads (at start or on a change). */
export const leads = (event: LeaderEvent): boolean =>
  (event.event === 'started' || event.event === 'leader') && event.leader === true;
